import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { DomainError } from '../common/errors/domain-error.js';
import { elapsedMs } from '../common/time.js';
import { InvalidationBus } from '../database/invalidation-bus.js';
import { mapConcurrently } from '../common/concurrency/concurrency-limiter.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { Principal } from '../auth/principal.js';
import { halves, planBatches, type PlannedBatch } from './batch-plan.js';
import { renderDocuments } from './document-text.js';
import { UpstreamFormatError, type ParsedUpstreamResponse, type UpstreamBatch } from '../providers/provider-adapter.js';
import { isObject } from '../providers/wire-format.js';
import { upstreamHeaders } from '../credentials/header-rules.js';
import { RerankTargets } from './rerank-targets.js';
import { BuiltinRanking } from './builtin-ranking.js';
import {
  PING_INPUT,
  type BatchOutcome,
  type BuiltinTarget,
  type ClientGone,
  type LastProbe,
  type PingResult,
  type RankedDocument,
  type RerankerHealth,
  type RerankInput,
  type RerankOutcome,
  type RerankTarget,
  type UpstreamTarget,
} from './rerank-types.js';
import { normalizeScore } from './score-normalization.js';
import { CircuitBreakers, outcomeOfError } from './upstream/circuit-breaker.js';
import { UpstreamClient, type UpstreamReply } from './upstream/upstream-client.js';

/** What every batch of one rerank shares. */
interface BatchRequest {
  /** Who the call is for: whose shares of the upstream budgets it draws on, who reads the upstream's words. */
  readonly caller: Principal;
  readonly query: string;
  /** The caller's cut, already within the document count; each batch gets it clamped to its length. */
  readonly topN: number;
  readonly maxTokensPerDoc?: number;
}

/** The upstream refused a batch for its size: it is split in two and each half retried. */
class BatchTooLarge extends Error {
  constructor(readonly attempts: number) {
    super('batch too large for the upstream');
  }
}

/**
 * One normalized rerank over any provider: render, batch, call (concurrently, bounded),
 * check every index and score, merge by global index, sort, cut. The upstream's own
 * ordering, top-n and document echo are never trusted.
 */
