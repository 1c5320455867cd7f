import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { planBatches } from '../rerank/batch-plan.js';
import { renderDocuments } from '../rerank/document-text.js';
import type { RerankTarget } from '../rerank/rerank-target.js';
import type { RerankInput } from '../rerank/rerank.service.js';
import type { RoutedOutcome } from '../rerank/routing/rerank-router.js';
import { PricingCalculator, type CallCharge } from './pricing-calculator.js';
import { UsageMeter } from './usage-meter.js';

/** How far a call got, filled in as its route unfolds: the target tried last (the one that answered), the alias it went through. */
export interface RerankTrace {
  target?: RerankTarget;
  alias?: string;
}

/** A finished rerank call, whichever endpoint it came through. */
export interface MeteredRerank extends Readonly<RerankTrace> {
  readonly principal: Principal;
  readonly input: RerankInput;
  /** Service-side duration of the whole call. */
  readonly latencyMs: number;
}

const NOTHING_CHARGED: CallCharge = { searchUnits: 0, tokens: 0 };

/**
 * Turns a finished call into its usage record, synchronously. A failed call books its
 * documents and outcome but no upstream requests, units or cost: providers bill answers.
 */
@Injectable()
export class RerankMetering {
  constructor(
    private readonly meter: UsageMeter,
    private readonly pricing: PricingCalculator,
  ) {}

  /** Books a served call; returns what it was charged (the monthly cost quotas count the same). */
  succeeded(call: MeteredRerank, outcome: RoutedOutcome): CallCharge {
    const target = outcome.degraded ? undefined : call.target;
    const charge = target ? this.charge(call.input, target, outcome) : NOTHING_CHARGED;
    this.book(call, outcome.servedBy, outcome.alias, outcome.degraded ? 'degraded' : 'ok', outcome.upstreamRequests, charge);
    return charge;
  }

  failed(call: MeteredRerank, error: unknown): void {
    const outcome = error instanceof DomainError ? error.code.toLowerCase() : 'internal';
    this.book(call, call.target?.rerankerId, call.alias, outcome, 0, NOTHING_CHARGED);
  }

  /** One record, built field by field: object spreads here cost several µs per call (bench/README.md). */
  private book(call: MeteredRerank, rerankerId: string | undefined, alias: string | undefined, outcome: string, upstreamRequests: number, charge: CallCharge): void {
    this.meter.record({
      at: Date.now(),
      ownerId: call.principal.userId,
      apiKeyId: call.principal.apiKeyId,
      rerankerId,
      alias,
      outcome,
      documents: call.input.documents.length,
      upstreamRequests,
      searchUnits: charge.searchUnits,
      tokens: charge.tokens,
      cost: charge.cost,
      latencyMs: call.latencyMs,
    });
  }

  private charge(input: RerankInput, target: RerankTarget, outcome: RoutedOutcome): CallCharge {
    return this.pricing.charge({
      pricing: target.pricing,
      providerType: target.providerType,
      model: target.model,
      query: input.query,
      documents: input.documents.length,
      upstreamRequests: outcome.upstreamRequests,
      usage: outcome.usage,
      maxTokensPerDoc: input.maxTokensPerDoc,
      requestDocuments: () =>
        planBatches(input.query, renderDocuments(input.documents, input.rankFields ?? ['text']), {
          maxDocuments: target.batchSize,
          maxTokens: target.maxTokensPerRequest,
        }).map((batch) => batch.documents),
    });
  }
}
