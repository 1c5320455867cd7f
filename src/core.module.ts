import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from './config/app-config.js';
import { LOGGER } from './common/logging/logger.token.js';

/** Process-wide singletons made before Nest starts: the validated config and the logger. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: LOGGER, useValue: logger },
      ],
      exports: [AppConfig, LOGGER],
    };
  }
}
