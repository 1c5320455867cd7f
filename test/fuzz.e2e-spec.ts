import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Pool } from 'undici';
import { ERROR_STATUS, openAiErrorType, type ErrorCode } from '../src/common/errors/error-code.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { createActor, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { inlineCredentials, rerankerBody } from './support/reranker-bodies.js';
import { listRoutes } from './support/routes.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { writeTinyCrossEncoder } from './support/tiny-cross-encoder.js';

/**
 * Property-based fuzzing of every route: generated hostile bodies, path ids, queries and
 * headers. Whatever is sent, the answer is never a 500, every error has the error model
 * with a stable code, and a 4xx leaves the database exactly as it was.
 *
 * FUZZ_RUNS (per route, default 15) and FUZZ_SEED (default: random, printed on failure)
 * reproduce a run: `FUZZ_SEED=<seed> npx jest test/fuzz.e2e-spec.ts`; FUZZ_SHRINK=1 also
 * shrinks a failure to a small counterexample.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 15);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Shrinking a failure to a small counterexample can take minutes: off unless asked for. */
const SHRINK = process.env.FUZZ_SHRINK === '1';

/** Columns a refused request may still change: authentication records when a key was used. */
const VOLATILE_COLUMNS: Record<string, readonly string[]> = { api_keys: ['last_used_at', 'updated_at'] };

/** A 5xx is acceptable only as the upstream's own failure, reported as such. */
const UPSTREAM_CODES = new Set<string>(['UPSTREAM_ERROR', 'UPSTREAM_BAD_RESPONSE', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT']);

const upper = (id: string) => id.toUpperCase();
/** Percent-encodes any string; a lone surrogate goes as its (invalid) three UTF-8-style bytes. */
const urlEncode = (text: string): string =>
  Array.from(text, (char) => {
    const code = char.charCodeAt(0);
    if (char.length > 1 || code < 0xd800 || code > 0xdfff) return encodeURIComponent(char);
    return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
  }).join('');
const deepObject = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const deepArray = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

// ---- hostile values -------------------------------------------------------------------

const HOSTILE_STRINGS = [
  '', ' ', '\0', 'a\0b', '\uD800', 'x\uDFFF', '\uD83D', '😀', '__proto__', 'constructor', 'prototype', 'toString',
  '../../etc/passwd', '%00', '%E0%A4%A', 'null', 'true', '1e309', '-1', '0', '1.5', '9'.repeat(30), 'A'.repeat(5000),
  '<script>', "' OR 1=1 --", '\r\nX-Injected: 1', 'http://169.254.169.254/', 'env://HOME', 'ROOT', 'ADMIN',
  'CREDENTIAL_KIND_API_KEY', 'COHERE', 'TEXT', randomUUID(), upper(randomUUID()), '00000000-0000-0000-0000-000000000000',
];
const oddCharacter = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
  fc.constantFrom('\0', '\u202E', '\uFEFF', '"', '\\', '\n'),
);
const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: oddCharacter, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
const hostileNumber = fc.oneof(
  fc.constantFrom(0, -1, 1, 1.5, 1e20, -1e20, 2 ** 53 + 2, 1e308, -0, 253402300800000),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const hostileKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'a', 'env', 'text', 'Authorization', ''), hostileString);
const { hostileValue } = fc.letrec<{ hostileValue: unknown }>((tie) => ({
  hostileValue: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('hostileValue'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('hostileValue'), { maxKeys: 4 }),
  ),
}));
/** Alias targets as a hostile client sends them: nested lists, wrong items, out-of-range weights. */
function hostileTargets(rerankerId: string): fc.Arbitrary<unknown> {
  const target = fc.record({ rerankerId: fc.oneof(fc.constant(rerankerId), fc.constant(upper(rerankerId)), hostileValue), weight: hostileValue, priority: hostileValue }, { requiredKeys: ['rerankerId'] });
  return fc.oneof(
    fc.constantFrom([[{ rerankerId }]], [[]], [[[]]], [null], [rerankerId], { rerankerId }, [{ rerankerId }, [{ rerankerId }]], [{ rerankerId }, { rerankerId }]),
    fc.array(target, { minLength: 0, maxLength: 18 }),
    fc.array(fc.oneof(target, fc.array(target, { maxLength: 2 }), hostileValue), { maxLength: 4 }),
  );
}

