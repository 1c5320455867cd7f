import { Injectable } from '@nestjs/common';
import { permitsActingOn, ROLE_PERMISSIONS } from '../../auth/permissions.js';
import type { Principal } from '../../auth/principal.js';
import { DomainError } from '../../common/errors/domain-error.js';
import type { ProviderType } from '../../generated/prisma/enums.js';
import { renderDocuments } from '../document-text.js';
import type { RerankTarget } from '../rerank-target.js';
import { RerankTargets } from '../rerank-targets.js';
import { RerankService, type RerankInput, type RerankOutcome } from '../rerank.service.js';
import { rankLexically } from './lexical-ranker.js';
import { ModelResolver, type AliasRoute } from './model-resolver.js';

/** One upstream tried for a call: which, how it went (`ok` or the error code, lower case), how long. */
export interface Attempt {
  readonly rerankerId: string;
  readonly outcome: string;
  readonly latencyMs: number;
}

/** A rerank outcome with the route it took. `servedBy` is a reranker id, or `LEXICAL` for the last resort. */
export interface RoutedOutcome extends Omit<RerankOutcome, 'providerType'> {
  readonly providerType: ProviderType | 'LEXICAL';
  readonly servedBy: string;
  readonly attempts: readonly Attempt[];
  readonly degraded: boolean;
  readonly alias?: string;
}

/** A call's candidates, in the order to try them; `lastResort` when every one fails. */
interface Route {
  readonly targets: readonly RerankTarget[];
  /** Planned targets that could not be called at all (credential unavailable here). */
  readonly unusable?: readonly Attempt[];
  readonly lastResort: boolean;
  readonly alias?: string;
}

/**
 * Calls by model name, alias or id, with failover: the next target is tried on connection
 * errors, timeouts, 5xx, 429, open circuits, unusable answers and credential or egress
 * problems of the target; never on an error the request caused (400, 413, 422), which is
 * returned as is. All within one deadline: the longest of the targets' own.
 */
@Injectable()
export class RerankRouter {
  constructor(
    private readonly resolver: ModelResolver,
    private readonly targets: RerankTargets,
    private readonly rerank: RerankService,
  ) {}

  /** The drop-in endpoints: `model` is a reranker id, an alias name or a modelIdentifier. */
  async rerankModel(principal: Principal, model: string, input: RerankInput): Promise<RoutedOutcome> {
    const resolved = await this.resolver.resolve(principal, model);
    if (resolved.kind === 'alias') return this.run(await this.aliasRoute(principal, resolved.route), input);
    return this.rerankReranker(principal, resolved.rerankerId, input, []);
  }

  async rerankAlias(principal: Principal, name: string, input: RerankInput): Promise<RoutedOutcome> {
    return this.run(await this.aliasRoute(principal, await this.resolver.resolveAlias(principal, name)), input);
  }

  /** By id, then each of `fallbackRerankerIds` in order (each needs EXECUTE like the first). */
  async rerankReranker(principal: Principal, rerankerId: string, input: RerankInput, fallbackRerankerIds: readonly string[]): Promise<RoutedOutcome> {
    const targets = await Promise.all([rerankerId, ...fallbackRerankerIds].map((id) => this.targets.resolve(principal, id, 'EXECUTE')));
    if (targets.length === 1) return this.direct(targets[0]!, input);
    return this.run({ targets: targets.filter((target) => this.rerank.isAvailable(target.rerankerId)), lastResort: false }, input);
  }

  /** The common case, one reranker: no planning, no failover bookkeeping beyond one attempt. */
  private async direct(target: RerankTarget, input: RerankInput): Promise<RoutedOutcome> {
    const started = performance.now();
    const outcome = await this.rerank.execute(target, input);
    return { ...outcome, servedBy: target.rerankerId, attempts: [attempt(target, 'ok', started)], degraded: false };
  }

  /**
   * The alias's planned targets, as its owner may use them. One that is gone is left out;
   * one whose credential is unavailable here counts as a failed attempt.
   */
  private async aliasRoute(principal: Principal, route: AliasRoute): Promise<Route> {
    const permissions = ROLE_PERMISSIONS[route.ownerRole];
    const allowed = (ownerId: string) => permitsActingOn(permissions, route.ownerId, 'EXECUTE', 'RERANKER', ownerId);
    const planned = route.planner.plan((id) => this.rerank.isAvailable(id));
    const loaded = await Promise.allSettled(planned.map((target) => this.targets.resolveWhere(target.rerankerId, allowed, principal)));
    const targets: RerankTarget[] = [];
    const unusable: Attempt[] = [];
    loaded.forEach((result, index) => {
      if (result.status === 'fulfilled') targets.push(result.value);
      else if (result.reason instanceof DomainError && result.reason.code === 'UNAVAILABLE') {
        unusable.push({ rerankerId: planned[index]!.rerankerId, outcome: 'unavailable', latencyMs: 0 });
      } else if (!(result.reason instanceof DomainError && result.reason.code === 'NOT_FOUND')) throw result.reason;
    });
    return { targets, unusable, lastResort: route.lastResort === 'LEXICAL', alias: route.name };
  }

  private async run(route: Route, input: RerankInput): Promise<RoutedOutcome> {
    const deadline = Date.now() + Math.max(0, ...route.targets.map((target) => target.timeoutMs));
    const attempts: Attempt[] = [...(route.unusable ?? [])];
    let lastFailure: DomainError | undefined =
      attempts.length > 0 ? new DomainError('UNAVAILABLE', "A target's credential is not available on this server") : undefined;
    for (const target of route.targets) {
      if (Date.now() >= deadline) break;
      const started = performance.now();
      try {
        const outcome = await this.rerank.execute(target, input, Math.min(deadline, Date.now() + target.timeoutMs));
        attempts.push(attempt(target, 'ok', started));
        return { ...outcome, servedBy: target.rerankerId, attempts, degraded: false, ...aliasOf(route) };
      } catch (error) {
        if (!(error instanceof DomainError) || !failsOver(error)) throw error;
        attempts.push(attempt(target, error.code.toLowerCase(), started));
        lastFailure = error;
      }
    }
    if (route.lastResort) return lexicalOutcome(input, attempts, route);
    throw exhausted(route, attempts, lastFailure);
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
  return { rerankerId: target.rerankerId, outcome, latencyMs: Math.round((performance.now() - started) * 1000) / 1000 };
}

function aliasOf(route: Route): { alias?: string } {
  return route.alias === undefined ? {} : { alias: route.alias };
}

/** Every target failed: BM25 over the same rendered text, flagged as degraded. */
function lexicalOutcome(input: RerankInput, attempts: Attempt[], route: Route): RoutedOutcome {
  const started = performance.now();
  const texts = renderDocuments(input.documents, input.rankFields ?? ['text']);
  const ranked = rankLexically(input.query, texts);
  return {
    rerankerId: 'LEXICAL',
    model: 'bm25',
    providerType: 'LEXICAL',
    results: ranked.slice(0, Math.min(input.topN ?? texts.length, texts.length)),
    upstreamLatencyMs: 0,
    upstreamRequests: 0,
    servedBy: 'LEXICAL',
    attempts: [...attempts, { rerankerId: 'LEXICAL', outcome: 'ok', latencyMs: Math.round((performance.now() - started) * 1000) / 1000 }],
    degraded: true,
    ...aliasOf(route),
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
