import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { elapsedMs } from '../../common/time.js';
import { RateLimits, type Admission, type RateLimitHeaders } from '../../limits/rate-limits.js';
import { renderDocuments } from '../document-text.js';
import { RerankTargets } from '../rerank-targets.js';
import { rankAndCut, RerankService } from '../rerank.service.js';
import { RerankMetering } from '../rerank-metering.js';
import type { Reranker } from '../../generated/prisma/client.js';
import { PING_INPUT, type Attempt, type ClientGone, type PingOutcome, type PingResult, type RerankInput, type RerankOutcome, type RerankTarget, type RerankTrace, type RoutedOutcome } from '../rerank-types.js';
import { BuiltinRanking } from '../builtin-ranking.js';
import { ModelResolver, type AliasRoute } from './model-resolver.js';

/** How far a call got (for its usage record), what it was admitted with (its quotas, its rate-limit state), and whether its client is still there. */
interface CallTrace extends RerankTrace {
  admission?: Admission;
  rateLimitHeaders?: RateLimitHeaders;
  /** The client went away: the built-in rankers drop its work not started. */
  clientGone?: ClientGone;
}

/** A call's candidates, in the order to try them; `lastResort` when every one fails. */
interface Route {
  readonly targets: readonly RerankTarget[];
  /** Planned targets that could not be called at all (credential unavailable here). */
  readonly unusable: readonly Attempt[];
  readonly lastResort: boolean;
  readonly alias?: string;
}

/**
 * Calls by model name, alias or id, with failover: the next target is tried on connection
 * errors, timeouts, 5xx, 429, open circuits, unusable answers and credential or egress
 * problems of the target; never on an error the request caused (400, 413, 422), which is
 * returned as is. Each attempt has its own target's `requestTimeoutMs`. Every target, an
 * alias's too, needs the caller's own EXECUTE permission (an alias is always the caller's).
 */
@Injectable()
export class RerankRouter {
  constructor(
    private readonly resolver: ModelResolver,
    private readonly targets: RerankTargets,
    private readonly rerank: RerankService,
    private readonly metering: RerankMetering,
    private readonly limits: RateLimits,
    private readonly builtins: BuiltinRanking,
  ) {}

  /** The drop-in endpoints: `model` is a reranker id, an alias name or a modelIdentifier. `clientGone`: whether its client went away. */
  rerankModel(principal: Principal, model: string, input: RerankInput, clientGone?: ClientGone): Promise<RoutedOutcome> {
    return this.governed(principal, input, clientGone, async (trace) => {
      const resolved = await this.resolver.resolve(principal, model);
      if (resolved.kind === 'alias') return this.runAlias(principal, resolved.route, input, trace);
      return this.byId(principal, resolved.rerankerId, input, [], trace);
    });
  }

  rerankAlias(principal: Principal, name: string, input: RerankInput, clientGone?: ClientGone): Promise<RoutedOutcome> {
    return this.governed(principal, input, clientGone, async (trace) => this.runAlias(principal, await this.resolver.resolveAlias(principal, name), input, trace));
  }

  /** By id, then each of `fallbackRerankerIds` in order (each needs EXECUTE like the first). */
  rerankReranker(principal: Principal, rerankerId: string, input: RerankInput, fallbackRerankerIds: readonly string[], clientGone?: ClientGone): Promise<RoutedOutcome> {
    return this.governed(principal, input, clientGone, (trace) => this.byId(principal, rerankerId, input, fallbackRerankerIds, trace));
  }

  /**
   * A ping is a call like any other: admitted by the caller's limits (one request, one
   * document, its most cost reserved) before anything is resolved or sent, and booked with
   * outcome `ping` (or the error that stopped it before the upstream); when the upstream
   * answered it, it counts on the monthly quotas like a served call.
   */
  ping(principal: Principal, rerankerId: string): Promise<PingOutcome> {
    return this.pinged(principal, rerankerId, () => this.targets.resolve(principal, rerankerId, 'PING'), (target) => this.rerank.ping(principal, target));
  }

  /**
   * The dry probe of a configuration not stored (before a create, or a change of `storedId`),
   * governed and booked as a ping: it sends a credential upstream like one.
   */
  probe(principal: Principal, unsaved: Reranker, storedId?: string): Promise<PingOutcome> {
    return this.pinged(principal, storedId, () => this.targets.unsaved(principal, unsaved), (target) => this.rerank.probe(principal, target));
  }

