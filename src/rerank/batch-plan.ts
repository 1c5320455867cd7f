import { estimateTokens } from '../providers/token-estimate.js';

/** A slice of the caller's documents sent in one upstream request. */
export interface PlannedBatch {
  /** Index of the batch's first document among the caller's documents. */
  readonly start: number;
  readonly documents: readonly string[];
}

export interface BatchLimits {
  readonly maxDocuments: number;
  /** Estimated tokens of one request (query tokens x documents + document tokens); absent: no budget. */
  readonly maxTokens?: number;
}

/**
 * Consecutive batches within both limits. A document that alone exceeds the token budget
 * goes alone (the upstream truncates or refuses it; its neighbours are not held back).
 */
export function planBatches(query: string, documents: readonly string[], limits: BatchLimits): PlannedBatch[] {
  const queryTokens = estimateTokens(query);
  const budget = limits.maxTokens ?? Infinity;
  const batches: PlannedBatch[] = [];
  let start = 0;
  let tokens = 0;
  documents.forEach((document, index) => {
    const cost = queryTokens + estimateTokens(document);
    const count = index - start;
    if (count > 0 && (count >= limits.maxDocuments || tokens + cost > budget)) {
      batches.push({ start, documents: documents.slice(start, index) });
      start = index;
      tokens = 0;
    }
    tokens += cost;
  });
  if (documents.length > start) batches.push({ start, documents: documents.slice(start) });
  return batches;
}

/** Two halves of a batch (at least two documents), for an upstream that found it too large. */
export function halves(batch: PlannedBatch): [PlannedBatch, PlannedBatch] {
  const middle = Math.ceil(batch.documents.length / 2);
  return [
    { start: batch.start, documents: batch.documents.slice(0, middle) },
    { start: batch.start + middle, documents: batch.documents.slice(middle) },
  ];
}
