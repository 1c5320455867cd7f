import type { LimitValues } from '../config/limits-config.js';

export type LimitName = keyof LimitValues;

export const LIMIT_NAMES: readonly LimitName[] = ['requestsPerMinute', 'documentsPerMinute', 'concurrentCalls', 'monthlyDocuments', 'monthlyCost'];

/** Stored overrides of one subject: null falls back to the configured default. */
export type LimitOverrides = { readonly [name in LimitName]: number | null };

/** The limits in force: each override where there is one, else the default. */
export function effectiveLimits(defaults: LimitValues, overrides: LimitOverrides): LimitValues {
  return {
    requestsPerMinute: overrides.requestsPerMinute ?? defaults.requestsPerMinute,
    documentsPerMinute: overrides.documentsPerMinute ?? defaults.documentsPerMinute,
    concurrentCalls: overrides.concurrentCalls ?? defaults.concurrentCalls,
    monthlyDocuments: overrides.monthlyDocuments ?? defaults.monthlyDocuments,
    monthlyCost: overrides.monthlyCost ?? defaults.monthlyCost,
  };
}
