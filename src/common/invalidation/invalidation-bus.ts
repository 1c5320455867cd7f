import { Injectable } from '@nestjs/common';

/** What changed; caches drop whatever they hold for it. */
export type Invalidation =
  | { readonly kind: 'api-key'; readonly id: string }
  | { readonly kind: 'user'; readonly id: string }
  | { readonly kind: 'reranker'; readonly id: string };

type Listener = (event: Invalidation) => void;

/**
 * Carries "this changed" from the services that write to the caches that read, so that
 * a revoke, disable or update is effective on the very next request.
 */
@Injectable()
export class InvalidationBus {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: Invalidation): void {
    for (const listener of this.listeners) listener(event);
  }
}