@Injectable()
export class RerankService implements OnModuleDestroy {
  private readonly breakers: CircuitBreakers;
  /** The last ping of each reranker, by this instance: what the console's health badge shows. */
  private readonly lastProbes: LRUCache<string, LastProbe>;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly targets: RerankTargets,
    private readonly upstream: UpstreamClient,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly builtins: BuiltinRanking,
    invalidations: InvalidationBus,
  ) {
    this.breakers = new CircuitBreakers(config.upstream.circuitFailureThreshold, config.upstream.circuitCooldownMs);
    metrics.registerCircuits(() => this.breakers.counts());
    this.lastProbes = new LRUCache({ max: config.rerank.targetCacheMaxEntries });
    this.unsubscribe = invalidations.subscribe((event) => {
      if (event.kind !== 'reranker') return;
      this.breakers.reset(event.id);
      // A changed or deleted reranker: its last ping says nothing about what it is now.
      this.lastProbes.delete(event.id);
    });
  }

  /** Whether calls to this reranker are let through (its circuit is not open). */
  isAvailable(rerankerId: string): boolean {
    return this.breakers.status(rerankerId) !== 'open';
  }

  /** What every call must satisfy whatever serves it (checked once, before any target or last resort). */
  checkInput(input: RerankInput): void {
    if (input.documents.length > this.config.rerank.maxDocuments) {
      throw DomainError.invalidArgument(`documents may hold at most ${this.config.rerank.maxDocuments} items`);
    }
  }

  /**
   * One rerank for `caller`, within the target's deadline, on a target the caller was
   * already authorized for and input already checked; `clientGone`: whether its client went away.
   */
  async execute(caller: Principal, target: RerankTarget, input: RerankInput, clientGone?: ClientGone): Promise<RerankOutcome> {
    if (!target.modalities.includes('TEXT')) {
      throw DomainError.invalidArgument('This reranker does not accept TEXT documents (see supportedModalities)');
    }
    const texts = renderDocuments(input.documents, input.rankFields ?? ['text']);
    const topN = Math.min(input.topN ?? texts.length, texts.length);
    const started = performance.now();
    const merged =
      target.kind === 'builtin'
        ? await this.builtins.rank(caller, target, input.query, texts, clientGone?.())
        : await this.callUpstream(target, texts, { caller, query: input.query, topN, maxTokensPerDoc: input.maxTokensPerDoc });
    return {
      rerankerId: target.rerankerId,
      model: target.model,
      providerType: target.providerType,
      results: rankAndCut(merged.scores, topN).map(({ index, score }) => ({
        index,
        score: normalizeScore(target.scoreNormalization, score),
      })),
      usage: merged.usage,
      upstreamLatencyMs: elapsedMs(started),
      upstreamRequests: merged.requests,
      sentBatches: merged.sent,
    };
  }

  /**
   * A tiny real rerank request (PING_INPUT), once, no retries, on a stored reranker the
   * caller was authorized for: is the upstream there and answering? Kept as its last probe.
   */
  async ping(principal: Principal, target: RerankTarget): Promise<PingResult> {
    const result = await this.pingTarget(principal, target);
    this.lastProbes.set(target.rerankerId, { ...result.outcome, at: Date.now() });
    return result;
  }

  /** The same request to a configuration that is not stored (the dry probe before a save): nothing is cached or kept. */
  probe(principal: Principal, unsaved: RerankTarget): Promise<PingResult> {
    return this.pingTarget(principal, unsaved);
  }

  /**
   * The reranker's circuit and the last ping this instance made of it. Both live in this
   * process (circuits are per instance too): another instance may have seen otherwise.
   */
  health(rerankerId: string): RerankerHealth {
    return { circuit: this.breakers.status(rerankerId), lastProbe: this.lastProbes.get(rerankerId) ?? null };
  }

  private pingTarget(principal: Principal, target: RerankTarget): Promise<PingResult> {
    return target.kind === 'builtin' ? this.pingBuiltin(principal, target) : this.pingUpstream(principal, target);
  }

  /** The built-in ranker ranks the one document: no HTTP, so no status. */
  private async pingBuiltin(principal: Principal, target: BuiltinTarget): Promise<PingResult> {
    const started = performance.now();
    try {
      const answered = await this.builtins.rank(principal, target, PING_INPUT.query, PING_INPUT.documents as string[]);
      return { outcome: { ok: true, httpStatus: null, rttMs: elapsedMs(started) }, upstreamRequests: answered.requests, usage: answered.usage };
    } catch (error) {
      const message = error instanceof DomainError ? error.message : 'unexpected failure';
      return { outcome: { ok: false, httpStatus: null, rttMs: elapsedMs(started), errorMessage: message }, upstreamRequests: 0 };
    }
  }

  private async pingUpstream(principal: Principal, cached: UpstreamTarget): Promise<PingResult> {
    const started = performance.now();
    const rtt = () => elapsedMs(started);
    const batch: PlannedBatch = { start: 0, documents: PING_INPUT.documents as string[] };
    let target = cached;
    let reply: UpstreamReply | undefined;
    try {
      const deadline = Date.now() + cached.timeoutMs;
      target = await withCallCredentials(cached, deadline);
      reply = await this.send(principal, target, upstreamBatch(target, batch, { query: PING_INPUT.query, topN: 1 }), deadline, 0);
      const answered = this.readReply(principal, target, reply, batch);
      return { outcome: { ok: true, httpStatus: reply.status, rttMs: rtt() }, upstreamRequests: answered.requests, usage: answered.usage };
    } catch (error) {
      // An upstream that answered with an error is reported by its status and (to whom may read it) its own message.
      const refused = reply !== undefined && (reply.status < 200 || reply.status >= 300);
      const message = refused ? upstreamMessage(principal, target, reply!) : error instanceof DomainError ? error.message : 'unexpected failure';
      return { outcome: { ok: false, httpStatus: refused ? reply!.status : null, rttMs: rtt(), errorMessage: message }, upstreamRequests: 0 };
    }
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** The rendered documents in batches the upstream takes, each answered (or split, or failed) within the target's deadline. */
  private async callUpstream(target: UpstreamTarget, texts: readonly string[], request: BatchRequest): Promise<BatchOutcome> {
    const deadline = Date.now() + target.timeoutMs;
    const batches = planBatches(request.query, texts, { maxDocuments: target.batchSize, maxTokens: target.maxTokensPerRequest });
    const credentials = await withCallCredentials(target, deadline);
    const call = (batch: PlannedBatch) => this.callBatch(credentials, batch, request, deadline);
    return batches.length === 1 ? call(batches[0]!) : combine(await this.callAll(target, batches, call));
  }

  /** Several batches, concurrently within bounds; through a half-open circuit the first goes alone, as its probe. */
  private async callAll(target: UpstreamTarget, batches: PlannedBatch[], call: (batch: PlannedBatch) => Promise<BatchOutcome>): Promise<BatchOutcome[]> {
    if (this.breakers.status(target.rerankerId) !== 'half-open') return mapConcurrently(batches, this.config.upstream.batchConcurrency, call);
    return [await call(batches[0]!), ...(await mapConcurrently(batches.slice(1), this.config.upstream.batchConcurrency, call))];
  }

  /** One batch; halves of it, one after the other, if the upstream finds it too large. */
  private async callBatch(target: UpstreamTarget, batch: PlannedBatch, request: BatchRequest, deadline: number): Promise<BatchOutcome> {
    try {
      return await this.observedExchange(target, batch, request, deadline);
    } catch (error) {
      if (!(error instanceof BatchTooLarge)) throw error;
      const outcomes: BatchOutcome[] = [{ scores: [], requests: error.attempts, sent: [] }];
      for (const half of halves(batch)) outcomes.push(await this.callBatch(target, half, request, deadline));
      return combine(outcomes);
    }
  }

  /** One upstream exchange, with its breaker bookkeeping and metrics: every outcome is recorded, so a probe always settles. */
  private async observedExchange(target: UpstreamTarget, batch: PlannedBatch, request: BatchRequest, deadline: number): Promise<BatchOutcome> {
    const probe = this.breakers.admit(target.rerankerId);
    const started = performance.now();
    try {
      const outcome = await this.exchange(target, batch, request, deadline);
      this.breakers.record(target.rerankerId, 'success', probe);
      this.metrics.observeUpstream(target.providerType, 'ok', (performance.now() - started) / 1000);
      return outcome;
    } catch (error) {
      this.breakers.record(target.rerankerId, outcomeOfError(error), probe);
      const outcome = error instanceof DomainError ? error.code.toLowerCase() : error instanceof BatchTooLarge ? 'split' : 'internal';
      this.metrics.observeUpstream(target.providerType, outcome, (performance.now() - started) / 1000);
      throw error;
    }
  }

  private async exchange(target: UpstreamTarget, batch: PlannedBatch, request: BatchRequest, deadline: number, mayRefresh = true): Promise<BatchOutcome> {
    const reply = await this.send(request.caller, target, upstreamBatch(target, batch, request), deadline);
    if (reply.status === 401 && mayRefresh) {
      // A referenced secret (Vault, file) may have been rotated: read it again, and retry once if it changed.
      const refreshed = await this.targets.refreshed(target);
      if (refreshed) return this.exchange(refreshed, batch, request, deadline, false);
    }
    return this.readReply(request.caller, target, reply, batch);
  }

  /**
   * What an upstream reply means, for rerank and ping alike: the batch's scores (global
   * indices), or the error it stands for. An error the request caused (an oversized
   * document) is an input error, neutral for the breaker (outcomeOfError): it says nothing
   * of the upstream's health; a batch too large for the upstream is split (BatchTooLarge).
   */
  private readReply(caller: Principal, target: UpstreamTarget, reply: UpstreamReply, batch: PlannedBatch): BatchOutcome {
    const fault = reply.status >= 400 ? target.adapter.classifyError(reply.status, reply.body) : undefined;
    if (fault === 'payload-too-large' && batch.documents.length > 1) throw new BatchTooLarge(reply.attempts);
    if (fault === 'input' || fault === 'payload-too-large') throw documentsTooLarge(batch, reply.status, upstreamMessage(caller, target, reply));
    if (reply.status === 429) {
      throw new DomainError('UPSTREAM_RATE_LIMITED', `The upstream is rate limiting: ${upstreamMessage(caller, target, reply)}`, { upstreamStatus: 429 });
    }
    if (reply.status < 200 || reply.status >= 300) {
      throw new DomainError('UPSTREAM_ERROR', `The upstream answered ${reply.status}: ${upstreamMessage(caller, target, reply)}`, {
        upstreamStatus: reply.status,
      });
    }
    const parsed = this.parse(target, reply, batch.documents.length);
    const scores = parsed.scores.map(({ index, score }) => ({ index: batch.start + index, score }));
    return { scores, usage: parsed.usage, requests: reply.attempts, sent: [batch.documents] };
  }

  private async send(caller: Principal, target: UpstreamTarget, batch: UpstreamBatch, deadline: number, maxRetries?: number): Promise<UpstreamReply> {
    const request = { origin: target.origin, path: target.path, headers: target.headers, body: JSON.stringify(target.adapter.buildRequestBody(batch)) };
    const headers = target.sign ? upstreamHeaders(target.headers, await target.sign(request)) : target.headers;
    return this.upstream.post({
      origin: target.origin,
      path: target.path,
      headers: headers as Record<string, string>,
      body: request.body,
      deadline,
      tenant: caller,
      maxRetries,
      onRetry: () => this.metrics.countRetry(target.providerType),
    });
  }

  /** Parses and checks an answer: indices in range and unique, scores numeric. */
  private parse(target: UpstreamTarget, reply: UpstreamReply, batchLength: number): ParsedUpstreamResponse {
    if (!reply.json) throw badResponse('the response is not JSON');
    try {
      const parsed = target.adapter.parseResponse(reply.body);
      const seen = new Set<number>();
      for (const { index } of parsed.scores) {
        if (index < 0 || index >= batchLength) throw new UpstreamFormatError(`index ${index} is out of range`);
        if (seen.has(index)) throw new UpstreamFormatError(`index ${index} appears twice`);
        seen.add(index);
      }
      return parsed.usage ? { ...parsed, usage: target.scrubber.scrubJson(parsed.usage) as Record<string, unknown> } : parsed;
    } catch (error) {
      if (error instanceof UpstreamFormatError) throw badResponse(error.message);
      throw error;
    }
  }
}

