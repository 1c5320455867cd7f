import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { LOGGER } from '../common/logging/logger.token.js';
import { DATABASE_ENGINE, type DatabaseEngine, type DatabaseKind } from './database-engine.js';
import { applyMigrations } from './migrations/migration-runner.js';
import { readMigrationFiles } from './migrations/migration-files.js';
import { PrismaService } from './prisma.service.js';

/** Owns the database lifecycle: connect and migrate at boot (fail fast), close at shutdown. */
@Injectable()
export class DatabaseService implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(DATABASE_ENGINE) private readonly engine: DatabaseEngine,
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get kind(): DatabaseKind {
    return this.engine.kind;
  }

  async onModuleInit(): Promise<void> {
    if (this.engine.kind === 'embedded') {
      this.logger.info(`embedded database at ${this.engine.location}; set DATABASE_URL for PostgreSQL`);
    } else {
      this.logger.info(`PostgreSQL database at ${this.engine.location}`);
    }
    await this.prisma.$connect();
    await this.prisma.$queryRaw`SELECT 1`;
    if (this.config.database.migrateOnStart) {
      const applied = await applyMigrations(this.engine, await readMigrationFiles());
      this.logger.info({ applied }, applied.length ? 'migrations applied' : 'database schema up to date');
    }
  }

  /** True when a trivial query answers within the timeout. */
  async isReachable(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const probe = this.prisma.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs after the HTTP server has drained, so in-flight requests keep their database. */
  async onApplicationShutdown(): Promise<void> {
    await this.prisma.$disconnect();
    await this.engine.close();
  }
}