/** Limit overrides as a hostile client sends them: every limit, in and out of range, fractions, strings, null. */
const hostileLimit = fc.oneof(
  fc.constantFrom(0, 1, 1.5, -1, 2_000_000_000, 2_000_000_001, 1e15, 1e15 + 1, 1e9, 0.000001, 0.0000001, 12.5, '5', null, 2 ** 63),
  hostileValue,
);

const RAW_BODIES = ['', ' ', 'null', '[]', '"x"', '7', '{', '{"a":}', 'nul', '{"a":1,"a":2}', '"\\ud800"', '{"__proto__":{"x":1}}', '\u0000'];

// ---- the fixture and the request generator ------------------------------------------

interface Fixture {
  http: Pool;
  prisma: PrismaService;
  actors: Record<'root' | 'admin' | 'member', Actor>;
  victim: { userId: string; apiKeyId: string; rerankerId: string; aliasName: string };
  liveRerankerId: string;
  liveAliasName: string;
  upstreamUrl: string;
  /** The member's built-in rerankers and a FALLBACK alias over them (LOCAL, then LEXICAL). */
  builtin: { lexicalId: string; localId: string; aliasName: string; localModel: string };
}

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** A valid body for each route, so single-field mutations get past the first check. */
function bodyTemplate(method: string, path: string, f: Fixture): fc.Arbitrary<Record<string, unknown>> {
  const documents = ['alpha', { text: 'beta', title: 't' }];
  switch (`${method} ${path}`) {
    case 'POST /v1/users':
      return fc.uuid().map((u) => ({ email: `fuzz-${u}@example.com`, displayName: 'Fuzz', role: 'MEMBER' }));
    case 'PATCH /v1/users/:id':
      return fc.constant({ displayName: 'Renamed', role: 'MEMBER', disabled: false });
    case 'POST /v1/apikeys':
      return fc.constant({
        labels: { env: 'fuzz' },
        expiresAt: Date.now() + 3_600_000,
        scopes: { permissions: ['EXECUTE_RERANKER_OWN'], rerankerIds: [f.liveRerankerId], aliases: [f.liveAliasName] },
      });
    case 'POST /v1/rerankers':
      return fc.oneof(
        fc.uuid().map((u) =>
          rerankerBody({
            providerType: 'JINA',
            endpointUrl: f.upstreamUrl,
            modelIdentifier: `fuzz-${u}`,
            credentials: inlineCredentials('fuzz-secret-0123456789', { headerName: 'X-Key', prefix: '' }),
            labels: { env: 'fuzz' },
            extraHeaders: { 'x-team': 'fuzz' },
          }),
        ),
        fc.constant({ displayName: 'Fuzz BM25', providerType: 'LEXICAL', modelIdentifier: 'bm25', lexical: { k1: 1.2, b: 0.75 }, labels: { env: 'fuzz' } }),
        fc.constant({ displayName: 'Fuzz tiny', providerType: 'LOCAL', modelIdentifier: f.builtin.localModel, labels: { env: 'fuzz' } }),
      );
    case 'PUT /v1/rerankers/:id':
    case 'PATCH /v1/rerankers/:id':
      return fc.constant({ displayName: 'Renamed', mergeLabels: { tier: 'gold' }, description: null });
    case 'POST /v1/aliases':
      return fc.uuid().map((u) => ({ name: `fuzz/${u}`, strategy: 'FALLBACK', targets: [{ rerankerId: f.liveRerankerId, priority: 1 }] }));
    case 'PATCH /v1/aliases/:name':
      return fc.constant({ description: 'Renamed', targets: [{ rerankerId: f.liveRerankerId, weight: 2 }], strategy: 'WEIGHTED' });
    case 'PUT /v1/limits/users/:id':
    case 'PUT /v1/limits/apikeys/:id':
      return fc.constant({ requestsPerMinute: 100_000, documentsPerMinute: 1_000_000, concurrentCalls: 64, monthlyDocuments: 1e9, monthlyCost: 1000 });
    case 'POST /v1/aliases/:name/rerank':
      return fc.constant({ query: 'q', documents, topN: 1, returnDocuments: true, rankFields: ['text'] });
    case 'POST /v1/rerankers/:id/rerank':
      return fc.constant({ query: 'q', documents, topN: 1, returnDocuments: true, rankFields: ['text'] });
    case 'POST /v1/rerank':
    case 'POST /rerank':
      // Shared by the client dialects: Jina / Cohere v1, Voyage, TEI, and on /rerank Bedrock and Pinecone (by its header).
      return fc.constantFrom(
        { model: f.liveRerankerId, query: 'q', documents, top_n: 1, return_documents: true },
        { model: f.liveRerankerId, query: 'q', documents: ['alpha', 'beta'], top_k: 1, return_documents: true },
        { query: 'q', texts: ['alpha', 'beta'], return_text: true },
        {
          queries: [{ type: 'TEXT', textQuery: { text: 'q' } }],
          sources: [{ type: 'INLINE', inlineDocumentSource: { type: 'JSON', jsonDocument: { text: 'alpha' } } }],
          rerankingConfiguration: { type: 'BEDROCK_RERANKING_MODEL', bedrockRerankingConfiguration: { numberOfResults: 1, modelConfiguration: { modelArn: `arn:aws:bedrock:us-east-1::foundation-model/${f.liveRerankerId}` } } },
        },
      );
    case 'POST /v2/rerank':
    case 'POST /models/rerank':
    case 'POST /v1/models/rerank':
      return fc.constant({ model: f.liveRerankerId, query: 'q', documents: ['alpha', 'beta'], top_n: 1 });
    case 'POST /dialects/voyage/v1/rerank':
      return fc.constant({ model: f.liveRerankerId, query: 'q', documents: ['alpha', 'beta'], top_k: 1, return_documents: true });
    case 'POST /v1/reranking':
      return fc.constant({ model: f.liveAliasName, query: 'q', input: documents, top_k: 1, return_input: true, rank_fields: ['text'] });
    case 'POST /dialects/tei/:model/rerank':
      return fc.constant({ query: 'q', texts: ['alpha', 'beta'], return_text: true });
    case 'POST /score':
    case 'POST /v1/score':
      return fc.constantFrom({ model: f.liveRerankerId, text_1: 'q', text_2: ['alpha', 'beta'] }, { model: f.liveAliasName, queries: ['q'], documents: 'alpha' });
    default:
      return fc.constant({});
  }
}

