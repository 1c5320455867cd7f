import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { KEY_VERIFIER } from '../auth/key-verifier.js';
import { UsersModule } from '../users/users.module.js';
import { ApiKeyVerifier } from './api-key-verifier.js';
import { Argon2Pool } from './argon2-pool.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';

@Module({
  imports: [UsersModule, AuditModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiKeysRepository, Argon2Pool, ApiKeyVerifier, { provide: KEY_VERIFIER, useExisting: ApiKeyVerifier }],
  exports: [ApiKeysService, ApiKeyVerifier, KEY_VERIFIER],
})
export class ApiKeysModule {}
