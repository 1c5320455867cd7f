import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Secret } from '../config/secret.js';
import {
  MIGRATION_LOCK_KEY,
  type ChannelHandlers,
  type DatabaseEngine,
  type NotificationChannel,
  type SqlExecutor,
  type SqlSession,
} from './database-engine.js';
import { PostgresListener } from './postgres-listener.js';

export class PostgresEngine implements DatabaseEngine {
  readonly kind = 'postgres';
  readonly location: string;
  readonly prismaAdapter: PrismaPg;
  private readonly pool: pg.Pool;
  private readonly url: Secret<string>;

  constructor(url: Secret<string>, poolSize: number) {
    this.url = url;
    this.pool = new pg.Pool({ connectionString: url.reveal(), max: poolSize, connectionTimeoutMillis: 10_000 });
    // Idle clients that lose their server emit here; without a listener the process would crash.
    this.pool.on('error', () => undefined);
    this.prismaAdapter = new PrismaPg(this.pool);
    this.location = describe(url.reveal());
  }

  async withMigrationLock<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      try {
        return await work(sessionOf(client));
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      }
    } finally {
      client.release();
    }
  }

  async openChannel(name: string, handlers: ChannelHandlers): Promise<NotificationChannel> {
    const listener = await PostgresListener.start(this.url, name, handlers);
    return {
      notify: async (payload) => {
        await this.pool.query('SELECT pg_notify($1, $2)', [name, payload]);
      },
      close: () => listener.close(),
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function executorOf(client: pg.PoolClient): SqlExecutor {
  return {
    query: async <T extends object>(sql: string, params?: unknown[]) => (await client.query<T>(sql, params)).rows,
    exec: async (script) => {
      await client.query(script);
    },
  };
}

function sessionOf(client: pg.PoolClient): SqlSession {
  const executor = executorOf(client);
  return {
    ...executor,
    transaction: async (work) => {
      await client.query('BEGIN');
      try {
        const result = await work(executor);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
  };
}

/** host:port/database, never the user or password. */
function describe(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}