  /** A ping's admission, target, cost reservation, upstream request, usage record and settlement; booked under `bookedAs` (none for a reranker not stored). */
  private async pinged(
    principal: Principal,
    bookedAs: string | undefined,
    resolve: () => Promise<RerankTarget>,
    send: (target: RerankTarget) => Promise<PingResult>,
  ): Promise<PingOutcome> {
    const started = performance.now();
    const trace: CallTrace = {};
    const metered = () => ({ principal, input: PING_INPUT, target: trace.target, latencyMs: elapsedMs(started) });
    let target: RerankTarget;
    try {
      trace.admission = await this.limits.admit(principal, PING_INPUT.documents.length);
      target = await resolve();
      if (trace.admission.costLimited) await trace.admission.reserveCost(this.metering.maxCost(target, PING_INPUT));
      trace.target = target;
    } catch (error) {
      this.metering.failed(metered(), error);
      trace.admission?.settle(false);
      trace.admission?.release();
      throw error;
    }
    try {
      const result = await send(target);
      const charge = this.metering.pinged(metered(), bookedAs, target, result);
      trace.admission.settle(result.outcome.ok, charge.cost?.amount);
      return result.outcome;
    } finally {
      trace.admission.release();
    }
  }

  /**
   * Every call, whichever way it came: its input checked once; admitted by the caller's rate
   * limits and quotas (or refused before anything is resolved), its documents reserved on
   * the monthly quotas and its cost before each target (execute); its concurrency slot freed
   * however it ends; booked once (usage), success or failure; and settled on the quotas:
   * served by an upstream, with the cost its usage record was charged, else given back.
   */
  private async governed(
    principal: Principal,
    input: RerankInput,
    clientGone: ClientGone | undefined,
    call: (trace: CallTrace) => Promise<RoutedOutcome>,
  ): Promise<RoutedOutcome> {
    const started = performance.now();
    const trace: CallTrace = { clientGone };
    let outcome: RoutedOutcome;
    try {
      this.rerank.checkInput(input);
      trace.admission = await this.limits.admit(principal, input.documents.length);
      trace.rateLimitHeaders = trace.admission.headers;
      outcome = await call(trace);
    } catch (error) {
      this.metering.failed({ principal, input, target: trace.target, alias: trace.alias, latencyMs: elapsedMs(started) }, error);
      trace.admission?.settle(false);
      throw error;
    } finally {
      trace.admission?.release();
    }
    const charge = this.metering.succeeded({ principal, input, target: trace.target, alias: trace.alias, latencyMs: elapsedMs(started) }, outcome);
    outcome.cost = charge.cost;
    // Served, by an upstream or the lexical last resort (the server's CPU): it counts on the monthly quotas.
    trace.admission.settle(true, charge.cost?.amount);
    return outcome;
  }

  /** One target's call, its most cost reserved first when a cost quota applies (QUOTA_EXCEEDED when it does not fit). */
  private async execute(principal: Principal, target: RerankTarget, input: RerankInput, trace: CallTrace): Promise<RerankOutcome> {
    if (trace.admission?.costLimited) await trace.admission.reserveCost(this.metering.maxCost(target, input));
    trace.target = target;
    return this.rerank.execute(principal, target, input, trace.clientGone);
  }

  private async byId(principal: Principal, rerankerId: string, input: RerankInput, fallbackRerankerIds: readonly string[], trace: CallTrace): Promise<RoutedOutcome> {
    if (fallbackRerankerIds.length === 0) return this.direct(principal, await this.targets.resolve(principal, rerankerId, 'EXECUTE'), input, trace);
    if (fallbackRerankerIds.includes(rerankerId)) throw DomainError.invalidArgument('fallbackRerankerIds must not repeat the reranker called');
    const ids = [rerankerId, ...fallbackRerankerIds].filter((id) => this.rerank.isAvailable(id));
    return this.run(principal, { ...(await this.load(principal, ids, 'refuse')), lastResort: false }, input, trace);
  }

  /** The common case, one reranker: no planning, no failover bookkeeping beyond one attempt. */
  private async direct(principal: Principal, target: RerankTarget, input: RerankInput, trace: CallTrace): Promise<RoutedOutcome> {
    const started = performance.now();
    const outcome = await this.execute(principal, target, input, trace);
    return served(outcome, [attempt(target, 'ok', started)], undefined, trace);
  }

  private async runAlias(principal: Principal, route: AliasRoute, input: RerankInput, trace: CallTrace): Promise<RoutedOutcome> {
    trace.alias = route.name;
    const planned = route.planner.plan((id) => this.rerank.isAvailable(id)).map((target) => target.rerankerId);
    return this.run(principal, { ...(await this.load(principal, planned, 'skip')), lastResort: route.lastResort === 'LEXICAL', alias: route.name }, input, trace);
  }

  /**
   * The targets the caller may execute, in order. One whose credential is unavailable here
   * counts as a failed attempt. One that is gone, or not the caller's to use, is left out of
   * an alias (`skip`: it may have been deleted since) and refused with 404 when the caller
   * named it (`refuse`).
   */
  private async load(principal: Principal, ids: readonly string[], unknown: 'skip' | 'refuse'): Promise<Pick<Route, 'targets' | 'unusable'>> {
    const loaded = await Promise.allSettled(ids.map((id) => this.targets.resolve(principal, id, 'EXECUTE')));
    const targets: RerankTarget[] = [];
    const unusable: Attempt[] = [];
    loaded.forEach((result, index) => {
      if (result.status === 'fulfilled') targets.push(result.value);
      else if (result.reason instanceof DomainError && result.reason.code === 'UNAVAILABLE') {
        unusable.push({ rerankerId: ids[index]!, outcome: 'unavailable', latencyMs: 0 });
      } else if (unknown === 'refuse' || !(result.reason instanceof DomainError && result.reason.code === 'NOT_FOUND')) {
        throw result.reason;
      }
    });
    return { targets, unusable };
  }

