import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error.js';
import { InvalidationBus } from '../common/invalidation/invalidation-bus.js';
import { mapConcurrently } from '../common/concurrency/concurrency-limiter.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { Principal } from '../auth/principal.js';
import type { ProviderType } from '../generated/prisma/enums.js';
import { renderDocuments, type RerankDocument } from './document-text.js';
import { UpstreamFormatError, type UpstreamBatch, type UpstreamScore } from './providers/provider-adapter.js';
import { isObject } from './providers/wire-format.js';
import { RerankTargets } from './rerank-targets.js';
import type { RerankTarget } from './rerank-target.js';
import { CircuitBreakers } from './upstream/circuit-breaker.js';
import { UpstreamClient, type UpstreamReply } from './upstream/upstream-client.js';

/** A rerank call, whichever endpoint it came through. */
export interface RerankInput {
  readonly query: string;
  readonly documents: readonly RerankDocument[];
  readonly topN?: number;
  readonly rankFields?: readonly string[];
  readonly maxTokensPerDoc?: number;
}

export interface RankedDocument {
  readonly index: number;
  readonly score: number;
}

export interface RerankOutcome {
  readonly rerankerId: string;
  readonly model: string;
  readonly providerType: ProviderType;
  readonly results: RankedDocument[];
  readonly usage?: Record<string, unknown>;
  readonly upstreamLatencyMs: number;
  readonly upstreamRequests: number;
}

export interface PingOutcome {
  ok: boolean;
  httpStatus: number | null;
  rttMs: number;
  errorMessage?: string;
}

interface BatchOutcome {
  readonly scores: UpstreamScore[];
  readonly usage?: Record<string, unknown>;
  readonly requests: number;
}

/**
 * One normalized rerank over any provider: render, batch, call (concurrently, bounded),
 * check every index and score, merge by global index, sort, cut. The upstream's own
 * ordering, top-n and document echo are never trusted.
 */
