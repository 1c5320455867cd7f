/**
 * NVIDIA NIM reranking, verified against NVIDIA's "Use NeMo Retriever Text Reranking NIM" docs
 * (docs.nvidia.com/nim/nemo-retriever/text-reranking, 1.x and 2.x): `POST /v1/ranking` with
 * `{model, query: {text}, passages: [{text}], truncate: "END" | "NONE"}` answering
 * `{rankings: [{index, logit}]}` sorted by logit (raw: -1.24, -3.03, ...), no top_n; "a request
 * can include up to 512 passages" (2.x); an over-long pair with truncate NONE answers 400
 * (uvicorn log in NVIDIA/nim-anywhere#58) or, in newer containers, 422 with
 * `{object: "error", message: "Input length N exceeds maximum allowed token size M"}`
 * (langchain-ai/langchain-nvidia#299). The hosted API catalog takes the same body at
 * `https://ai.api.nvidia.com/v1/retrieval/nvidia/<model>/reranking` with `Authorization: Bearer nvapi-...`.
 */
import { nvidiaNimAdapter } from './nvidia-nim.js';
import { UpstreamFormatError } from './provider-adapter.js';

describe('NVIDIA NIM adapter', () => {
  it('sends the query and passages as text objects, always truncating at the end, without top_n', () => {
    expect(nvidiaNimAdapter.buildRequestBody({ model: 'nvidia/llama-3.2-nv-rerankqa-1b-v2', query: 'q', documents: ['a', 'b'], topN: 1, maxTokensPerDoc: 64 })).toEqual({
      model: 'nvidia/llama-3.2-nv-rerankqa-1b-v2',
      query: { text: 'q' },
      passages: [{ text: 'a' }, { text: 'b' }],
      truncate: 'END',
    });
  });

  it('reads the logits of the documented answer', () => {
    const body = { rankings: [{ index: 0, logit: -1.2421875 }, { index: 3, logit: -3.029296875 }] };
    expect(nvidiaNimAdapter.parseResponse(body).scores).toEqual([{ index: 0, score: -1.2421875 }, { index: 3, score: -3.029296875 }]);
  });

  it.each([[{ results: [{ index: 0, relevance_score: 0.5 }] }], [{ rankings: [{ index: 0, score: 0.5 }] }], [[{ index: 0, logit: 1 }]]])('refuses %j', (body) => {
    expect(() => nvidiaNimAdapter.parseResponse(body)).toThrow(UpstreamFormatError);
  });

  it.each([
    [400, { object: 'error', message: 'Input length 1024 exceeds maximum allowed token size 512' }, 'input'],
    [422, { object: 'error', message: 'Input length 12007 exceeds maximum allowed token size 8192', type: 'invalid_request_error' }, 'input'],
    [422, { detail: [{ msg: 'Field required' }] }, 'upstream'],
    [500, { object: 'error', message: 'Triton error' }, 'upstream'],
  ] as const)('classifies a %i reply', (status, body, expected) => {
    expect(nvidiaNimAdapter.classifyError(status, body)).toBe(expected);
    expect(nvidiaNimAdapter.errorMessage(body)).toBeDefined();
  });

  it('declares its defaults: /v1/ranking, 512 passages, SIGMOID for raw logits, Bearer credential', () => {
    expect(nvidiaNimAdapter.defaultApiPath).toBe('/v1/ranking');
    expect(nvidiaNimAdapter.maxDocumentsPerRequest).toBe(512);
    expect(nvidiaNimAdapter.defaultScoreNormalization).toBe('SIGMOID');
    expect(nvidiaNimAdapter.credentialHeader).toBeUndefined();
  });
});
