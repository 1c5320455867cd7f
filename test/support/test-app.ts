import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import { createApp } from '../../src/app.factory.js';
import { createLogger } from '../../src/common/logging/logger.js';
import { AppConfig } from '../../src/config/app-config.js';
import { LogCapture } from './log-capture.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly server: Server;
  readonly config: AppConfig;
  readonly logs: LogCapture;
  readonly database: TestDatabase;
  /** Closes the app; the database survives for a restart. */
  stop(): Promise<void>;
  /** Closes the app and drops its database. */
  close(): Promise<void>;
}

/**
 * Keys are hashed at argon2's floor (a hash costs next to nothing instead of the production cost),
 * or at OWASP's minimum where a test runs the app as production, which refuses less. A test
 * that needs the production cost passes AUTH_ARGON2_* itself.
 */
const CHEAP_ARGON2 = { AUTH_ARGON2_MEMORY_KIB: '8', AUTH_ARGON2_TIME_COST: '1' };
const PRODUCTION_FLOOR_ARGON2 = { AUTH_ARGON2_MEMORY_KIB: '19456', AUTH_ARGON2_TIME_COST: '2' };

/** Starts the real application (same createApp as main.ts) on a database of its own. */
export async function startTestApp(env: Record<string, string> = {}, database?: TestDatabase): Promise<TestApp> {
  const db = database ?? (await createTestDatabase());
  const argon2 = env.NODE_ENV === 'production' ? PRODUCTION_FLOOR_ARGON2 : CHEAP_ARGON2;
  const config = AppConfig.fromEnv({ NODE_ENV: 'test', LOG_LEVEL: 'info', ...argon2, ...db.env, ...env });
  const logs = new LogCapture();
  const app = await createApp(config, createLogger(config.logLevel, logs));
  const stop = async (): Promise<void> => {
    await app.close();
  };
  return {
    app,
    server: app.getHttpServer() as Server,
    config,
    logs,
    database: db,
    stop,
    close: async () => {
      await stop();
      await db.drop();
    },
  };
}
