import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { AppConfig } from './config/app-config.js';
import { ConfigError } from './config/config-error.js';
import { createLogger } from './common/logging/logger.js';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  try {
    const app = await createApp(config, logger);
    await app.listen({ port: config.http.port, host: config.http.host });
    logger.info({ url: await app.getUrl() }, 'reranker-registry listening');
    forceExitAfterGrace(config.http.shutdownGraceMs);
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
}

/** Nest drains in-flight requests on SIGTERM; a request that hangs must not block exit forever. */
function forceExitAfterGrace(graceMs: number): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), graceMs).unref());
  }
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
