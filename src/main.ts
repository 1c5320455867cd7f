import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { createApp } from './app.factory.js';
import { AppConfig } from './config/app-config.js';
import { ConfigError } from './config/config-error.js';
import { createLogger } from './common/logging/logger.js';
import { FolderInUse } from './database/folder-lock.js';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  try {
    const app = await createApp(config, logger);
    await app.listen({ port: config.http.port, host: config.http.host });
    logger.info({ url: await app.getUrl() }, 'reranker-registry listening');
    stopOnSignals(app, logger, config.http.shutdownGraceMs);
  } catch (error) {
    if (error instanceof FolderInUse) console.error(error.message);
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
}

/**
 * On SIGTERM or SIGINT: Nest drains in-flight requests and runs every shutdown hook, then the
 * log lines still buffered are written, then the signal is raised again so the process ends
 * as signalled. Raised again straight away, as Nest's own shutdown hooks do, the signal ended
 * the process before the buffered lines (shutdown errors such as unwritten usage among them)
 * were written: issue 19 item 18. A request that hangs must not block exit forever: after
 * SHUTDOWN_GRACE_MS the process exits (1), which writes the buffered lines too.
 */
function stopOnSignals(app: NestFastifyApplication, logger: Logger, graceMs: number): void {
  const stop = (signal: NodeJS.Signals): void => {
    for (const other of ['SIGTERM', 'SIGINT'] as const) process.removeListener(other, stop);
    setTimeout(() => process.exit(1), graceMs).unref();
    app
      .close()
      .then(
        () => logger.info({ signal }, 'reranker-registry stopped'),
        (error: unknown) => logger.error({ err: error, signal }, 'shutdown failed'),
      )
      .finally(() => logger.flush(() => process.kill(process.pid, signal)));
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, stop);
}

function loadConfigOrExit(): AppConfig {
  try {
    return AppConfig.fromEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

void bootstrap();