@Injectable()
export class RerankService implements OnModuleDestroy {
  private readonly breakers: CircuitBreakers;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly targets: RerankTargets,
    private readonly upstream: UpstreamClient,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    invalidations: InvalidationBus,
  ) {
    this.breakers = new CircuitBreakers(config.upstream.circuitFailureThreshold, config.upstream.circuitCooldownMs);
    metrics.registerCircuits(() => this.breakers.counts());
    this.unsubscribe = invalidations.subscribe((event) => {
      if (event.kind === 'reranker') this.breakers.reset(event.id);
    });
  }

  async rerank(principal: Principal, rerankerId: string, input: RerankInput): Promise<RerankOutcome> {
    const target = await this.targets.resolve(principal, rerankerId, 'EXECUTE');
    if (!target.modalities.includes('TEXT')) {
      throw DomainError.invalidArgument('This reranker does not accept TEXT documents (see supportedModalities)');
    }
    if (input.documents.length > this.config.rerank.maxDocuments) {
      throw DomainError.invalidArgument(`documents may hold at most ${this.config.rerank.maxDocuments} items`);
    }
    const texts = renderDocuments(input.documents, input.rankFields ?? ['text']);
    const topN = Math.min(input.topN ?? texts.length, texts.length);
    const deadline = Date.now() + target.timeoutMs;
    const started = performance.now();
    const batches = chunk(texts, target.batchSize);
    const outcomes = await mapConcurrently(batches, this.config.upstream.batchConcurrency, (documents) =>
      this.callBatch(target, { model: target.model, query: input.query, documents, topN, maxTokensPerDoc: input.maxTokensPerDoc }, deadline),
    );
    return {
      rerankerId: target.rerankerId,
      model: target.model,
      providerType: target.providerType,
      results: mergeRanked(outcomes, target.batchSize).slice(0, topN),
      ...mergedUsage(outcomes),
      upstreamLatencyMs: elapsedMs(started),
      upstreamRequests: outcomes.reduce((sum, outcome) => sum + outcome.requests, 0),
    };
  }

  /** A tiny real rerank request, once, no retries: is the upstream there and answering? */
  async ping(principal: Principal, rerankerId: string): Promise<PingOutcome> {
    const target = await this.targets.resolve(principal, rerankerId, 'PING');
    const started = performance.now();
    const rtt = () => elapsedMs(started);
    const batch = { model: target.model, query: 'ping', documents: ['ping'], topN: 1 };
    try {
      const reply = await this.send(target, batch, Date.now() + target.timeoutMs, 0);
      if (reply.status < 200 || reply.status >= 300) {
        return { ok: false, httpStatus: reply.status, rttMs: rtt(), errorMessage: upstreamMessage(target, reply) };
      }
      this.parse(target, reply, 1);
      return { ok: true, httpStatus: reply.status, rttMs: rtt() };
    } catch (error) {
      const message = error instanceof DomainError ? error.message : 'unexpected failure';
      return { ok: false, httpStatus: null, rttMs: rtt(), errorMessage: message };
    }
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** One batch, with its breaker bookkeeping and metrics. */
  private async callBatch(target: RerankTarget, batch: UpstreamBatch, deadline: number): Promise<BatchOutcome> {
    this.breakers.admit(target.rerankerId);
    const started = performance.now();
    const observe = (outcome: string) =>
      this.metrics.observeUpstream(target.providerType, outcome, (performance.now() - started) / 1000);
    try {
      const outcome = await this.exchange(target, batch, deadline);
      observe('ok');
      return outcome;
    } catch (error) {
      observe(error instanceof DomainError ? error.code.toLowerCase() : 'internal');
      throw error;
    }
  }

  private async exchange(target: RerankTarget, batch: UpstreamBatch, deadline: number): Promise<BatchOutcome> {
    let reply: UpstreamReply;
    try {
      reply = await this.send(target, batch, deadline);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'EGRESS_BLOCKED') this.breakers.failed(target.rerankerId);
      throw error;
    }
    if (reply.status >= 500) this.breakers.failed(target.rerankerId);
    else if (reply.status < 400) this.breakers.succeeded(target.rerankerId);
    if (reply.status === 429) {
      throw new DomainError('UPSTREAM_RATE_LIMITED', `The upstream is rate limiting: ${upstreamMessage(target, reply)}`, { upstreamStatus: 429 });
    }
    if (reply.status < 200 || reply.status >= 300) {
      throw new DomainError('UPSTREAM_ERROR', `The upstream answered ${reply.status}: ${upstreamMessage(target, reply)}`, {
        upstreamStatus: reply.status,
      });
    }
    try {
      return { ...this.parse(target, reply, batch.documents.length), requests: reply.attempts };
    } catch (error) {
      this.breakers.failed(target.rerankerId);
      throw error;
    }
  }

  private send(target: RerankTarget, batch: UpstreamBatch, deadline: number, maxRetries?: number): Promise<UpstreamReply> {
    return this.upstream.post({
      origin: target.origin,
      path: target.path,
      headers: target.headers as Record<string, string>,
      body: JSON.stringify(target.adapter.buildRequestBody(batch)),
      deadline,
      maxRetries,
      onRetry: () => this.metrics.countRetry(target.providerType),
    });
  }

  /** Parses and checks an answer: indices in range and unique, scores numeric. */
  private parse(target: RerankTarget, reply: UpstreamReply, batchLength: number): Omit<BatchOutcome, 'requests'> {
    if (!reply.json) throw badResponse('the response is not JSON');
    try {
      const parsed = target.adapter.parseResponse(reply.body);
      const seen = new Set<number>();
      for (const { index } of parsed.scores) {
        if (index < 0 || index >= batchLength) throw new UpstreamFormatError(`index ${index} is out of range`);
        if (seen.has(index)) throw new UpstreamFormatError(`index ${index} appears twice`);
        seen.add(index);
      }
      return parsed;
    } catch (error) {
      if (error instanceof UpstreamFormatError) throw badResponse(error.message);
      throw error;
    }
  }
}

/** Milliseconds since a performance.now() reading, to the microsecond. */
function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Global indices, best first; ties keep the caller's order. */
function mergeRanked(outcomes: readonly BatchOutcome[], batchSize: number): RankedDocument[] {
  const ranked: RankedDocument[] = [];
  outcomes.forEach((outcome, batch) => {
    for (const { index, score } of outcome.scores) ranked.push({ index: batch * batchSize + index, score });
  });
  return ranked.sort((a, b) => b.score - a.score || a.index - b.index);
}

/** The upstream's usage as reported; numeric fields summed when there were several batches. */
function mergedUsage(outcomes: readonly BatchOutcome[]): { usage?: Record<string, unknown> } {
  const reports = outcomes.map((outcome) => outcome.usage).filter((usage) => usage !== undefined);
  if (reports.length === 0) return {};
  if (reports.length === 1) return { usage: reports[0] };
  return { usage: reports.reduce((total, usage) => sumNumbers(total, usage)) };
}

function sumNumbers(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const sum: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const current = sum[key];
    if (typeof value === 'number' && typeof current === 'number') sum[key] = current + value;
    else if (isObject(value) && isObject(current)) sum[key] = sumNumbers(current, value);
    else if (current === undefined) sum[key] = value;
  }
  return sum;
}

function upstreamMessage(target: RerankTarget, reply: UpstreamReply): string {
  const message = target.adapter.errorMessage(reply.body) ?? 'no message';
  return message.length > 500 ? `${message.slice(0, 500)}…` : message;
}

function badResponse(reason: string): DomainError {
  return new DomainError('UPSTREAM_BAD_RESPONSE', `The upstream answer cannot be used: ${reason}`);
}
