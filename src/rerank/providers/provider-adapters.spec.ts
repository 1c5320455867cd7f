import { adapterFor } from './provider-catalog.js';
import { UpstreamFormatError, type UpstreamBatch } from './provider-adapter.js';

const batch: UpstreamBatch = { model: 'm', query: 'q', documents: ['a', 'b'], topN: 1, maxTokensPerDoc: 512 };

describe('provider adapters', () => {
  it('builds each wire format', () => {
    expect(adapterFor('COHERE').buildRequestBody(batch)).toEqual({ model: 'm', query: 'q', documents: ['a', 'b'], top_n: 1, max_tokens_per_doc: 512 });
    expect(adapterFor('JINA').buildRequestBody(batch)).toEqual({ model: 'm', query: 'q', documents: ['a', 'b'], top_n: 1, return_documents: false });
    expect(adapterFor('VOYAGE').buildRequestBody(batch)).toEqual({ model: 'm', query: 'q', documents: ['a', 'b'], top_k: 1, return_documents: false });
    expect(adapterFor('TEI').buildRequestBody(batch)).toEqual({ query: 'q', texts: ['a', 'b'], truncate: true, return_text: false });
    expect(adapterFor('VLLM').buildRequestBody(batch)).toEqual({ model: 'm', query: 'q', documents: ['a', 'b'], top_n: 1, max_tokens_per_doc: 512 });
    expect(adapterFor('LLAMA_CPP').buildRequestBody(batch)).toEqual({ model: 'm', query: 'q', documents: ['a', 'b'], top_n: 1 });
    expect(adapterFor('OPENAI').buildRequestBody(batch)).toEqual({ model: 'm', query: 'q', documents: ['a', 'b'], top_n: 1, return_documents: false });
  });

  it('sends Cohere v2 no field it did not set', () => {
    expect(adapterFor('COHERE').buildRequestBody({ model: 'm', query: 'q', documents: ['a'] })).toEqual({ model: 'm', query: 'q', documents: ['a'] });
  });

  it.each([
    ['COHERE', { id: 'x', results: [{ index: 1, relevance_score: 0.9 }], meta: { billed_units: { search_units: 1 } } }],
    ['JINA', { model: 'm', usage: { total_tokens: 5 }, results: [{ index: 1, relevance_score: 0.9, document: { text: 'b' } }] }],
    ['VOYAGE', { object: 'list', data: [{ index: 1, relevance_score: 0.9 }], usage: { total_tokens: 5 } }],
    ['TEI', [{ index: 1, score: 0.9 }]],
    ['VLLM', { id: 'x', model: 'm', usage: { total_tokens: 5 }, results: [{ index: 1, document: { text: 'b' }, relevance_score: 0.9 }] }],
    ['LLAMA_CPP', { model: 'm', object: 'list', usage: { prompt_tokens: 5 }, results: [{ index: 1, relevance_score: 0.9 }] }],
    ['OPENAI', { data: [{ index: 1, score: 0.9 }] }],
    ['OPENAI', [{ index: 1, relevance_score: 0.9 }]],
  ] as const)('reads a %s answer', (provider, body) => {
    expect(adapterFor(provider).parseResponse(body).scores).toEqual([{ index: 1, score: 0.9 }]);
  });

  it('passes the reported usage through', () => {
    expect(adapterFor('JINA').parseResponse({ results: [], usage: { total_tokens: 7 } }).usage).toEqual({ total_tokens: 7 });
  });

  it.each([
    ['COHERE', { results: 'nope' }],
    ['COHERE', { results: [{ index: '1', relevance_score: 0.5 }] }],
    ['COHERE', { results: [{ index: 1.5, relevance_score: 0.5 }] }],
    ['JINA', { results: [{ index: 1, relevance_score: 'high' }] }],
    ['JINA', { results: [{ index: 1, relevance_score: null }] }],
    ['TEI', { error: 'x' }],
    ['VOYAGE', { results: [{ index: 1, relevance_score: 0.5 }] }],
    ['VLLM', 'plain text'],
  ] as const)('refuses a malformed %s answer', (provider, body) => {
    expect(() => adapterFor(provider).parseResponse(body)).toThrow(UpstreamFormatError);
  });

  it.each([
    [{ message: 'bad model' }, 'bad model'],
    [{ detail: 'quota' }, 'quota'],
    [{ error: 'Input validation error', error_type: 'Validation' }, 'Input validation error'],
    [{ error: { message: 'oops', type: 'x' } }, 'oops'],
    [{ detail: [{ msg: 'field required' }] }, 'field required'],
    [{ nothing: true }, undefined],
  ])('reads the error message of %j', (body, message) => {
    expect(adapterFor('OPENAI').errorMessage(body)).toBe(message);
  });

  it('declares the documented defaults', () => {
    expect(adapterFor('TEI').maxDocumentsPerRequest).toBe(32);
    expect(adapterFor('COHERE').defaultApiPath).toBe('/v2/rerank');
    expect(adapterFor('JINA').defaultApiPath).toBe('/v1/rerank');
  });
});
