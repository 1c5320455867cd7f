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
  /** The most search units and tokens the requests sent could be billed; asked only when units were reported. */
  readonly maxUnits: () => Units;
}

export interface Units {
  readonly searchUnits: number;
  readonly tokens: number;
}

export interface CallCharge extends Units {
  /** Present when the reranker is priced: amount units (money.ts) in its currency. */
  readonly cost?: { readonly currency: string; readonly amount: bigint };
  /** Set when the upstream reported more units than the call could bill (they were cut to that bound). */
  readonly clamped?: true;
}

export type Quantities = Pick<MeteredCall, 'documents' | 'upstreamRequests'> & Units;

/** What each rate multiplies, and per how many. */
const RATE_BASIS: Readonly<Record<RateField, readonly [keyof Quantities, bigint]>> = {
  perSearchUnit: ['searchUnits', 1n],
  perMillionTokens: ['tokens', 1_000_000n],
  perRequest: ['upstreamRequests', 1n],
  perThousandDocuments: ['documents', 1_000n],
};

/**
 * The units and cost of a call. Counts the upstream reported win (Cohere's
 * billed_units.search_units, Pinecone's rerank_units, total/input/prompt tokens), within the
 * most the requests sent could be billed: an upstream's number is untrusted input, and one
 * reporting 1e19 units is booked at that bound (`clamped`), never past what the usage
 * columns and the quotas hold. Without reported counts, search units follow the provider's
 * billing rule (for a provider that bills them, or a reranker priced per search unit) and
 * tokens are estimated when the price depends on them, so a priced call is never booked at
 * zero for want of a report.
 */
@Injectable()
export class PricingCalculator {
  charge(call: MeteredCall): CallCharge {
    const reported = call.usage ? reportedUnits(call.usage) : {};
    const bound = reported.searchUnits !== undefined || reported.tokens !== undefined ? call.maxUnits() : undefined;
    const clamped = bound !== undefined && ((reported.searchUnits ?? 0) > bound.searchUnits || (reported.tokens ?? 0) > bound.tokens);
    const rates = call.pricing?.rates ?? {};
    const searchUnits = within(reported.searchUnits, bound?.searchUnits) ?? (call.billsSearchUnits || rates.perSearchUnit !== undefined ? call.estimateSearchUnits() : 0);
    const tokens = within(reported.tokens, bound?.tokens) ?? (rates.perMillionTokens !== undefined ? call.estimateTokens() : 0);
    const flag = clamped ? ({ clamped: true } as const) : {};
    if (!call.pricing) return { searchUnits, tokens, ...flag };
    const amount = costAt(call.pricing, { documents: call.documents, upstreamRequests: call.upstreamRequests, searchUnits, tokens });
    return { searchUnits, tokens, cost: { currency: call.pricing.currency, amount }, ...flag };
  }
}

function within(reported: number | undefined, bound: number | undefined): number | undefined {
  return reported === undefined || bound === undefined ? reported : Math.min(reported, bound);
}

/**
 * What `pricing` charges for these quantities (a call's, or the most a call can be, before it
 * is sent). Exact: a rate has at most 9 decimals, so its units are a multiple of 10^6 and
 * every division here is whole.
 */
export function costAt(pricing: CompiledPricing, quantities: Quantities): bigint {
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
