import { parseAmount, formatAmount, RATE_DECIMALS } from './money.js';

/** The rates a reranker may be priced by; several add up. */
export const RATE_FIELDS = ['perSearchUnit', 'perMillionTokens', 'perRequest', 'perThousandDocuments'] as const;
export type RateField = (typeof RATE_FIELDS)[number];

/** A reranker's pricing as stored and shown: ISO 4217 currency, rates as canonical decimal strings. */
export type Pricing = { readonly currency: string } & { readonly [F in RateField]?: string };

/** Pricing ready for the hot path: rates as amount units (see money.ts). */
export interface CompiledPricing {
  readonly currency: string;
  readonly rates: { readonly [F in RateField]?: bigint };
}

/** Rates above this are refused: no upstream charges ten million per unit, and a typo should not pass. */
export const MAX_RATE = 10_000_000;
/** A rate as a string (JSON-schema / RegExp source). */
export const RATE_PATTERN = `^\\d{1,7}(\\.\\d{1,${RATE_DECIMALS}})?$`;
const RATE_TEXT = new RegExp(RATE_PATTERN);

/** What is wrong with a rate as sent (a JSON number or a decimal string), or undefined. */
export function rateProblem(value: unknown): string | undefined {
  const problem = `must be a non-negative decimal below ${MAX_RATE} with at most ${RATE_DECIMALS} decimals (a number or a string)`;
  if (typeof value === 'string') return RATE_TEXT.test(value) ? undefined : problem;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= MAX_RATE) return problem;
  // More decimals than kept would be rounded away silently: refuse instead.
  return Number(value.toFixed(RATE_DECIMALS)) === value ? undefined : problem;
}

/** A valid rate (see rateProblem) as its canonical decimal string: 0.0020 -> "0.002". */
export function canonicalRate(value: string | number): string {
  const text = typeof value === 'number' ? value.toFixed(RATE_DECIMALS) : value;
  return formatAmount(parseAmount(text));
}

/** Stored pricing (canonical strings) for the hot path. */
export function compilePricing(pricing: Pricing): CompiledPricing {
  const rates: { [F in RateField]?: bigint } = {};
  for (const field of RATE_FIELDS) {
    const rate = pricing[field];
    if (rate !== undefined) rates[field] = parseAmount(rate);
  }
  return { currency: pricing.currency, rates };
}
