import { Module } from '@nestjs/common';
import { SESSION_AUTHENTICATOR } from '../../auth/session-credentials.js';
import { ApiKeysModule } from '../api-keys.module.js';
import { ConsoleSessionController } from './console-session.controller.js';
import { ConsoleSessionsRepository } from './console-sessions.repository.js';
import { ConsoleSessions } from './console-sessions.service.js';

/**
 * Console sign-in sessions: an API key exchanged for an HttpOnly cookie. Implements auth's
 * SESSION_AUTHENTICATOR, given to AuthModule at composition (like KEY_VERIFIER).
 */
@Module({
  imports: [ApiKeysModule],
  controllers: [ConsoleSessionController],
  providers: [ConsoleSessionsRepository, ConsoleSessions, { provide: SESSION_AUTHENTICATOR, useExisting: ConsoleSessions }],
  exports: [ConsoleSessions, SESSION_AUTHENTICATOR],
})
export class SessionsModule {}
