import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError } from '../common/errors/domain-error.js';
import { LOGGER } from '../common/logging/logger.token.js';
import { ThrottledWarning } from '../common/logging/throttled-warning.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { cohereBilling } from '../providers/cohere-billing.js';
import type { ProviderBilling } from '../providers/provider-adapter.js';
import { estimatePairTokens, maxPairTokens, maxTokens } from '../providers/token-estimate.js';
import { costAt, PricingCalculator, type CallCharge } from '../usage/pricing-calculator.js';
import { UsageMeter } from '../usage/usage-meter.js';
import { planBatches } from './batch-plan.js';
import { renderDocuments } from './document-text.js';
import type { MeteredRerank, PingResult, RerankInput, RerankTarget, RoutedOutcome } from './rerank-types.js';

const NOTHING_CHARGED: CallCharge = { searchUnits: 0, tokens: 0 };

/**
 * Execution's adapter onto usage: turns a finished call into its usage record, synchronously.
 * A failed call (refused, or no target answered) books its outcome and the documents it
 * asked for (documentsRequested), but no documents served, upstream requests, units or
 * cost: providers bill answers.
 */
@Injectable()
export class RerankMetering {
  private readonly clampedWarning: ThrottledWarning;

  constructor(
    private readonly meter: UsageMeter,
    private readonly pricing: PricingCalculator,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.clampedWarning = new ThrottledWarning(logger, 'an upstream reported more units than its call could bill; booked at that bound');
  }

  /** Books a served call; returns what it was charged (the monthly cost quotas count the same). */
  succeeded(call: MeteredRerank, outcome: RoutedOutcome): CallCharge {
    const target = outcome.degraded ? undefined : call.target;
    const charge = target ? this.charge(call, target, outcome) : NOTHING_CHARGED;
    this.book(call, outcome.servedBy, outcome.alias, outcome.degraded ? 'degraded' : 'ok', true, outcome.upstreamRequests, charge);
    return charge;
  }

  /**
   * The most calling `target` with `input` can be charged, for a cost quota's reservation:
   * its pricing on the batches it would send, at the most units they can bill (the bound
   * reported units are cut to). Retries and splits can add requests beyond it.
   */
  maxCost(target: RerankTarget, input: RerankInput): bigint {
    if (!target.pricing) return 0n;
    const texts = renderDocuments(input.documents, input.rankFields ?? ['text']);
    const batches = planBatches(input.query, texts, { maxDocuments: target.batchSize, maxTokens: target.maxTokensPerRequest }).map((batch) => batch.documents);
    const billing = providerBilling(target) ?? cohereBilling;
    return costAt(target.pricing, {
      documents: texts.length,
      upstreamRequests: batches.length,
      searchUnits: billing.searchUnits(target.model, input.query, batches, input.maxTokensPerDoc, maxTokens),
      tokens: maxPairTokens(input.query, batches),
    });
  }

  /**
   * Books a ping (or a dry probe) that reached its upstream, with outcome `ping`, under
   * `rerankerId`: its one document served and charged like any call when the upstream
   * answered it, nothing served otherwise.
   */
  pinged(call: MeteredRerank, rerankerId: string | undefined, target: RerankTarget, result: PingResult): CallCharge {
    const served = result.outcome.ok;
    const charge = served ? this.charge(call, target, { upstreamRequests: result.upstreamRequests, usage: result.usage, sentBatches: [call.input.documents as string[]] }) : NOTHING_CHARGED;
    this.book(call, rerankerId, undefined, 'ping', served, served ? result.upstreamRequests : 0, charge);
    return charge;
  }

  failed(call: MeteredRerank, error: unknown): void {
    const outcome = error instanceof DomainError ? error.code.toLowerCase() : 'internal';
    this.book(call, call.target?.rerankerId, call.alias, outcome, false, 0, NOTHING_CHARGED);
  }

  /** One record, built field by field: object spreads here cost several µs per call (bench/README.md). */
  private book(
    call: MeteredRerank,
    rerankerId: string | undefined,
    alias: string | undefined,
    outcome: string,
    served: boolean,
    upstreamRequests: number,
    charge: CallCharge,
  ): void {
    this.meter.record({
      at: Date.now(),
      ownerId: call.principal.userId,
      apiKeyId: call.principal.apiKeyId,
      rerankerId,
      alias,
      outcome,
      documents: served ? call.input.documents.length : 0,
      documentsRequested: call.input.documents.length,
      upstreamRequests,
      searchUnits: charge.searchUnits,
      tokens: charge.tokens,
      cost: charge.cost,
      latencyMs: call.latencyMs,
    });
  }

  /** Priced on the batches the call actually sent (splits included), never planned again here. */
  private charge({ input }: MeteredRerank, target: RerankTarget, outcome: Pick<RoutedOutcome, 'upstreamRequests' | 'usage' | 'sentBatches'>): CallCharge {
    const billsSearchUnits = providerBilling(target);
    const billing = billsSearchUnits ?? cohereBilling;
    const charge = this.pricing.charge({
      pricing: target.pricing,
      documents: input.documents.length,
      upstreamRequests: outcome.upstreamRequests,
      usage: outcome.usage,
      billsSearchUnits: billsSearchUnits !== undefined,
      estimateSearchUnits: () => billing.searchUnits(target.model, input.query, outcome.sentBatches, input.maxTokensPerDoc),
      estimateTokens: () => estimatePairTokens(input.query, outcome.sentBatches),
      maxUnits: () => ({
        searchUnits: billing.searchUnits(target.model, input.query, outcome.sentBatches, input.maxTokensPerDoc, maxTokens),
        tokens: maxPairTokens(input.query, outcome.sentBatches),
      }),
    });
    if (charge.clamped) {
      this.metrics.countUnitsClamped(target.providerType);
      this.clampedWarning.warn({ rerankerId: target.rerankerId, providerType: target.providerType });
    }
    return charge;
  }
}

/** How the provider bills search units; none for one that does not (built-in rankers included). */
function providerBilling(target: RerankTarget): ProviderBilling | undefined {
  return target.kind === 'upstream' ? target.adapter.billing : undefined;
}
