import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error.js';
import { cohereBilling } from '../providers/cohere-billing.js';
import { estimatePairTokens } from '../providers/token-estimate.js';
import { PricingCalculator, type CallCharge } from '../usage/pricing-calculator.js';
import { UsageMeter } from '../usage/usage-meter.js';
import type { MeteredRerank, RerankTarget, RoutedOutcome } from './rerank-types.js';

const NOTHING_CHARGED: CallCharge = { searchUnits: 0, tokens: 0 };

/**
 * Execution's adapter onto usage: turns a finished call into its usage record, synchronously.
 * A failed call books its documents and outcome but no upstream requests, units or cost:
 * providers bill answers.
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
    const charge = target ? this.charge(call, target, outcome) : NOTHING_CHARGED;
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

  /** Priced on the batches the call actually sent (splits included), never planned again here. */
  private charge({ input }: MeteredRerank, target: RerankTarget, outcome: RoutedOutcome): CallCharge {
    const billing = target.adapter.billing;
    return this.pricing.charge({
      pricing: target.pricing,
      documents: input.documents.length,
      upstreamRequests: outcome.upstreamRequests,
      usage: outcome.usage,
      billsSearchUnits: billing !== undefined,
      estimateSearchUnits: () => (billing ?? cohereBilling).searchUnits(target.model, input.query, outcome.sentBatches, input.maxTokensPerDoc),
      estimateTokens: () => estimatePairTokens(input.query, outcome.sentBatches),
    });
  }
}