function bodyArbitrary(method: string, path: string, f: Fixture): fc.Arbitrary<string | undefined> {
  const template = bodyTemplate(method, path, f);
  const mutated = template.chain((base) =>
    fc
      .record({
        overrides: fc.dictionary(fc.constantFrom(...Object.keys(base), 'unknownField'), hostileValue, { maxKeys: 2 }),
        extra: fc.option(fc.dictionary(hostileKey, hostileValue, { maxKeys: 2 })),
        deep: fc.option(fc.tuple(fc.constantFrom(...Object.keys(base), 'x'), fc.integer({ min: 60, max: 6000 }))),
      })
      .map(({ overrides, extra, deep }) => {
        const merged: Record<string, unknown> = { ...base, ...overrides, ...(extra ?? {}) };
        if (!deep) return JSON.stringify(merged);
        const [field, levels] = deep;
        merged[field] = '__DEEP__';
        return JSON.stringify(merged).replace('"__DEEP__"', levels % 2 ? deepObject(levels) : deepArray(levels));
      }),
  );
  return fc.oneof(
    { weight: 6, arbitrary: template.map((body) => JSON.stringify(body)) },
    { weight: 10, arbitrary: mutated },
    { weight: 2, arbitrary: hostileValue.map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_BODIES) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** Alias names: the route's own alias (reachable and URL-encoded), unknown names, hostile text. */
function nameArbitrary(path: string, f: Fixture): fc.Arbitrary<string> {
  const own = path.endsWith('/rerank') ? f.liveAliasName : f.victim.aliasName;
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(encodeURIComponent(own), own) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: hostileString.map(urlEncode) },
    { weight: 1, arbitrary: fc.constantFrom('%E0%A4%A', '%00', 'a'.repeat(300), '%2e%2e', '%ZZ') },
  );
}

