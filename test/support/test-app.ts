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

/** Starts the real application (same createApp as main.ts) on a database of its own. */
export async function startTestApp(env: Record<string, string> = {}, database?: TestDatabase): Promise<TestApp> {
  const db = database ?? (await createTestDatabase());
  const config = AppConfig.fromEnv({ NODE_ENV: 'test', LOG_LEVEL: 'info', ...db.env, ...env });
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
