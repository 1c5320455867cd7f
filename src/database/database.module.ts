import { Global, Module } from '@nestjs/common';
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
      inject: [AppConfig],
      useFactory: (config: AppConfig) => createDatabaseEngine(config.database),
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
