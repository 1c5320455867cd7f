/**
 * Tokens of a text without the model's tokenizer: one per 3 characters, on the safe side
 * of the usual 4 for English (code, numbers and other languages run denser).
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3);
}

/** Query and document tokens of every pair of these upstream requests, estimated. */
export function estimatePairTokens(query: string, requests: ReadonlyArray<readonly string[]>): number {
  const queryTokens = estimateTokens(query);
  return requests.reduce((sum, documents) => sum + documents.reduce((tokens, document) => tokens + queryTokens + estimateTokens(document), 0), 0);
}

/**
 * Tokens a pair can carry beside its own text: special tokens, and the prompt template some
 * rerankers wrap every pair in (an LLM reranker's instruction runs to about a hundred).
 */
const TEMPLATE_TOKENS_PER_PAIR = 256;

/**
 * The most tokens a text can be: every tokenizer in use (byte-level BPE, WordPiece,
 * SentencePiece with byte fallback) makes at most one token of each UTF-8 byte.
 */
export function maxTokens(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The most tokens the pairs of these requests can be billed for: an upstream reporting more is not believed. */
export function maxPairTokens(query: string, requests: ReadonlyArray<readonly string[]>): number {
  const queryTokens = maxTokens(query) + TEMPLATE_TOKENS_PER_PAIR;
  return requests.reduce((sum, documents) => sum + documents.reduce((tokens, document) => tokens + queryTokens + maxTokens(document), 0), 0);
}
