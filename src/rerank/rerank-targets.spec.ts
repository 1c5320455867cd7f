import { pino } from 'pino';
import { Principal } from '../auth/principal.js';
import type { Invalidation, InvalidationBus } from '../database/invalidation-bus.js';
import { AppConfig } from '../config/app-config.js';
import type { Reranker } from '../generated/prisma/client.js';
import type { MetricsService } from '../metrics/metrics.service.js';
import { credentialMetadata } from '../credentials/credential.js';
import { CredentialCipher } from '../credentials/credential-cipher.js';
import { CredentialFingerprinter } from '../credentials/credential-fingerprint.js';
import { CredentialPolicy } from '../credentials/credential-policy.js';
import { SecretSource } from '../credentials/secret-source.js';
import type { GcpTokenSource } from '../credentials/gcp-token-source.js';
import { CredentialResolver } from '../credentials/credential-resolver.js';
import type { RerankersService } from '../rerankers/rerankers.service.js';
import { PriceList } from '../usage/price-list.js';
import { RerankTargets } from './rerank-targets.js';
import type { RerankTarget, UpstreamTarget } from './rerank-types.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
const config = AppConfig.fromEnv({ SECRETS_ENCRYPTION_KEY: `k:${KEY}`, SECRETS_FINGERPRINT_KEY: KEY, DATA_DIR: '/nonexistent' });
const cipher = new CredentialCipher(config);
const ID = '00000000-0000-4000-8000-000000000001';
const OWNER = '00000000-0000-4000-8000-0000000000aa';
const owner = new Principal(OWNER, 'MEMBER', 'key');

function row(secret: string): Reranker {
  const credential = { kind: 'CREDENTIAL_KIND_API_KEY', headerName: 'Authorization', prefix: 'Bearer ', source: { inlineSecret: secret } } as const;
  const sealed = cipher.encrypt(secret, { rerankerId: ID, ownerId: OWNER });
  return {
    id: ID,
    ownerId: OWNER,
    providerType: 'COHERE',
    endpointUrl: 'https://rerank.example.com',
    apiPath: '/v2/rerank',
    modelIdentifier: 'm',
    supportedModalities: ['TEXT'],
    credentials: credentialMetadata(credential),
    credentialsCiphertext: sealed.ciphertext,
    credentialsKeyId: sealed.keyId,
    extraHeaders: null,
    requestTimeoutMs: null,
    maxDocumentsPerRequest: null,
    pricing: null,
  } as unknown as Reranker;
}

/** Targets over this registry, with a resolver that counts what it materializes. */
function targetsOn(registry: Pick<RerankersService, 'findStored'>, bus: Bus = new Bus()): { targets: RerankTargets; materialized: () => number } {
  const metrics = { registerCache: () => undefined } as unknown as MetricsService;
  const resolver = new CredentialResolver(cipher, new SecretSource(config, pino({ level: 'silent' })), tokens, noAwsCredentials);
  let count = 0;
  const materialize = resolver.materialize.bind(resolver);
  resolver.materialize = (stored) => {
    count++;
    return materialize(stored);
  };
  const policy = new CredentialPolicy(cipher, new CredentialFingerprinter(config), config);
  const targets = new RerankTargets(registry as RerankersService, resolver, new PriceList(config), policy, config, bus as unknown as InvalidationBus, metrics);
  return { targets, materialized: () => count };
}

/** Hands out numbered tokens and records the scopes asked for. */
class FakeTokenSource implements GcpTokenSource {
  readonly asked: Array<readonly string[]> = [];
  accessToken(scopes: readonly string[]): Promise<string> {
    this.asked.push(scopes);
    return Promise.resolve(`ya29.token-${this.asked.length}`);
  }
}
const tokens = new FakeTokenSource();
const noAwsCredentials = { credentials: () => Promise.reject(new Error('not used here')) };

/** The registry's lookups, their reads held open until the test releases them, one at a time. */
class HeldRegistry {
  stored: Reranker | null = row('old-secret');
  reads = 0;
  private pending: Array<() => void> = [];

  findStored(_id: string): Promise<Reranker | undefined> {
    return this.findById().then((found) => found ?? undefined);
  }

  findById(): Promise<Reranker | null> {
    this.reads++;
    const snapshot = this.stored;
    return new Promise((resolve) => this.pending.push(() => resolve(snapshot)));
  }

  release(): void {
    this.pending.shift()?.();
  }
}

class Bus {
  private listener: ((event: Invalidation) => void) | undefined;
  subscribe(listener: (event: Invalidation) => void): () => void {
    this.listener = listener;
    return () => undefined;
  }
  publish(event: Invalidation): void {
    this.listener?.(event);
  }
}

