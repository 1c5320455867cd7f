import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { UsageModule } from '../usage/usage.module.js';
import { UsersModule } from '../users/users.module.js';
import { CredentialCipher } from './credentials/credential-cipher.js';
import { CredentialFingerprinter } from './credentials/credential-fingerprint.js';
import { SecretSource } from './credentials/secret-source.js';
import { RerankersController } from './rerankers.controller.js';
import { RerankersRepository } from './rerankers.repository.js';
import { RerankersService } from './rerankers.service.js';

@Module({
  imports: [UsersModule, AuditModule, UsageModule],
  controllers: [RerankersController],
  providers: [RerankersService, RerankersRepository, CredentialCipher, CredentialFingerprinter, SecretSource],
  exports: [RerankersService, RerankersRepository, CredentialCipher, SecretSource],
})
export class RerankersModule {}
