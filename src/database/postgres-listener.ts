import pg from 'pg';
import type { Secret } from '../config/secret.js';
import type { ChannelHandlers } from './database-engine.js';

const RECONNECT_BASE_MS = 100;
const RECONNECT_CAP_MS = 5_000;

/**
 * A dedicated connection that LISTENs on one channel and, once lost, reconnects forever
 * (capped exponential backoff with jitter) until closed. Notifications sent while it is
 * away are gone, so it reports a gap both when the connection drops and when it is back:
 * caches flush at once, and again for anything they filled during the outage.
 */
export class PostgresListener {
  private client: pg.Client | undefined;
  private closed = false;

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
    const client = new pg.Client({ connectionString: this.url.reveal(), keepAlive: true });
    client.on('notification', (message) => {
      if (message.channel === this.channel && message.payload !== undefined) this.handlers.onMessage(message.payload);
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) await client.end().catch(() => undefined);
    else this.client = client;
  }

  /** Runs once per lost connection: the current client's error and end both land here. */
  private lost(client: pg.Client): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.handlers.onGap();
    void this.reconnectUntilBack();
  }

  private async reconnectUntilBack(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      await sleepUnref(reconnectDelayMs(attempt));
      if (this.closed) return;
      try {
        await this.connect();
        if (!this.closed) this.handlers.onGap();
        return;
      } catch {
        // Still unreachable: try again after a longer pause.
      }
    }
  }
}

/** Full jitter over a capped exponential: instances that lost the database together spread out. */
function reconnectDelayMs(attempt: number): number {
  const ceiling = Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** Math.min(attempt, 16));
  return RECONNECT_BASE_MS / 2 + Math.random() * ceiling;
}

/** A pause that does not keep the process alive on its own. */
function sleepUnref(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
