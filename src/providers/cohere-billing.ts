import type { ProviderBilling, TokenCount } from './provider-adapter.js';
import { estimateTokens } from './token-estimate.js';

/** "A single search unit is defined as one query with up to 100 documents to be ranked" (cohere.com/pricing). */
const DOCUMENTS_PER_SEARCH_UNIT = 100;
/** Cohere's v2 /rerank truncates each document to max_tokens_per_doc, 4096 unless the call sets it. */
const DEFAULT_MAX_TOKENS_PER_DOC = 4096;

/**
 * Tokens of one chunk, query and document part together, by model generation (Cohere's
 * "Best practices for using Rerank"): rerank-v4.0 32,764, v3.5 and v3.0 4,093, v2.0 510.
 * Unknown names count as the current default generation (v3.5).
 */
function chunkTokens(model: string): number {
  const major = Number(/v(\d+)[.-]/.exec(`${model}.`)?.[1] ?? 3);
  if (major >= 4) return 32_764;
  return major === 3 ? 4_093 : 510;
}

/**
 * Search units as Cohere bills them when the answer reports none: per upstream request,
 * one unit per started 100 documents, where a document longer than what a chunk leaves
 * beside the query is chunked and each chunk counts as a document. Tokens are estimated
 * without Cohere's tokenizer (batch-plan's estimate, on the high side); Cohere truncates a
 * long query (to 256 of 510 tokens in v2, 2,048 of 4,096 in v3), so it takes at most half a chunk.
 * With `tokensOf` the most tokens a text can be (maxTokens), it gives the most units a call
 * can be billed.
 */
export function cohereSearchUnits(
  model: string,
  query: string,
  requests: ReadonlyArray<readonly string[]>,
  maxTokensPerDoc?: number,
  tokensOf: TokenCount = estimateTokens,
): number {
  const chunk = chunkTokens(model);
  const room = chunk - Math.min(tokensOf(query), Math.floor(chunk / 2));
  const perDocument = maxTokensPerDoc ?? DEFAULT_MAX_TOKENS_PER_DOC;
  const chunksOf = (document: string) => Math.max(1, Math.ceil(Math.min(tokensOf(document), perDocument) / room));
  return requests.reduce((units, documents) => {
    const chunks = documents.reduce((sum, document) => sum + chunksOf(document), 0);
    return units + Math.ceil(chunks / DOCUMENTS_PER_SEARCH_UNIT);
  }, 0);
}

/** Cohere bills per search unit; its rule also defines the unit for rerankers priced per search unit elsewhere. */
export const cohereBilling: ProviderBilling = { searchUnits: cohereSearchUnits };
