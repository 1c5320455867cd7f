import cohere from 'cohere-ai';
import { as, createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The official cohere-ai SDK, unchanged, pointed at this service with `environment`. */
describe('cohere-ai SDK against the compatible endpoints', () => {
  let t: TestApp;
  let member: Actor;
  let upstream: FakeUpstream;
  let baseUrl: string;
  let rerankerId: string;

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    member = await createActor(t.server, await initRoot(t.server));
    upstream = await FakeUpstream.start('TEI');
    const created = await as(t.server, member)
      .post('/v1/rerankers')
      .send(rerankerBody({ providerType: 'TEI', endpointUrl: upstream.url }))
      .expect(201);
    rerankerId = created.body.rerankerId;
  });

  afterAll(async () => {
    await t.close();
    await upstream.close();
  });

  const documents = ['low score=0.1', 'high score=0.9', 'mid score=0.5'];

  it('CohereClient.rerank (v1) works unchanged', async () => {
    const client = new cohere.CohereClient({ token: member.key, environment: baseUrl });
    const response = await client.rerank({ model: rerankerId, query: 'q', documents, topN: 2, returnDocuments: true });
    expect(response.results.map((r) => [r.index, r.relevanceScore])).toEqual([
      [1, 0.9],
      [2, 0.5],
    ]);
    expect(response.results[0]!.document?.text).toBe('high score=0.9');
  });

  it('CohereClientV2.rerank works unchanged', async () => {
    const client = new cohere.CohereClientV2({ token: member.key, environment: baseUrl });
    const response = await client.rerank({ model: rerankerId, query: 'q', documents, topN: 3 });
    expect(response.results.map((r) => r.index)).toEqual([1, 2, 0]);
    expect(response.id).toEqual(expect.any(String));
  });

  it("surfaces the service's error message through the SDK", async () => {
    const client = new cohere.CohereClientV2({ token: 'rrk_wrong', environment: baseUrl });
    await expect(client.rerank({ model: rerankerId, query: 'q', documents })).rejects.toMatchObject({
      statusCode: 401,
      body: { code: 'UNAUTHENTICATED', message: expect.any(String) },
    });
  });
});
