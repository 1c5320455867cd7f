/**
 * Pinecone rerank, verified against pinecone-io/pinecone-api `2025-04/inference_2025-04.oas.yaml`
 * (`POST /rerank`, security scheme `ApiKeyAuth`: header `Api-Key`; RerankRequest `{model, query,
 * top_n, return_documents (default true), rank_fields (default ["text"]), documents: [object],
 * parameters}`; RerankResult `{model, data: [{index, score, document?}], usage: {rerank_units}}`;
 * ErrorResponse `{error: {code, message}, status}` for 400 INVALID_ARGUMENT, 401
 * UNAUTHENTICATED, 500 UNKNOWN), the API-version header of the Node SDK
 * (@pinecone-database/pinecone, which also wraps string documents as `{text}`), and the model
 * guide (bge-reranker-v2-m3 / pinecone-rerank-v0: at most 100 documents per request).
 */
import { pineconeAdapter } from './pinecone.js';
import { UpstreamFormatError } from './provider-adapter.js';

describe('Pinecone adapter', () => {
  it('sends documents as {text} objects, top_n, and never asks for the documents back', () => {
    expect(pineconeAdapter.buildRequestBody({ model: 'bge-reranker-v2-m3', query: 'q', documents: ['a', 'b'], topN: 1, maxTokensPerDoc: 64 })).toEqual({
      model: 'bge-reranker-v2-m3',
      query: 'q',
      documents: [{ text: 'a' }, { text: 'b' }],
      top_n: 1,
      return_documents: false,
    });
    expect(pineconeAdapter.buildRequestBody({ model: 'm', query: 'q', documents: ['a'] })).not.toHaveProperty('top_n');
  });

  it('reads data[{index, score}] and the rerank units', () => {
    const parsed = pineconeAdapter.parseResponse({ model: 'm', data: [{ index: 1, score: 0.9, document: { text: 'b' } }], usage: { rerank_units: 1 } });
    expect(parsed).toEqual({ scores: [{ index: 1, score: 0.9 }], usage: { rerank_units: 1 } });
  });

  it.each([[{ results: [{ index: 1, relevance_score: 0.9 }] }], [{ data: [{ index: 1, relevance_score: 0.9 }] }]])('refuses %j', (body) => {
    expect(() => pineconeAdapter.parseResponse(body)).toThrow(UpstreamFormatError);
  });

  it('reads the documented error body', () => {
    const body = { error: { code: 'INVALID_ARGUMENT', message: 'Bad request. The request body included invalid request parameters.' }, status: 400 };
    expect(pineconeAdapter.errorMessage(body)).toBe('Bad request. The request body included invalid request parameters.');
    expect(pineconeAdapter.classifyError(400, body)).toBe('upstream');
  });

  it('declares its defaults: /rerank, 100 documents, the Api-Key header without prefix, the API version header', () => {
    expect(pineconeAdapter.defaultApiPath).toBe('/rerank');
    expect(pineconeAdapter.maxDocumentsPerRequest).toBe(100);
    expect(pineconeAdapter.defaultScoreNormalization).toBe('NONE');
    expect(pineconeAdapter.credentialHeader).toEqual({ headerName: 'Api-Key', prefix: '' });
    expect(pineconeAdapter.requestHeaders).toEqual({ 'X-Pinecone-API-Version': '2025-04' });
  });
});
