import { adapterFor } from './provider-catalog.js';
import { UpstreamFormatError, type UpstreamBatch } from './provider-adapter.js';

const batch: UpstreamBatch = { model: 'm', query: 'q', documents: ['a', 'b'], topN: 1, maxTokensPerDoc: 512 };

describe('provider adapters', () => {
  it('builds each wire format', () => {
    expect(adapterFor('COHERE').buildRequestBody(batch)).toEqual({ model: 'm', query: 'q', documents: ['a', 'b'], top_n: 1, max_tokens_per_doc: 512 });
    expect(adapterFor('JINA').buildRequestBody(batch)).toEqual({ model: 'm', query: 'q', documents: ['a', 'b'], top_n: 1, return_documents: false });
    expect(adapterFor('VOYAGE').buildRequestBody(batch)).toEqual({ model: 'm', query: 'q', documents: ['a', 'b'], top_k: 1, return_documents: false });
    expect(adapterFor('TEI').buildRequestBody(batch)).toEqual({ query: 'q', texts: ['a', 'b'], truncate: true, return_text: false });
    expect(adapterFor('VLLM').buildRequestBody(batch)).toEqual({ model: 'm', query: 'q', documents: ['a', 'b'], top_n: 1, truncate_prompt_tokens: 512 });
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

  it('vLLM: asks for truncation to the model length when no maxTokensPerDoc is given, never sends max_tokens_per_doc', () => {
    expect(adapterFor('VLLM').buildRequestBody({ model: 'm', query: 'q', documents: ['a'] })).toEqual({
      model: 'm',
      query: 'q',
      documents: ['a'],
      truncate_prompt_tokens: -1,
    });
  });

  it.each([
    ['LLAMA_CPP', 500, { error: { code: 500, message: 'input (600 tokens) is too large to process. increase the physical batch size (current batch size: 512)', type: 'server_error' } }, 'input'],
    ['LLAMA_CPP', 500, { error: { code: 500, message: 'failed to decode', type: 'server_error' } }, 'upstream'],
    ['LLAMA_CPP', 501, { error: { code: 501, message: 'This server does not support reranking', type: 'not_supported_error' } }, 'upstream'],
    ['VLLM', 400, { error: { message: "This model's maximum context length is 512 tokens. However, you requested 600 tokens", type: 'BadRequestError', code: 400 } }, 'input'],
    ['VLLM', 400, { object: 'error', message: "This model's maximum context length is 512 tokens.", type: 'BadRequestError', code: 400 }, 'input'],
    ['VLLM', 404, { error: { message: 'The model `x` does not exist.', type: 'NotFoundError', code: 404 } }, 'upstream'],
    ['TEI', 413, 'Failed to buffer the request body: length limit exceeded', 'payload-too-large'],
    ['TEI', 422, { error: 'batch size 33 > maximum allowed batch size 32', error_type: 'Validation' }, 'upstream'],
    ['COHERE', 500, { message: 'internal' }, 'upstream'],
  ] as const)('classifies a %s %i error reply', (provider, status, body, expected) => {
    expect(adapterFor(provider).classifyError(status, body)).toBe(expected);
  });

  it('declares the score normalization and token budget defaults', () => {
    expect(adapterFor('LLAMA_CPP').defaultScoreNormalization).toBe('SIGMOID');
    for (const provider of ['COHERE', 'JINA', 'VOYAGE', 'TEI', 'VLLM', 'OPENAI'] as const) {
      expect(adapterFor(provider).defaultScoreNormalization).toBe('NONE');
      if (provider !== 'VOYAGE') expect(adapterFor(provider).defaultMaxTokensPerRequest).toBeUndefined();
    }
    expect(adapterFor('VOYAGE').defaultMaxTokensPerRequest?.('rerank-2.5')).toBe(600_000);
    expect(adapterFor('VOYAGE').defaultMaxTokensPerRequest?.('rerank-1')).toBe(300_000);
    expect(adapterFor('VOYAGE').defaultMaxTokensPerRequest?.('some-future-model')).toBe(300_000);
  });
});
