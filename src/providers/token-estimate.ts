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