describe('RerankTargets: eviction wins over a concurrent fill', () => {
  let repository: HeldRegistry;
  let bus: Bus;
  let targets: RerankTargets;
  let materialized: () => number;

  beforeEach(() => {
    repository = new HeldRegistry();
    bus = new Bus();
    ({ targets, materialized } = targetsOn(repository, bus));
  });

  /** Starts a resolve, lets `during` run while its database read is held open, then releases it. */
  async function resolveAround(during: () => void): Promise<string | undefined> {
    const loading = targets.resolve(owner, ID, 'EXECUTE');
    await Promise.resolve();
    during();
    repository.release();
    return upstream(await loading).headers.authorization;
  }

  async function resolveNow(): Promise<string | undefined> {
    const loading = targets.resolve(owner, ID, 'EXECUTE');
    setImmediate(() => repository.release());
    return upstream(await loading).headers.authorization;
  }

  it.each<[string, Invalidation]>([
    ['an update of that reranker', { kind: 'reranker', id: ID, ownerId: OWNER }],
    ['a flush of everything', { kind: 'all' }],
  ])('does not cache the old target when %s lands during its load', async (_case, event) => {
    const loaded = await resolveAround(() => {
      repository.stored = row('new-secret');
      bus.publish(event);
    });
    expect(loaded).toBe('Bearer old-secret');
    expect(await resolveNow()).toBe('Bearer new-secret');
    expect(repository.reads).toBe(2);
  });

  it('does not cache a deleted reranker loaded during the delete', async () => {
    await resolveAround(() => {
      repository.stored = null;
      bus.publish({ kind: 'reranker', id: ID, ownerId: OWNER });
    });
    await expect(resolveNow()).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('builds once for concurrent cold calls: one decryption shared, each caller checked on its own read', async () => {
    const stranger = new Principal('00000000-0000-4000-8000-0000000000bb', 'MEMBER', 'other');
    const calls = [targets.resolve(owner, ID, 'EXECUTE'), targets.resolve(owner, ID, 'EXECUTE'), targets.resolve(stranger, ID, 'EXECUTE')];
    for (let i = 0; i < calls.length; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      repository.release();
    }
    const [first, second, third] = await Promise.allSettled(calls);
    expect(first).toMatchObject({ status: 'fulfilled', value: { headers: { authorization: 'Bearer old-secret' } } });
    expect(second).toMatchObject({ status: 'fulfilled' });
    expect(third).toMatchObject({ status: 'rejected', reason: { code: 'NOT_FOUND' } });
    expect(materialized()).toBe(1);
  });

  it('caches a load that no eviction raced: the next resolve reads nothing', async () => {
    await resolveAround(() => undefined);
    expect(await targets.resolve(owner, ID, 'EXECUTE')).toMatchObject({ headers: { authorization: 'Bearer old-secret' } });
    expect(repository.reads).toBe(1);
  });
});

describe('RerankTargets: GCP ADC credentials', () => {
  const gcpRow = (quotaProjectId?: string): Reranker =>
    ({
      ...row('unused'),
      providerType: 'VERTEX_AI',
      credentials: credentialMetadata({ kind: 'CREDENTIAL_KIND_GCP_ADC', scopes: ['scope-a'], ...(quotaProjectId ? { quotaProjectId } : {}) }),
      credentialsCiphertext: null,
      credentialsKeyId: null,
    }) as unknown as Reranker;

  function targetsOver(stored: Reranker): RerankTargets {
    return targetsOn({ findStored: () => Promise.resolve(stored) }).targets;
  }

  it('keeps the token out of the cached headers and asks the token source on every authorize()', async () => {
    const target = upstream(await targetsOver(gcpRow('billing-project')).resolve(owner, ID, 'EXECUTE'));
    expect(target.headers.authorization).toBeUndefined();
    const first = await target.authorize!();
    const second = await target.authorize!();
    expect(first.headers).toEqual({ authorization: `Bearer ${first.secrets[0]}`, 'x-goog-user-project': 'billing-project' });
    expect(second.secrets[0]).not.toBe(first.secrets[0]);
    expect(tokens.asked.slice(-2)).toEqual([['scope-a'], ['scope-a']]);
  });

  it('sends no quota project header when none is set', async () => {
    const target = upstream(await targetsOver(gcpRow()).resolve(owner, ID, 'EXECUTE'));
    expect(Object.keys((await target.authorize!()).headers)).toEqual(['authorization']);
  });
});

function upstream(target: RerankTarget): UpstreamTarget {
  if (target.kind !== 'upstream') throw new Error(`expected an upstream target, got ${target.kind}`);
  return target;
}
