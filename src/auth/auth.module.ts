import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ApiKeyVerifier } from './api-key-verifier.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { RequestAuthenticator } from './request-authenticator.js';

@Module({
  imports: [ApiKeysModule],
  providers: [ApiKeyVerifier, RequestAuthenticator, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [ApiKeyVerifier, RequestAuthenticator],
})
export class AuthModule {}
