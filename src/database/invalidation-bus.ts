import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { DATABASE_ENGINE, type DatabaseEngine, type NotificationChannel } from './database-engine.js';
import { LOGGER } from '../common/logging/logger.token.js';

/** What changed; caches drop whatever they hold for it. `all`: drop everything. */
export type Invalidation =
  | { readonly kind: 'api-key'; readonly id: string }
  | { readonly kind: 'user'; readonly id: string }
  | { readonly kind: 'reranker'; readonly id: string; readonly ownerId: string }
  | { readonly kind: 'alias'; readonly ownerId: string }
  | { readonly kind: 'limits'; readonly subject: 'USER' | 'APIKEY'; readonly id: string }
  | { readonly kind: 'console-session'; readonly id: string }
  | { readonly kind: 'all' };

type Listener = (event: Invalidation) => void;

const CHANNEL = 'reranker_registry_invalidation';

/**
 * Carries "this changed" from the services that write to the caches that read, so that a
 * revoke, disable or update is effective on the very next request: at once in this
 * process, and in every other instance through PostgreSQL NOTIFY (well under a second).
 * If the listening connection drops, every cache is flushed when it comes back.
 */
@Injectable()
export class InvalidationBus implements OnModuleInit, OnModuleDestroy {
  private readonly listeners = new Set<Listener>();
  private readonly instanceId = randomUUID();
  private channel: NotificationChannel | undefined;

  constructor(
    @Inject(DATABASE_ENGINE) private readonly engine: DatabaseEngine,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.channel = await this.engine.openChannel(CHANNEL, {
      onMessage: (payload) => this.receive(payload),
      onGap: () => this.dispatch({ kind: 'all' }),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.channel?.close();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: Invalidation): void {
    this.dispatch(event);
    this.channel?.notify(JSON.stringify({ from: this.instanceId, event })).catch((error: unknown) => {
      this.logger.warn({ err: error, event }, 'could not tell other instances about a change');
    });
  }

  private receive(payload: string): void {
    try {
      const message = JSON.parse(payload) as { from: string; event: Invalidation };
      if (message.from !== this.instanceId) this.dispatch(message.event);
    } catch {
      this.logger.warn('ignored an unreadable invalidation message');
    }
  }

  private dispatch(event: Invalidation): void {
    for (const listener of this.listeners) listener(event);
  }
}