/** The target with this call's credentials, if it has per-call ones: asked once, shared by every batch. */
async function withCallCredentials(target: UpstreamTarget, deadline: number): Promise<UpstreamTarget> {
  if (!target.authorize) return target;
  const { headers, secrets, sign } = await beforeDeadline(target.authorize(), deadline);
  return { ...target, headers: upstreamHeaders(target.headers, headers), scrubber: target.scrubber.with(secrets), ...(sign ? { sign } : {}) };
}

/** The call's credentials if they come before its deadline: a slow token or key source is a 503, not a late answer. */
async function beforeDeadline<T>(pending: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DomainError('UNAVAILABLE', "The credentials for this call were not ready before the reranker's deadline")),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([pending, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The adapter's view of a batch: the reranker's model, and the cut clamped to the batch. */
function upstreamBatch(target: UpstreamTarget, batch: PlannedBatch, request: Omit<BatchRequest, 'caller'>): UpstreamBatch {
  return {
    model: target.model,
    query: request.query,
    documents: batch.documents,
    topN: Math.min(request.topN, batch.documents.length),
    maxTokensPerDoc: request.maxTokensPerDoc,
  };
}

/** Several outcomes as one: scores concatenated, requests and numeric usage summed. */
function combine(outcomes: readonly BatchOutcome[]): BatchOutcome {
  const reports = outcomes.map((outcome) => outcome.usage).filter((usage) => usage !== undefined);
  return {
    scores: outcomes.flatMap((outcome) => outcome.scores),
    ...(reports.length > 0 ? { usage: reports.reduce((total, usage) => sumNumbers(total, usage)) } : {}),
    requests: outcomes.reduce((sum, outcome) => sum + outcome.requests, 0),
    sent: outcomes.flatMap((outcome) => outcome.sent),
  };
}

/** Best first (ties keep the caller's order), cut to topN. */
export function rankAndCut(scores: RankedDocument[], topN: number): RankedDocument[] {
  return scores.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, topN);
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

/**
 * The upstream's own error message, without any secret we sent it (scrubbed before it is
 * cut), for a caller who could have supplied the credential; anyone else learns the status
 * only: an upstream's words may carry the credential in a form no scrubber knows.
 */
function upstreamMessage(caller: Principal, target: UpstreamTarget, reply: UpstreamReply): string {
  if (!target.mayReadUpstreamText(caller)) return WITHHELD_UPSTREAM_MESSAGE;
  const message = target.scrubber.scrub(target.adapter.errorMessage(reply.body) ?? 'no message');
  return message.length > 500 ? `${message.slice(0, 500)}…` : message;
}

/** What a caller who could not have supplied the credential reads instead of the upstream's message. */
export const WITHHELD_UPSTREAM_MESSAGE = "its message is shown only to whoever could supply the reranker's credential";

/** The upstream refused this batch's input: the caller's fault, naming the document(s). */
function documentsTooLarge(batch: PlannedBatch, upstreamStatus: number, message: string): DomainError {
  const last = batch.start + batch.documents.length - 1;
  const which = batch.start === last ? `documents[${batch.start}] is` : `One of documents[${batch.start}..${last}] (sent upstream together) is`;
  return DomainError.invalidArgument(`${which} too large for this reranker's upstream: ${message}`, {
    upstreamStatus,
    documentIndices: { first: batch.start, last },
  });
}

function badResponse(reason: string): DomainError {
  return new DomainError('UPSTREAM_BAD_RESPONSE', `The upstream answer cannot be used: ${reason}`);
}
