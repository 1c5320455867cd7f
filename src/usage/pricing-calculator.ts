import { Injectable } from '@nestjs/common';
import { isObject } from '../providers/wire-format.js';
import type { CompiledPricing, RateField } from './pricing.js';

/** One answered call, as far as its price depends on it. */
export interface MeteredCall {
  readonly pricing?: CompiledPricing;
  readonly documents: number;
  readonly upstreamRequests: number;
  /** Usage as the upstream reported it, summed over requests. */
  readonly usage?: Record<string, unknown>;
  /** Whether the provider bills in search units: they are counted then, priced or not. */
  readonly billsSearchUnits: boolean;
  /** Search units by the provider's billing rule; asked only when none were reported and they count. */
  readonly estimateSearchUnits: () => number;
  /** Tokens of every pair sent, estimated; asked only when none were reported and the price depends on them. */
  readonly estimateTokens: () => number;
}

export interface CallCharge {
  readonly searchUnits: number;
  readonly tokens: number;
  /** Present when the reranker is priced: amount units (money.ts) in its currency. */
  readonly cost?: { readonly currency: string; readonly amount: bigint };
}

type Quantities = Pick<MeteredCall, 'documents' | 'upstreamRequests'> & Pick<CallCharge, 'searchUnits' | 'tokens'>;

/** What each rate multiplies, and per how many. */
const RATE_BASIS: Readonly<Record<RateField, readonly [keyof Quantities, bigint]>> = {
  perSearchUnit: ['searchUnits', 1n],
  perMillionTokens: ['tokens', 1_000_000n],
  perRequest: ['upstreamRequests', 1n],
  perThousandDocuments: ['documents', 1_000n],
};

/**
 * The units and cost of a call. Counts the upstream reported win (Cohere's
 * billed_units.search_units, Pinecone's rerank_units, total/input/prompt tokens); without
 * them, search units follow the provider's billing rule (for a provider that bills them, or
 * a reranker priced per search unit) and tokens are estimated when the price depends on
 * them, so a priced call is never booked at zero for want of a report.
 */
@Injectable()
export class PricingCalculator {
  charge(call: MeteredCall): CallCharge {
    const reported = call.usage ? reportedUnits(call.usage) : {};
    const rates = call.pricing?.rates ?? {};
    const searchUnits = reported.searchUnits ?? (call.billsSearchUnits || rates.perSearchUnit !== undefined ? call.estimateSearchUnits() : 0);
    const tokens = reported.tokens ?? (rates.perMillionTokens !== undefined ? call.estimateTokens() : 0);
    if (!call.pricing) return { searchUnits, tokens };
    const amount = costOf(call.pricing, { documents: call.documents, upstreamRequests: call.upstreamRequests, searchUnits, tokens });
    return { searchUnits, tokens, cost: { currency: call.pricing.currency, amount } };
  }
}

/** Exact: a rate has at most 9 decimals, so its units are a multiple of 10^6 and every division here is whole. */
function costOf(pricing: CompiledPricing, quantities: Quantities): bigint {
  let amount = 0n;
  for (const [field, [quantity, per]] of Object.entries(RATE_BASIS) as Array<[RateField, readonly [keyof Quantities, bigint]]>) {
    const rate = pricing.rates[field];
    if (rate !== undefined) amount += (rate * BigInt(quantities[quantity])) / per;
  }
  return amount;
}

function reportedUnits(usage: Record<string, unknown>): { searchUnits?: number; tokens?: number } {
  const searchUnits = reportedSearchUnits(usage);
  const tokens = reportedTokens(usage);
  return { ...(searchUnits !== undefined ? { searchUnits } : {}), ...(tokens !== undefined ? { tokens } : {}) };
}

/** Cohere's billed_units.search_units, a flat search_units, or Pinecone's rerank_units. */
export function reportedSearchUnits(usage: Record<string, unknown>): number | undefined {
  const billed = usage.billed_units;
  return (isObject(billed) ? count(billed.search_units) : undefined) ?? count(usage.search_units) ?? count(usage.rerank_units);
}

/** total_tokens; else input (or prompt) plus output tokens; else the same inside `tokens` (Cohere's meta, SiliconFlow). */
export function reportedTokens(usage: Record<string, unknown>): number | undefined {
  const total = count(usage.total_tokens);
  if (total !== undefined) return total;
  const input = count(usage.input_tokens) ?? count(usage.prompt_tokens);
  if (input !== undefined) return input + (count(usage.output_tokens) ?? 0);
  return isObject(usage.tokens) ? reportedTokens(usage.tokens) : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}
