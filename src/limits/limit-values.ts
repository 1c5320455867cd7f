/** The five limits a user or an API key has; 0 means unlimited. */
export interface LimitValues {
  readonly requestsPerMinute: number;
  readonly documentsPerMinute: number;
  readonly concurrentCalls: number;
  readonly monthlyDocuments: number;
  /** In the cost unit of the usage meter (the rerankers' pricing currency). */
  readonly monthlyCost: number;
}

export type LimitName = keyof LimitValues;

export const LIMIT_NAMES: readonly LimitName[] = ['requestsPerMinute', 'documentsPerMinute', 'concurrentCalls', 'monthlyDocuments', 'monthlyCost'];

/** Stored overrides of one subject: null falls back to the configured default. */
export type LimitOverrides = { readonly [name in LimitName]: number | null };

export const NO_OVERRIDES: LimitOverrides = {
  requestsPerMinute: null,
  documentsPerMinute: null,
  concurrentCalls: null,
  monthlyDocuments: null,
  monthlyCost: null,
};

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

/** Largest monthly document quota and cost the API and the configuration take. */
export const MAX_MONTHLY_DOCUMENTS = 1e15;
export const MAX_MONTHLY_COST = 1e9;
/** Cost is counted in millionths (the counters hold integers). */
export const COST_DECIMALS = 6;
export const MAX_PER_MINUTE = 2_000_000_000;
