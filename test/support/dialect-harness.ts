import request from 'supertest';
import { as, createActor, initRoot, type Actor } from './actors.js';
import { FakeUpstream, scoreOf } from './fake-upstream.js';
import { rerankerBody } from './reranker-bodies.js';
import { startTestApp, type TestApp } from './test-app.js';

/** A key that was never issued: the wrong key every dialect test tries. */
export const WRONG_KEY = 'rrk_wrong';

/**
 * What every client dialect test runs against: the service listening on 127.0.0.1, a member
 * with a key, one reranker on a fake vLLM upstream (modelIdentifier BAAI/bge-reranker-base)
 * and an alias over it, so a client can name the reranker by id or by name; the fake scores
 * `score=<n>` inside a text, so the expected ranking is known.
 */
export interface DialectHarness {
  readonly t: TestApp;
  /** The service's base URL, e.g. http://127.0.0.1:PORT. */
  readonly base: string;
  readonly member: Actor;
  readonly upstream: FakeUpstream;
  readonly rerankerId: string;
  readonly alias: string;
  /** A new key of the member's, with whatever else the body says (a defaultModel). */
  key(body?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export const TEXTS = ['Paris is in France. score=0.31', 'Berlin is in Germany. score=0.87', 'Cows eat grass. score=0.05', 'Rome is in Italy. score=0.64'];

/** The fake's ranking of `rendered` (what was sent upstream) as [index, score], best first, cut to topN. */
export function expectedRanking(rendered: readonly string[], topN = rendered.length): Array<[number, number]> {
  return rendered
    .map((text, index): [number, number] => [index, scoreOf(text)])
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, topN);
}

export async function startDialectHarness(alias = 'team-reranker'): Promise<DialectHarness> {
  const t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  const member = await createActor(t.server, await initRoot(t.server));
  const upstream = await FakeUpstream.start('VLLM');
  const created = await as(t.server, member)
    .post('/v1/rerankers')
    .send(rerankerBody({ providerType: 'VLLM', endpointUrl: upstream.url, modelIdentifier: 'BAAI/bge-reranker-base' }))
    .expect(201);
  const rerankerId = created.body.rerankerId as string;
  await as(t.server, member).post('/v1/aliases').send({ name: alias, targets: [{ rerankerId }] }).expect(201);
  return {
    t,
    base,
    member,
    upstream,
    rerankerId,
    alias,
    key: async (body = {}) => (await request(t.server).post('/v1/apikeys').set('x-api-key', member.key).send(body).expect(201)).body.rawApiKey as string,
    close: async () => {
      await t.close();
      await upstream.close();
    },
  };
}