/** Path ids: the route's own target (as is and uppercased), unknown ids, hostile text. */
function idArbitrary(method: string, path: string, f: Fixture): fc.Arbitrary<string> {
  const own = path.startsWith('/v1/users/') || path.startsWith('/v1/limits/users/')
    ? f.victim.userId
    : path.startsWith('/v1/apikeys/') || path.startsWith('/v1/limits/apikeys/')
      ? f.victim.apiKeyId
      : path.endsWith('/rerank') || path.endsWith('/ping')
        ? f.liveRerankerId
        : f.victim.rerankerId;
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(own, upper(own)) },
    { weight: 1, arbitrary: fc.uuid().map((id) => (method === 'GET' ? id : upper(id))) },
    { weight: 2, arbitrary: hostileString.map(urlEncode) },
    { weight: 1, arbitrary: fc.constantFrom('%E0%A4%A', '%00', 'a'.repeat(300), '%2e%2e', '%ZZ') },
  );
}

const QUERY_NAMES = ['pageSize', 'nextToken', 'userId', 'ownerId', 'providerType', 'label.env', 'label.BAD', 'force', '__proto__', 'x'];
const queryArbitrary = fc.array(
  fc.tuple(
    fc.constantFrom(...QUERY_NAMES),
    fc.oneof(
      hostileString.map(urlEncode),
      fc.constantFrom('%00', '%E0%A4%A', '1', '1000', '1001', 'abc', 'COHERE', Buffer.from(`1.${'-'.repeat(36)}`).toString('base64url')),
    ),
  ),
  { maxLength: 3 },
);

const ODD_CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'Application/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'garbage',
  undefined,
];
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 40 });

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_CONTENT_TYPES) },
);

function headersArbitrary(f: Fixture): fc.Arbitrary<Record<string, string>> {
  const auth = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(f.actors.root, f.actors.admin, f.actors.member).map((a) => ({ 'x-api-key': a.key })) },
    { weight: 1, arbitrary: fc.constantFrom(f.actors.root, f.actors.member).map((a) => ({ authorization: `Bearer ${a.key}` })) },
    { weight: 1, arbitrary: printable.map((junk) => ({ 'x-api-key': junk })) },
    { weight: 1, arbitrary: fc.constant({}) },
  );
  return fc
    .tuple(auth, contentType, fc.option(printable), fc.option(fc.constantFrom('application/json', '*/*', 'text/html')), fc.option(fc.constantFrom('2026-04', '')))
    .map(([authHeaders, contentType, requestId, accept, pineconeVersion]) => ({
      ...authHeaders,
      ...(contentType ? { 'content-type': contentType } : {}),
      ...(requestId !== null ? { 'x-request-id': requestId } : {}),
      ...(accept !== null ? { accept } : {}),
      // Pinecone's clients send it: on /rerank it selects the Pinecone dialect.
      ...(pineconeVersion !== null ? { 'x-pinecone-api-version': pineconeVersion } : {}),
    }));
}

