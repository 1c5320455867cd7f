import pg from 'pg';
import type { Secret } from '../config/secret.js';
import type { ChannelHandlers } from './database-engine.js';

const RECONNECT_DELAYS_MS = [100, 500, 1_000, 2_000, 5_000];

/**
 * A dedicated connection that LISTENs on one channel and comes back when it is lost;
 * after a reconnect it reports the gap, since notifications sent meanwhile are gone.
 */
export class PostgresListener {
  private client: pg.Client | undefined;
  private closed = false;
  private attempt = 0;

  private constructor(
    private readonly url: Secret<string>,
    private readonly channel: string,
    private readonly handlers: ChannelHandlers,
  ) {}

  static async start(url: Secret<string>, channel: string, handlers: ChannelHandlers): Promise<PostgresListener> {
    const listener = new PostgresListener(url, channel, handlers);
    await listener.connect();
    return listener;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url.reveal() });
    client.on('notification', (message) => {
      if (message.channel === this.channel && message.payload !== undefined) this.handlers.onMessage(message.payload);
    });
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    await client.connect();
    await client.query(`LISTEN "${this.channel}"`);
    this.client = client;
  }

  private reconnect(lost: pg.Client): void {
    if (this.closed || this.client !== lost) return;
    this.client = undefined;
    const delay = RECONNECT_DELAYS_MS[Math.min(this.attempt++, RECONNECT_DELAYS_MS.length - 1)]!;
    setTimeout(() => {
      if (this.closed) return;
      this.connect().then(
        () => {
          this.attempt = 0;
          this.handlers.onGap();
        },
        () => this.reconnect(lost),
      );
    }, delay).unref();
  }
}
