import type { ProviderType, ScoreNormalization } from '../generated/prisma/enums.js';

/** One upstream call's worth of work, already rendered to text. */
export interface UpstreamBatch {
  readonly model: string;
  readonly query: string;
  readonly documents: readonly string[];
  /** Set only when the upstream may cut (we still sort and cut ourselves). */
  readonly topN?: number;
  readonly maxTokensPerDoc?: number;
}

/** A scored document, `index` relative to the batch sent. */
export interface UpstreamScore {
  readonly index: number;
  readonly score: number;
}

export interface ParsedUpstreamResponse {
  readonly scores: UpstreamScore[];
  readonly usage?: Record<string, unknown>;
}

/**
 * Whose fault an error reply is. `input`: this request's documents (400 to the caller, not
 * an upstream failure); `payload-too-large`: the body exceeded the upstream's size limit
 * (the batch is split, a lone document is an input error); `upstream`: anything else.
 */
export type UpstreamErrorClass = 'input' | 'payload-too-large' | 'upstream';

/**
 * A rerank wire format: how to ask, how to read the answer, how to read an error.
 * Adding a provider is one file implementing this, registered in provider-catalog.ts.
 */
export interface ProviderAdapter {
  readonly providerType: ProviderType;
  /** The path new rerankers of this type call unless the creator names one; a function when the model is part of it. */
  readonly defaultApiPath: string | ((model: string) => string);
  /** Documents per upstream request unless the reranker sets maxDocumentsPerRequest. */
  readonly maxDocumentsPerRequest: number;
  buildRequestBody(batch: UpstreamBatch): Record<string, unknown>;
  /** Throws UpstreamFormatError when the body is not a valid answer. */
  parseResponse(body: unknown): ParsedUpstreamResponse;
  /** The human message inside an error body, if the format carries one. */
  errorMessage(body: unknown): string | undefined;
  /** Classifies a non-2xx reply (see UpstreamErrorClass). */
  classifyError(status: number, body: unknown): UpstreamErrorClass;
  /** Stored on new rerankers of this type unless the creator chooses. */
  readonly defaultScoreNormalization: ScoreNormalization;
  /** Estimated tokens per request when the reranker sets no maxTokensPerRequest; absent: no budget. */
  defaultMaxTokensPerRequest?(model: string): number;
  /** Headers the wire format itself requires (an API version); the reranker's extraHeaders may override them. */
  readonly requestHeaders?: Readonly<Record<string, string>>;
  /** Where the credential goes when the creator names no header; absent: `Authorization: Bearer <secret>`. */
  readonly credentialHeader?: CredentialHeaderDefaults;
  /** How the provider counts what it bills when its answer reports nothing; absent: it does not bill per search unit. */
  readonly billing?: ProviderBilling;
}

/** Tokens of a text, by some tokenizer or estimate. */
export type TokenCount = (text: string) => number;

/**
 * A provider's billing rule, applied to the documents of each upstream request actually
 * sent; `tokensOf` counts tokens (default: the estimate), so the same rule with the most
 * tokens a text can hold gives the most units the call could bill.
 */
export interface ProviderBilling {
  searchUnits(model: string, query: string, requests: ReadonlyArray<readonly string[]>, maxTokensPerDoc?: number, tokensOf?: TokenCount): number;
}

/** The adapter's default apiPath for `model` (see ProviderAdapter.defaultApiPath). */
export function defaultApiPathFor(adapter: ProviderAdapter, model: string): string {
  return typeof adapter.defaultApiPath === 'function' ? adapter.defaultApiPath(model) : adapter.defaultApiPath;
}

export interface CredentialHeaderDefaults {
  readonly headerName: string;
  readonly prefix: string;
}

/** The upstream answered, but not in a shape we can trust. */
export class UpstreamFormatError extends Error {
  override name = 'UpstreamFormatError';
}