  private async run(principal: Principal, route: Route, input: RerankInput, trace: CallTrace): Promise<RoutedOutcome> {
    const attempts: Attempt[] = [...route.unusable];
    let lastFailure: DomainError | undefined =
      attempts.length > 0 ? new DomainError('UNAVAILABLE', "A target's credential is not available on this server") : undefined;
    for (const target of route.targets) {
      const started = performance.now();
      try {
        const outcome = await this.execute(principal, target, input, trace);
        attempts.push(attempt(target, 'ok', started));
        return served(outcome, attempts, route.alias, trace);
      } catch (error) {
        if (!(error instanceof DomainError) || !failsOver(error)) throw error;
        attempts.push(attempt(target, error.code.toLowerCase(), started));
        lastFailure = error;
      }
    }
    if (route.lastResort) return this.lastResort(principal, input, attempts, route, trace);
    throw exhausted(route, attempts, lastFailure);
  }

  /** Every target failed: BM25 over the same rendered text, on the built-in rankers' workers, flagged as degraded. */
  private async lastResort(principal: Principal, input: RerankInput, attempts: Attempt[], route: Route, trace: CallTrace): Promise<RoutedOutcome> {
    const started = performance.now();
    const texts = renderDocuments(input.documents, input.rankFields ?? ['text']);
    const ranked = await this.builtins.lastResort(principal, input.query, texts, trace.clientGone?.());
    return {
      rerankerId: 'LEXICAL',
      model: 'bm25',
      providerType: 'LEXICAL',
      results: rankAndCut(ranked, Math.min(input.topN ?? texts.length, texts.length)),
      upstreamLatencyMs: 0,
      upstreamRequests: 0,
      sentBatches: [],
      servedBy: 'LEXICAL',
      attempts: [...attempts, { rerankerId: 'LEXICAL', outcome: 'ok', latencyMs: elapsedMs(started) }],
      degraded: true,
      alias: route.alias,
      rateLimitHeaders: trace.rateLimitHeaders,
      cost: undefined,
    };
  }
}

/** Whether the next target may do better: the target failed, not the request. */
function failsOver(error: DomainError): boolean {
  switch (error.code) {
    case 'UPSTREAM_TIMEOUT':
    case 'UPSTREAM_UNAVAILABLE':
    case 'UPSTREAM_RATE_LIMITED':
    case 'UPSTREAM_BAD_RESPONSE':
    case 'EGRESS_BLOCKED':
    case 'UNAVAILABLE':
      return true;
    case 'UPSTREAM_ERROR': {
      const status = error.details?.upstreamStatus;
      // No status: the connection failed. 401/403/404/408: this target's credential, path or patience.
      return typeof status !== 'number' || status >= 500 || [401, 403, 404, 408].includes(status);
    }
    default:
      return false;
  }
}

function attempt(target: RerankTarget, outcome: string, started: number): Attempt {
  return { rerankerId: target.rerankerId, outcome, latencyMs: elapsedMs(started) };
}


function aliasOf(route: Route): { alias?: string } {
  return route.alias === undefined ? {} : { alias: route.alias };
}

/**
 * An upstream's outcome with the route it took, built field by field: a spread of the
 * outcome here cost ~10 µs per call (bench/README.md, the hot-path budget).
 */
function served(outcome: RerankOutcome, attempts: readonly Attempt[], alias: string | undefined, trace: CallTrace): RoutedOutcome {
  return {
    rerankerId: outcome.rerankerId,
    model: outcome.model,
    providerType: outcome.providerType,
    results: outcome.results,
    usage: outcome.usage,
    upstreamLatencyMs: outcome.upstreamLatencyMs,
    upstreamRequests: outcome.upstreamRequests,
    sentBatches: outcome.sentBatches,
    servedBy: outcome.rerankerId,
    attempts,
    degraded: false,
    alias,
    rateLimitHeaders: trace.rateLimitHeaders,
    cost: undefined,
  };
}

function exhausted(route: Route, attempts: Attempt[], lastFailure: DomainError | undefined): DomainError {
  if (!lastFailure) {
    return new DomainError('UPSTREAM_UNAVAILABLE', 'No target of this route is available: every circuit is open or no target is left', {
      attempts,
      ...aliasOf(route),
    });
  }
  return new DomainError(lastFailure.code, `Every target failed; the last: ${lastFailure.message}`, {
    ...lastFailure.details,
    attempts,
    ...aliasOf(route),
  });
}
