/**
 * Vertex AI ranking API (Discovery Engine v1 `RankService.Rank`), as verified against
 * Google's reference for RankRequest / RankingRecord / RankResponse (client library docs
 * for .NET, Ruby, PHP and Node, v1 and v1beta):
 * - `POST https://discoveryengine.googleapis.com/v1/{rankingConfig=projects/*\/locations/*\/rankingConfigs/*}:rank`,
 *   rankingConfig usually `.../rankingConfigs/default_ranking_config`; Bearer OAuth token
 *   (cloud-platform scope), `x-goog-user-project` for the quota project.
 * - Body (proto3 JSON, camelCase): `model` (e.g. `semantic-ranker-default@latest`; default
 *   `semantic-ranker-512@latest`), `query`, `records: [{id, title?, content?}]` ("at most 200
 *   records"; a record with neither title nor content is INVALID_ARGUMENT), `topN` ("unset or
 *   no bigger than zero returns all"), `ignoreRecordDetailsInResponse` ("only record ID and
 *   score").
 * - Answer: `{records: [{id, score}]}` "sorted by descending score"; proto3 JSON omits
 *   defaults, so an absent score is 0 and absent records an empty list.
 * - Errors: `{error: {code, message, status}}` (google.rpc.Status), e.g. 400
 *   INVALID_ARGUMENT, 403 PERMISSION_DENIED, 429 RESOURCE_EXHAUSTED.
 */
import { UpstreamFormatError } from './provider-adapter.js';
import { adapterFor } from './provider-catalog.js';

const vertex = adapterFor('VERTEX_AI');

describe('VERTEX_AI adapter', () => {
  it('sends records with our batch indices as ids, topN, and asks for ids and scores only', () => {
    expect(vertex.buildRequestBody({ model: 'semantic-ranker-default@latest', query: 'q', documents: ['a', 'b'], topN: 1, maxTokensPerDoc: 9 })).toEqual({
      model: 'semantic-ranker-default@latest',
      query: 'q',
      records: [
        { id: '0', content: 'a' },
        { id: '1', content: 'b' },
      ],
      topN: 1,
      ignoreRecordDetailsInResponse: true,
    });
  });

  it('batches at most 200 records and appends the ranking config method to the endpoint', () => {
    expect(vertex.maxDocumentsPerRequest).toBe(200);
    expect(vertex.defaultApiPath).toBe('/default_ranking_config:rank');
  });

  it('reads ids back as indices, an absent score as 0 and absent records as none', () => {
    expect(vertex.parseResponse({ records: [{ id: '1', score: 0.91 }, { id: '0' }] }).scores).toEqual([
      { index: 1, score: 0.91 },
      { index: 0, score: 0 },
    ]);
    expect(vertex.parseResponse({}).scores).toEqual([]);
  });

  it.each([
    [{ records: {} }],
    [{ records: [{ id: 'doc-1', score: 0.5 }] }],
    [{ records: [{ id: '01', score: 0.5 }] }],
    [{ records: [{ id: 1, score: 0.5 }] }],
    [{ records: [{ id: '1', score: '0.5' }] }],
    ['<html>'],
  ])('refuses a malformed answer %j', (body) => {
    expect(() => vertex.parseResponse(body)).toThrow(UpstreamFormatError);
  });

  it("reads Google's error body", () => {
    const body = { error: { code: 403, message: 'Permission denied on resource project p.', status: 'PERMISSION_DENIED' } };
    expect(vertex.errorMessage(body)).toBe('Permission denied on resource project p.');
    expect(vertex.classifyError(403, body)).toBe('upstream');
  });
});
