import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logger.token.js';
import { AWS_CREDENTIAL_SOURCE, DefaultChainCredentialSource } from './aws-sigv4.js';
import { CredentialCipher } from './credential-cipher.js';
import { CredentialFingerprinter } from './credential-fingerprint.js';
import { CredentialPolicy } from './credential-policy.js';
import { CredentialResolver } from './credential-resolver.js';
import { GCP_TOKEN_SOURCE, GoogleAdcTokenSource } from './gcp-token-source.js';
import { SecretSource } from './secret-source.js';

/**
 * Credentials of every kind, in one place: the policy (who may supply or redirect which
 * credential) for the registry, the resolver (what a call sends) for execution.
 */
@Module({
  providers: [
    CredentialCipher,
    CredentialFingerprinter,
    SecretSource,
    CredentialPolicy,
    CredentialResolver,
    { provide: GCP_TOKEN_SOURCE, inject: [LOGGER], useFactory: (logger: Logger) => new GoogleAdcTokenSource(logger) },
    { provide: AWS_CREDENTIAL_SOURCE, inject: [LOGGER], useFactory: (logger: Logger) => new DefaultChainCredentialSource(logger) },
  ],
  exports: [CredentialPolicy, CredentialResolver, CredentialCipher],
})
export class CredentialsModule {}