function requestArbitrary(method: string, path: string, f: Fixture): fc.Arbitrary<FuzzRequest> {
  const withBody = method !== 'GET';
  return fc
    .record({
      id: idArbitrary(method, path, f),
      name: nameArbitrary(path, f),
      query: queryArbitrary,
      headers: headersArbitrary(f),
      payload: withBody ? bodyArbitrary(method, path, f) : fc.constant(undefined),
    })
    .map(({ id, name, query, headers, payload }) => ({
      method,
      url: path.replace(':id', id).replace(':name', name).replace(':model', name) + (query.length ? `?${query.map(([name, value]) => `${name}=${value}`).join('&')}` : ''),
      headers,
      ...(payload !== undefined ? { payload } : {}),
    }));
}

// ---- what must hold -----------------------------------------------------------------

/**
 * Every stored row, minus the columns authentication may touch on any request, and minus
 * usage rollups: every rerank call is metered, refused ones too, and the meter writes in the
 * background (a flush may land during any request).
 */
async function snapshot(prisma: PrismaService): Promise<string> {
  const tables = await prisma.$queryRawUnsafe<Array<{ tablename: string }>>(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN ('_prisma_migrations', 'usage_rollups') ORDER BY tablename`,
  );
  const dump: Record<string, unknown[]> = {};
  for (const { tablename } of tables) {
    const rows = await prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(`SELECT * FROM "${tablename}" ORDER BY 1`);
    const volatile = VOLATILE_COLUMNS[tablename] ?? [];
    dump[tablename] = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => !volatile.includes(column))));
  }
  return JSON.stringify(dump, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

function changedTables(before: string, after: string): string[] {
  const [was, now] = [JSON.parse(before) as Record<string, unknown>, JSON.parse(after) as Record<string, unknown>];
  return Object.keys({ ...was, ...now }).filter((table) => JSON.stringify(was[table]) !== JSON.stringify(now[table]));
}

async function check(f: Fixture, req: FuzzRequest): Promise<void> {
  const before = await snapshot(f.prisma);
  const res = await f.http.request({ method: req.method as 'GET', path: req.url, headers: req.headers, body: req.payload });
  const status = res.statusCode;
  const text = await res.body.text();
  if (status < 400) return;
  const body = JSON.parse(text) as { code: ErrorCode; message: unknown; detail: unknown; requestId: unknown; error: unknown; error_type?: unknown };
  if (status >= 500 && !UPSTREAM_CODES.has(body.code)) throw new Error(`answered ${status}: ${text.slice(0, 500)}`);
  // Pinecone's SDK shows a fixed text for a 404, so its dialect answers NOT_FOUND with 400.
  const pinecone = req.url.split('?')[0] === '/rerank' && req.headers['x-pinecone-api-version'] !== undefined;
  expect(pinecone && body.code === 'NOT_FOUND' ? 400 : ERROR_STATUS[body.code]).toBe(status);
  expect(body.requestId).toBe(res.headers['x-request-id']);
  if (body.error_type !== undefined) {
    // TEI's own error body (its dialect), with the same code and request id.
    const { details, ...tei } = body as typeof body & { details?: unknown };
    expect(tei).toEqual({ error: expect.any(String), error_type: expect.any(String), code: body.code, requestId: body.requestId });
    if (details !== undefined) expect(typeof details).toBe('object');
  } else {
    expect(typeof body.message).toBe('string');
    expect(body.detail).toBe(body.message);
    expect(body.error).toEqual({ message: body.message, type: openAiErrorType(body.code), code: body.code, param: null });
  }
  if (status < 500) {
    const after = await snapshot(f.prisma);
    if (after !== before) throw new Error(`answered ${status} but stored data changed: ${changedTables(before, after).join(', ')}\n${text.slice(0, 500)}`);
  }
}

describe('fuzz: every route, hostile input', () => {
  let t: TestApp;
  let upstream: FakeUpstream;
  let f: Fixture;
  /** The LOCAL model the fixture's reranker loads: the tests' tiny cross-encoder, no hub. */
  const modelsDir = mkdtempSync(join(tmpdir(), 'rr-fuzz-models-'));
  const localModel = 'test/tiny';

  beforeAll(async () => {
    // Every rerank and ping goes through the quotas' reservations: priced by the price list, under monthly quotas.
    writeTinyCrossEncoder(modelsDir, localModel);
    t = await startTestApp({
      EGRESS_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: 'fatal',
      PRICE_LIST: JSON.stringify({ '*': { currency: 'USD', perRequest: '0.0000001', perMillionTokens: '0.01' } }),
      RATE_LIMIT_MONTHLY_DOCUMENTS: '1000000000',
      RATE_LIMIT_MONTHLY_COST: '1000000',
      RATE_LIMIT_REQUESTS_PER_MINUTE: '1000000',
      MODELS_DIR: modelsDir,
      LOCAL_MODELS_ALLOWED: 'test/*',
      MODELS_ALLOW_DOWNLOAD: 'false',
      LOCAL_WORKERS: '1',
    });
    upstream = await FakeUpstream.start('JINA');
    const root = await initRoot(t.server);
    const admin = await createActor(t.server, root, 'ADMIN');
    const member = await createActor(t.server, root);
    const victimUser = await createActor(t.server, root);
    await t.app.listen(0, '127.0.0.1');
    const http = new Pool(await t.app.getUrl(), { connections: 4 });
    const post = async (actor: Actor, path: string, body: object) => {
      const res = await http.request({
        method: 'POST',
        path,
        headers: { 'x-api-key': actor.key, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.body.text();
      if (res.statusCode !== 201) throw new Error(`fixture ${path}: ${res.statusCode} ${text}`);
      return JSON.parse(text);
    };
    const reranker = (model: string) =>
      rerankerBody({
        providerType: 'JINA',
        endpointUrl: upstream.url,
        modelIdentifier: model,
        credentials: inlineCredentials('fuzz-secret-0123456789'),
        requestTimeoutMs: 2000,
      });
    const victimKey = await post(member, '/v1/apikeys', {});
    const victimReranker = await post(member, '/v1/rerankers', reranker('victim'));
    const live = await post(member, '/v1/rerankers', reranker('live'));
    const alias = (name: string) => ({ name, targets: [{ rerankerId: live.rerankerId }] });
    const victimAlias = await post(member, '/v1/aliases', alias('fuzz/victim'));
    const liveAlias = await post(member, '/v1/aliases', alias('fuzz/live'));
    const lexical = await post(member, '/v1/rerankers', { displayName: 'BM25', providerType: 'LEXICAL', modelIdentifier: 'bm25' });
    const local = await post(admin, '/v1/rerankers', { displayName: 'Tiny', providerType: 'LOCAL', modelIdentifier: localModel, ownerId: member.userId });
    const builtinAlias = await post(member, '/v1/aliases', { name: 'fuzz/builtin', targets: [{ rerankerId: local.rerankerId }, { rerankerId: lexical.rerankerId, priority: 1 }] });
    f = {
      http,
      prisma: t.app.get(PrismaService),
      actors: { root, admin, member },
      victim: {
        userId: victimUser.userId,
        apiKeyId: victimKey.apiKey.apiKeyId,
        rerankerId: victimReranker.rerankerId,
        aliasName: victimAlias.name,
      },
      liveRerankerId: live.rerankerId,
      liveAliasName: liveAlias.name,
      upstreamUrl: upstream.url,
      builtin: { lexicalId: lexical.rerankerId, localId: local.rerankerId, aliasName: builtinAlias.name, localModel },
    };
  });

  afterAll(async () => {
    await f?.http.close();
    await t?.close();
    await upstream?.close();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  /** One property over `requests`, as an authenticated JSON client: never a 500, the error model, no change on a 4xx. */
  async function holds(requests: fc.Arbitrary<FuzzRequest>, runs: number): Promise<void> {
    const outcome = await fc.check(
      fc.asyncProperty(requests, (req) => check(f, req)),
      { numRuns: runs, seed: SEED, endOnFailure: !SHRINK },
    );
    if (outcome.failed) throw new Error(`Reproduce with FUZZ_SEED=${SEED}\n${String(outcome.errorInstance).slice(0, 1000)}\n${(fc.defaultReportMessage(outcome) ?? '').slice(0, 4000)}`);
  }

  const json = (actor: Actor) => ({ 'x-api-key': actor.key, 'content-type': 'application/json' });

  it('alias targets of any shape (nested lists, wrong items, out-of-range weights) answer 2xx or 400 on create and PATCH', async () => {
    const create = fc.tuple(fc.uuid(), hostileTargets(f.liveRerankerId)).map(([u, targets]): FuzzRequest => ({
      method: 'POST',
      url: '/v1/aliases',
      headers: json(f.actors.member),
      payload: JSON.stringify({ name: `fuzz/t-${u}`, targets }),
    }));
    const patch = hostileTargets(f.liveRerankerId).map((targets): FuzzRequest => ({
      method: 'PATCH',
      url: `/v1/aliases/${encodeURIComponent(f.victim.aliasName)}`,
      headers: json(f.actors.member),
      payload: JSON.stringify({ targets }),
    }));
    await holds(fc.oneof(create, patch), RUNS * 8);
  }, 5 * 60_000);

  it('limit overrides of any value answer 200 or 400, and the calls they then govern (rerank, ping) never 500', async () => {
    const override = fc
      .record(
        Object.fromEntries(['requestsPerMinute', 'documentsPerMinute', 'concurrentCalls', 'monthlyDocuments', 'monthlyCost'].map((name) => [name, hostileLimit])),
        { requiredKeys: [] },
      )
      .chain((body) =>
        fc.constantFrom(`/v1/limits/apikeys/${f.victim.apiKeyId}`, `/v1/limits/users/${f.actors.member.userId}`).map(
          (url): FuzzRequest => ({ method: 'PUT', url, headers: json(f.actors.admin), payload: JSON.stringify(body) }),
        ),
      );
    const call = fc.constantFrom<FuzzRequest>(
      { method: 'POST', url: `/v1/rerankers/${f.liveRerankerId}/rerank`, headers: json(f.actors.member), payload: JSON.stringify({ query: 'q', documents: ['a', 'b'] }) },
      { method: 'POST', url: `/v1/aliases/${encodeURIComponent(f.liveAliasName)}/rerank`, headers: json(f.actors.member), payload: JSON.stringify({ query: 'q', documents: ['a'] }) },
      { method: 'POST', url: `/v1/rerankers/${f.liveRerankerId}/ping`, headers: json(f.actors.member) },
    );
    try {
      await holds(fc.oneof(override, call), RUNS * 8);
    } finally {
      const cleared = JSON.stringify({ requestsPerMinute: null, documentsPerMinute: null, concurrentCalls: null, monthlyDocuments: null, monthlyCost: null });
      await f.http.request({ method: 'PUT', path: `/v1/limits/users/${f.actors.member.userId}`, headers: json(f.actors.admin), body: cleared }).then((res) => res.body.dump());
    }
  }, 5 * 60_000);

  it('hostile queries, documents and tuning through the built-in rerankers (by id, alias and model name, every Cohere-style front) answer 2xx or 4xx', async () => {
    const { lexicalId, localId, aliasName, localModel: model } = f.builtin;
    const text = fc.oneof(
      { weight: 3, arbitrary: hostileString },
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
      // Folding and segmentation edge cases: elisions, ß, ligatures, combining marks alone, CJK, RTL, a long run of one word.
      { weight: 2, arbitrary: fc.constantFrom("l\u2019été", "L'ÉTÉ", 'STRASSE straße', 'ﬁle ＡＢＣ', '\u0301'.repeat(500), '東京都の天気は晴れ', 'ภาษาไทย', 'עברית ﷺ', 'red '.repeat(5000), 'cat\u200bdog') },
    );
    const document = fc.oneof({ weight: 5, arbitrary: text }, { weight: 1, arbitrary: fc.record({ text: fc.oneof(text, hostileValue) }) }, { weight: 1, arbitrary: hostileValue });
    const call = fc.record(
      {
        query: fc.oneof({ weight: 5, arbitrary: text }, { weight: 1, arbitrary: hostileValue }),
        documents: fc.oneof({ weight: 6, arbitrary: fc.array(document, { maxLength: 12 }) }, { weight: 1, arbitrary: hostileValue }),
        topN: hostileNumber,
      },
      { requiredKeys: ['query', 'documents'] },
    );
    const headers = json(f.actors.member);
    const native = fc.tuple(fc.constantFrom(lexicalId, localId), call).map(([id, body]): FuzzRequest => ({ method: 'POST', url: `/v1/rerankers/${id}/rerank`, headers, payload: JSON.stringify(body) }));
    const viaAlias = call.map((body): FuzzRequest => ({ method: 'POST', url: `/v1/aliases/${encodeURIComponent(aliasName)}/rerank`, headers, payload: JSON.stringify(body) }));
    const compat = fc.tuple(fc.constantFrom('/v1/rerank', '/v2/rerank', '/rerank'), fc.constantFrom(lexicalId, localId, aliasName, 'bm25', model), call).map(
      ([url, model, { topN, ...body }]): FuzzRequest => ({ method: 'POST', url, headers, payload: JSON.stringify({ model, ...body, ...(topN !== undefined ? { top_n: topN } : {}) }) }),
    );
    // Tuning and the fields a built-in refuses, hostile values included, on both types.
    const tuning = fc.oneof(
      fc.record({ k1: fc.oneof(hostileNumber, hostileValue), b: fc.oneof(hostileNumber, hostileValue) }, { requiredKeys: [] }),
      hostileValue,
    );
    const update = fc
      .tuple(
        fc.constantFrom(lexicalId, localId),
        fc.constantFrom('PATCH', 'PUT'),
        fc.oneof(
          tuning.map((lexical) => ({ lexical })),
          fc.constantFrom('endpointUrl', 'apiPath', 'credentials', 'extraHeaders', 'modelIdentifier', 'scoreNormalization').chain((field) => hostileValue.map((value) => ({ [field]: value }))),
        ),
      )
      .map(([id, method, body]): FuzzRequest => ({ method, url: `/v1/rerankers/${id}`, headers: json(f.actors.admin), payload: JSON.stringify(body) }));
    const ping = fc.constantFrom(lexicalId, localId).map((id): FuzzRequest => ({ method: 'POST', url: `/v1/rerankers/${id}/ping`, headers }));
    await holds(fc.oneof({ weight: 3, arbitrary: native }, { weight: 2, arbitrary: viaAlias }, { weight: 3, arbitrary: compat }, { weight: 2, arbitrary: update }, { weight: 1, arbitrary: ping }), RUNS * 10);
  }, 5 * 60_000);

  it('every route never answers 500, always the error model, and a 4xx changes nothing stored', async () => {
    const routes = listRoutes(t.app);
    expect(routes.length).toBeGreaterThanOrEqual(20);
    const failures: string[] = [];
    for (const { method, path } of routes) {
      const outcome = await fc.check(
        fc.asyncProperty(requestArbitrary(method, path, f), (req) => check(f, req)),
        { numRuns: RUNS, seed: SEED, endOnFailure: !SHRINK },
      );
      if (outcome.failed) failures.push(`${method} ${path}: ${String(outcome.errorInstance).slice(0, 1000)}\n${(fc.defaultReportMessage(outcome) ?? '').slice(0, 4000)}`);
    }
    if (failures.length > 0) {
      throw new Error(`Reproduce with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}\n\n${failures.join('\n\n')}`);
    }
  }, 10 * 60_000);
});
