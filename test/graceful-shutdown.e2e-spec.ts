import { as, createActor, initRoot } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { rerankerBody } from './support/reranker-bodies.js';
import { startTestApp } from './support/test-app.js';

describe('graceful shutdown', () => {
  it('finishes an in-flight request, refuses new connections, then closes the database', async () => {
    const t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    const upstream = await FakeUpstream.start('VLLM');
    try {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const url = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
      const member = await createActor(t.server, await initRoot(t.server));
      const created = await as(t.server, member).post('/v1/rerankers').send(rerankerBody({ providerType: 'VLLM', endpointUrl: upstream.url })).expect(201);
      upstream.fail({ kind: 'slow', delayMs: 400 });

      const inFlight = fetch(`${url}/v1/rerankers/${created.body.rerankerId}/rerank`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': member.key, connection: 'close' },
        body: JSON.stringify({ query: 'q', documents: ['a score=0.5'] }),
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const closing = t.app.close();

      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(((await response.json()) as { results: unknown }).results).toEqual([{ index: 0, relevanceScore: 0.5, document: 'a score=0.5' }]);
      await closing;
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      await upstream.close();
      await t.database.drop();
    }
  });
});
