import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Secret } from '../src/config/secret.js';
import { PostgresListener } from '../src/database/postgres-listener.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/** A TCP relay to PostgreSQL that a test can take down and bring back on the same port. */
class OutageProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Cuts every connection and refuses new ones until `up()`. */
  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

async function eventually(check: () => boolean | Promise<boolean>, withinMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > withinMs) throw new Error(`${what}: not seen within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

onPostgres('PostgresListener', () => {
  const channel = `listener_test_${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  let admin: pg.Client;
  let proxy: OutageProxy;
  let listener: PostgresListener;
  const received: string[] = [];
  let gaps = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    const direct = new URL(db.env.DATABASE_URL!);
    admin = new pg.Client({ connectionString: direct.toString() });
    await admin.connect();
    proxy = new OutageProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    await proxy.up();
    const viaProxy = new URL(direct);
    viaProxy.port = String(proxy.port);
    listener = await PostgresListener.start(new Secret(viaProxy.toString()), channel, {
      onMessage: (payload) => received.push(payload),
      onGap: () => gaps++,
    });
  });

  afterAll(async () => {
    await listener.close();
    await admin.end();
    await proxy.down();
    await db.drop();
  });

  /** Sends until the listener hears it (a reconnect may still be in progress). */
  async function heard(payload: string, withinMs: number): Promise<void> {
    await eventually(
      async () => {
        await admin.query('SELECT pg_notify($1, $2)', [channel, payload]);
        return received.includes(payload);
      },
      withinMs,
      `notification ${payload}`,
    );
  }

  it('delivers notifications', async () => {
    await heard('first', 2_000);
  });

  it('comes back after its connection is terminated, and reports the gap', async () => {
    const gapsBefore = gaps;
    const { rows } = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = $1',
      [`LISTEN "${channel}"`],
    );
    expect(rows).toHaveLength(1);
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await eventually(() => gaps > gapsBefore, 5_000, 'a gap');
    await heard('after-terminate', 5_000);
  });

  it('keeps reconnecting through a long outage, and reports the gap when back', async () => {
    await proxy.down();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const gapsDuringOutage = gaps;
    await proxy.up();
    await eventually(() => gaps > gapsDuringOutage, 10_000, 'a gap after the outage');
    await heard('after-outage', 10_000);
  });
});
