import type { RerankDocument } from '../document-text.js';
import type { RerankOutcome } from '../rerank.service.js';

interface OutcomeMeta {
  providerType: string;
  upstreamLatencyMs: number;
  upstreamRequests: number;
}

export interface RerankResponse {
  rerankerId: string;
  model: string;
  results: Array<{ index: number; relevanceScore: number; document?: RerankDocument }>;
  usage?: Record<string, unknown>;
  meta: OutcomeMeta;
}

function meta(outcome: RerankOutcome): OutcomeMeta {
  return { providerType: outcome.providerType, upstreamLatencyMs: outcome.upstreamLatencyMs, upstreamRequests: outcome.upstreamRequests };
}

/** Native shape; documents are echoed from the caller's input, never from the upstream. */
export function toRerankResponse(outcome: RerankOutcome, documents: readonly RerankDocument[], returnDocuments: boolean): RerankResponse {
  return {
    rerankerId: outcome.rerankerId,
    model: outcome.model,
    results: outcome.results.map(({ index, score }) => ({
      index,
      relevanceScore: score,
      ...(returnDocuments ? { document: documents[index] } : {}),
    })),
    ...(outcome.usage ? { usage: outcome.usage } : {}),
    meta: meta(outcome),
  };
}

/** Jina / Cohere v1 shape: snake_case, `document: { text }` for string documents. */
export function toCompatV1Response(outcome: RerankOutcome, id: string, documents: readonly RerankDocument[], returnDocuments: boolean) {
  return {
    id,
    model: outcome.model,
    results: outcome.results.map(({ index, score }) => ({
      index,
      relevance_score: score,
      ...(returnDocuments ? { document: asDocumentObject(documents[index]!) } : {}),
    })),
    usage: outcome.usage ?? {},
    meta: { api_version: { version: '1' }, ...meta(outcome) },
  };
}

/** Cohere v2 shape. */
export function toCohereV2Response(outcome: RerankOutcome, id: string) {
  return {
    id,
    results: outcome.results.map(({ index, score }) => ({ index, relevance_score: score })),
    meta: { api_version: { version: '2' }, ...meta(outcome) },
  };
}

function asDocumentObject(document: RerankDocument): Record<string, unknown> {
  return typeof document === 'string' ? { text: document } : document;
}
