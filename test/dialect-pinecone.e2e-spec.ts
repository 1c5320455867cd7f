import { Errors, Pinecone } from '@pinecone-database/pinecone';
import { expectedRanking, startDialectHarness, TEXTS, WRONG_KEY, type DialectHarness } from './support/dialect-harness.js';

/**
 * @pinecone-database/pinecone 8 (unmodified) with `controllerHostUrl` on the service:
 * `inference.rerank()` posts `{host}/rerank` with the key in `Api-Key`, an
 * `X-Pinecone-API-Version` header, documents as `{text}` objects, `top_n`, `rank_fields` and
 * `parameters`; it reads `data[{index, score, document}]` and `usage.rerank_units`. It shows
 * a fixed text for 401 and 404, its body's `message` otherwise.
 */
describe('Pinecone dialect: @pinecone-database/pinecone', () => {
  let h: DialectHarness;
  const client = (apiKey = h.member.key) => new Pinecone({ apiKey, controllerHostUrl: h.base });

  beforeAll(async () => {
    h = await startDialectHarness();
  });

  afterAll(() => h.close());

  beforeEach(() => h.upstream.clear());

  it.each([
    ['by reranker id', () => h.rerankerId],
    ['by alias name', () => h.alias],
  ])('reranks %s, top_n, documents echoed as objects', async (_how, model) => {
    const answer = await client().inference.rerank({ model: model(), query: 'capital cities', documents: TEXTS, topN: 2 });
    expect(answer.data.map((d) => [d.index, d.score])).toEqual(expectedRanking(TEXTS, 2));
    expect(answer.data.map((d) => d.document)).toEqual([{ text: TEXTS[1] }, { text: TEXTS[3] }]);
    expect(answer.model).toBe('BAAI/bge-reranker-base');
    expect(answer.usage.rerankUnits).toBe(1);
  });

  it('ranks object documents by rankFields, parameters accepted', async () => {
    const documents = TEXTS.map((body, i) => ({ title: `doc ${i}`, body }));
    const answer = await client().inference.rerank({ model: h.alias, query: 'q', documents, rankFields: ['body'], returnDocuments: false, parameters: { truncate: 'END' } });
    expect(answer.data.map((d) => d.index)).toEqual(expectedRanking(TEXTS).map(([index]) => index));
    expect(answer.data[0]!.document).toBeUndefined();
    expect(h.upstream.requests[0]!.body.documents).toEqual(TEXTS);
  });

  it('shows our message for an unknown model (400, as Pinecone answers one) and its own text for a wrong key', async () => {
    const unknown = await client()
      .inference.rerank({ model: 'bge-reranker-v2-m3', query: 'q', documents: TEXTS })
      .catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(Errors.PineconeBadRequestError);
    expect((unknown as Error).message).toBe('No reranker id, alias name or reranker modelIdentifier of yours is "bge-reranker-v2-m3"');
    const refused = await client(WRONG_KEY)
      .inference.rerank({ model: h.alias, query: 'q', documents: TEXTS })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Errors.PineconeAuthorizationError);
    expect((refused as Error).message).toContain(`The API key you provided was rejected while calling ${h.base}/rerank`);
  });
});
