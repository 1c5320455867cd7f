import { Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logger.token.js';
import { AppConfig } from '../config/app-config.js';
import { createDatabaseEngine } from './create-engine.js';
import { DATABASE_ENGINE, type DatabaseEngine } from './database-engine.js';
import { DatabaseService } from './database.service.js';
import { PrismaService } from './prisma.service.js';
import { Transactions } from './transactions.js';

@Global()
@Module({
  providers: [
    {
      provide: DATABASE_ENGINE,
      inject: [AppConfig, LOGGER],
      useFactory: (config: AppConfig, logger: Logger) =>
        createDatabaseEngine(config.database, (stale) => logger.warn({ stalePid: stale.pid, since: stale.since }, 'took over the embedded database lock of a process that is gone')),
    },
    {
      provide: PrismaService,
      inject: [DATABASE_ENGINE],
      useFactory: (engine: DatabaseEngine) => new PrismaService(engine),
    },
    DatabaseService,
    Transactions,
  ],
  exports: [PrismaService, DatabaseService, Transactions, DATABASE_ENGINE],
})
export class DatabaseModule {}
