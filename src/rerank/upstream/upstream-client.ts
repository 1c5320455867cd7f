import { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { Pool } from 'undici';
import { DomainError } from '../../common/errors/domain-error.js';
import { LOGGER } from '../../common/logging/logger.token.js';
import { AppConfig, type UpstreamConfig } from '../../config/app-config.js';
import { EgressPolicy } from '../../egress/egress-policy.js';
import { ByteBudget } from './byte-budget.js';
import { AnswerTooLargeError, ByteBudgetExhaustedError, CappedAnswer, DeadlineExceededError, type RawAnswer } from './capped-answer.js';
import { egressGuardedLookup } from './egress-lookup.js';
import { FairShares, type ShareScope, type Tenant } from './fair-shares.js';

export interface UpstreamRequest {
  readonly origin: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Epoch ms by which everything, retries included, must be done. */
  readonly deadline: number;
  /** Whose shares of the calls in flight and of the answer bytes the request draws on. */
  readonly tenant: Tenant;
  readonly maxRetries?: number;
  /** Called before each retry (for metrics). */
  readonly onRetry?: () => void;
}

/** An HTTP answer (any status) after retries. `body` is parsed JSON, or the raw text. */
export interface UpstreamReply {
  readonly status: number;
  readonly body: unknown;
  readonly json: boolean;
  /** HTTP requests made, retries included. */
  readonly attempts: number;
  readonly retryAfter?: string;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const BACKOFF_BASE_MS = 100;
/** What a shed caller is told to wait (Retry-After). */
const SHED_RETRY_AFTER_MS = 1_000;

/**
 * Outbound HTTP for rerank calls: one keep-alive undici pool per upstream origin, every
 * connection through the egress guard, a total deadline, bounded retries with jittered
 * exponential backoff (connection errors, 429 honouring Retry-After, 502/503/504), a
 * response size cap, and no redirects. Memory is bounded whatever upstreams do: calls in
 * flight and bytes of answers being read are capped globally (over either, the call is
 * shed with 503 UNAVAILABLE and Retry-After) and per user and per key (over its share, the
 * caller gets 429 RATE_LIMITED: one tenant whose upstream never answers holds its share,
 * not the service), and pools (members choose origins) are kept in an LRU that closes the
 * least recently used.
 */
@Injectable()
export class UpstreamClient implements OnApplicationShutdown {
  private readonly pools: LRUCache<string, Pool>;
  /** Egress verdicts of literal-IP origins (names are checked at connect time instead). */
  private readonly literalOriginAllowed: LRUCache<string, boolean>;
  private readonly buffered: ByteBudget;
  private readonly inFlight: FairShares;
  private readonly settings: UpstreamConfig;
  private readonly lookup;

  constructor(
    config: AppConfig,
    private readonly egress: EgressPolicy,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.settings = config.upstream;
    this.lookup = egressGuardedLookup(egress);
    this.pools = new LRUCache({ max: this.settings.maxPools, dispose: (pool) => void pool.close().catch(() => undefined) });
    this.literalOriginAllowed = new LRUCache({ max: this.settings.maxPools });
    const { maxInFlight, maxInFlightPerUser, maxInFlightPerKey, maxBufferedBytes, maxBufferedBytesPerUser, maxBufferedBytesPerKey } = this.settings;
    this.inFlight = new FairShares({ service: maxInFlight, user: maxInFlightPerUser, key: maxInFlightPerKey });
    this.buffered = new ByteBudget({ service: maxBufferedBytes, user: maxBufferedBytesPerUser, key: maxBufferedBytesPerKey });
  }

  async post(request: UpstreamRequest): Promise<UpstreamReply> {
    this.assertLiteralHostReachable(request.origin);
    const refusedBy = this.inFlight.take(request.tenant, 1);
    if (refusedBy) throw overBudget(refusedBy, 'calls in flight', this.inFlight.caps[refusedBy]);
    try {
      return await this.postWithRetries(request);
    } finally {
      this.inFlight.give(request.tenant, 1);
    }
  }

  /** What the client holds right now: pools, bytes of answers being read, calls in flight. */
  get usage(): { pools: number; bufferedBytes: number; inFlight: number } {
    return { pools: this.pools.size, bufferedBytes: this.buffered.usedBytes, inFlight: this.inFlight.used };
  }

  private async postWithRetries(request: UpstreamRequest): Promise<UpstreamReply> {
    const maxRetries = request.maxRetries ?? this.settings.maxRetries;
    for (let attempt = 1; ; attempt++) {
      const remaining = request.deadline - Date.now();
      if (remaining <= 0) throw upstreamTimeout();
      let reply: UpstreamReply;
      try {
        reply = await this.send(request, remaining, attempt);
      } catch (error) {
        const failure = toUpstreamFailure(error);
        if (attempt > maxRetries || !isConnectionError(error)) throw failure;
        await this.backoff(attempt, undefined, request.deadline, failure);
        request.onRetry?.();
        continue;
      }
      if (!RETRYABLE_STATUS.has(reply.status) || attempt > maxRetries) return reply;
      const retryAfter = reply.status === 429 ? retryAfterMs(reply) : undefined;
      if (retryAfter !== undefined && Date.now() + retryAfter >= request.deadline) return reply;
      this.logger.debug({ origin: request.origin, status: reply.status, attempt }, 'retrying upstream');
      await this.backoff(attempt, retryAfter, request.deadline);
      request.onRetry?.();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }

  private async send(request: UpstreamRequest, remainingMs: number, attempt: number): Promise<UpstreamReply> {
    const answer = await new Promise<RawAnswer>((resolve, reject) => {
      const handler = new CappedAnswer(this.buffered, request.tenant, this.settings.maxResponseBytes, remainingMs, resolve, reject);
      this.pool(request.origin).dispatch(
        { method: 'POST', path: request.path, headers: request.headers, body: request.body, headersTimeout: remainingMs, bodyTimeout: remainingMs },
        handler,
      );
    });
    let parsed: ReturnType<typeof parseJson>;
    try {
      parsed = parseJson(answer.text);
    } finally {
      this.buffered.give(request.tenant, answer.bytes);
    }
    return {
      status: answer.status,
      body: parsed.ok ? parsed.value : answer.text,
      json: parsed.ok,
      attempts: attempt,
      retryAfter: answer.retryAfter,
    };
  }

  private async backoff(attempt: number, retryAfterMs: number | undefined, deadline: number, failure?: DomainError): Promise<void> {
    const exponential = BACKOFF_BASE_MS * 2 ** (attempt - 1) + Math.random() * BACKOFF_BASE_MS;
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw failure ?? upstreamTimeout();
    await sleep(Math.min(retryAfterMs ?? exponential, remaining));
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.settings.connectionsPerOrigin,
        keepAliveTimeout: 30_000,
        connect: { timeout: this.settings.connectTimeoutMs, lookup: this.lookup },
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Literal IPs skip DNS lookup, so they are checked here (once per origin: the policy is fixed). */
  private assertLiteralHostReachable(origin: string): void {
    let allowed = this.literalOriginAllowed.get(origin);
    if (allowed === undefined) {
      const host = new URL(origin).hostname.replace(/^\[|\]$/g, '');
      allowed = !isIP(host) || this.egress.checkAddress(host) === 'allowed';
      this.literalOriginAllowed.set(origin, allowed);
    }
    if (!allowed) {
      throw new DomainError('EGRESS_BLOCKED', `The upstream address ${new URL(origin).hostname} is not reachable from this service`);
    }
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(reply: UpstreamReply): number | undefined {
  const value = reply.retryAfter;
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function causeChain(error: unknown): Array<{ name?: string; code?: string }> {
  const chain: Array<{ name?: string; code?: string }> = [];
  for (let current = error as { cause?: unknown } | undefined; current && chain.length < 5; current = current.cause as typeof current) {
    chain.push(current as { name?: string; code?: string });
  }
  return chain;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function isConnectionError(error: unknown): boolean {
  return causeChain(error).some((link) => link.code !== undefined && CONNECTION_CODES.has(link.code));
}

/**
 * A shared budget is full. The service's own: load shedding, 503 UNAVAILABLE. The caller's
 * share of it: the caller's own doing (its calls or answers, however slow its upstream),
 * 429 RATE_LIMITED, and not a reason to fail over to another target.
 */
function overBudget(scope: ShareScope, what: 'calls in flight' | 'upstream answer bytes being read', cap: number): DomainError {
  if (scope === 'service') {
    return new DomainError('UNAVAILABLE', `The service has as many ${what} as it allows; retry shortly`, { retryAfterMs: SHED_RETRY_AFTER_MS });
  }
  const holder = scope === 'key' ? 'This API key' : "This key's user";
  return new DomainError('RATE_LIMITED', `${holder} holds its whole share of the service's ${what} (${cap}); retry when some of its calls end`, {
    retryAfterMs: SHED_RETRY_AFTER_MS,
    share: scope,
    budget: what === 'calls in flight' ? 'inFlight' : 'bufferedBytes',
    value: cap,
  });
}

function upstreamTimeout(): DomainError {
  return new DomainError('UPSTREAM_TIMEOUT', 'The upstream did not answer within the reranker deadline');
}

function toUpstreamFailure(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof AnswerTooLargeError) {
    return new DomainError('UPSTREAM_BAD_RESPONSE', 'The upstream response is larger than the configured cap');
  }
  if (error instanceof DeadlineExceededError) return upstreamTimeout();
  if (error instanceof ByteBudgetExhaustedError) return overBudget(error.scope, 'upstream answer bytes being read', error.capBytes);
  const chain = causeChain(error);
  if (chain.some((link) => link.code === 'UND_ERR_INVALID_ARG')) {
    // The request could not even be written (say, a server secret holding a line break): not the upstream's fault.
    return new DomainError('UNAVAILABLE', "The reranker's request cannot be sent as configured (for instance a server secret that is no valid header value)");
  }
  const egress = chain.find((link) => link.code === 'EGRESS_BLOCKED') as (Error & { code: string }) | undefined;
  if (egress) return new DomainError('EGRESS_BLOCKED', egress.message);
  if (chain.some((link) => link.code?.includes('TIMEOUT'))) {
    if (!chain.some((link) => link.code === 'UND_ERR_CONNECT_TIMEOUT')) return upstreamTimeout();
  }
  const code = chain.find((link) => link.code)?.code ?? 'unknown';
  return new DomainError('UPSTREAM_ERROR', `Could not reach the upstream (${code})`, { upstreamError: code });
}
