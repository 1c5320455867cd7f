import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import openapiTS, { astToString } from 'openapi-typescript';
import request from 'supertest';
import ts from 'typescript';
import { UsageMeter } from '../src/usage/usage-meter.js';
import { as, initRoot, type Actor } from './support/actors.js';
import { FakeUpstream } from './support/fake-upstream.js';
import { inlineCredentials, rerankerBody } from './support/reranker-bodies.js';
import { listRoutes } from './support/routes.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type Schema = Record<string, unknown>;
interface Operation {
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: unknown;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: Schema }>; headers?: Record<string, unknown> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const ERROR_BODY_REF = '#/components/schemas/ErrorBody';

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let root: Actor;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    doc = (await request(t.server).get('/openapi.json').expect(200)).body as OpenApiDocument;
    root = await initRoot(t.server);
    upstream = await FakeUpstream.start('COHERE');
  });

  afterAll(async () => {
    await t.close();
    await upstream.close();
  });

  function operations(): Array<{ name: string; op: Operation }> {
    return Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => HTTP_METHODS.includes(method))
        .map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );
  }

  it('is the document checked in as openapi.json (run `npm run openapi` after an API change)', async () => {
    const checkedIn: unknown = JSON.parse(await readFile(new URL('../openapi.json', import.meta.url), 'utf8'));
    expect(doc).toEqual(checkedIn);
  });

  it('lists every route the application serves', () => {
    const documented = operations().map(({ name }) => name);
    const served = listRoutes(t.app).map(({ method, path }) => `${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
    expect(documented.sort()).toEqual([...new Set(served)].sort());
  });

  it('documents one typed 2xx body for every operation (none for 204)', () => {
    const problems = operations().flatMap(({ name, op }) => {
      const success = Object.keys(op.responses).filter((status) => /^2\d\d$/.test(status));
      if (success.length !== 1) return [`${name}: ${success.length} success responses`];
      const status = success[0]!;
      const content = op.responses[status]!.content;
      if (status === '204') return content ? [`${name}: 204 with a body`] : [];
      const media = Object.entries(content ?? {});
      if (media.length === 0) return [`${name}: ${status} without a body schema`];
      return media.filter(([type, { schema }]) => !isTyped(type, schema)).map(([type]) => `${name}: ${status} ${type} is untyped`);
    });
    expect(problems).toEqual([]);
  });

  it('documents the shared ErrorBody for every error status an operation can give', () => {
    const problems = operations().flatMap(({ name, op }) => {
      const statuses = Object.keys(op.responses);
      const expected = ['500'];
      if (op.security?.length) expected.push('401');
      if (op.parameters?.some((p) => p.in === 'path' || p.in === 'query')) expected.push('400');
      if (op.parameters?.some((p) => p.in === 'path')) expected.push('404');
      if (op.requestBody) expected.push('400', '413', '415');
      const missing = expected.filter((status) => !statuses.includes(status)).map((status) => `${name}: no ${status}`);
      const untyped = statuses
        .filter((status) => /^[45]\d\d$/.test(status))
        .filter((status) => op.responses[status]!.content?.['application/json']?.schema?.$ref !== ERROR_BODY_REF)
        .map((status) => `${name}: ${status} is not an ErrorBody`);
      return [...missing, ...untyped];
    });
    expect(problems).toEqual([]);
    expect(doc.components.schemas.ErrorBody).toMatchObject({
      required: expect.arrayContaining(['code', 'message', 'detail', 'requestId']),
      properties: expect.objectContaining({ error: { $ref: '#/components/schemas/OpenAiError' } }),
    });
  });

  it('documents 201 with a Location header on create, 200 on rerank and init, 204 on delete', () => {
    const created = doc.paths['/v1/rerankers']!.post!.responses['201']!;
    expect(created.headers).toHaveProperty('Location');
    expect(Object.keys(doc.paths['/v1/users']!.post!.responses)).toContain('201');
    expect(Object.keys(doc.paths['/v1/apikeys']!.post!.responses)).toContain('201');
    for (const path of ['/v1/rerankers/{id}/rerank', '/v1/rerank', '/rerank', '/v2/rerank', '/v1/system/init']) {
      expect(Object.keys(doc.paths[path]!.post!.responses)).toContain('200');
    }
    expect(Object.keys(doc.paths['/v1/rerankers/{id}']!.delete!.responses)).toContain('204');
    expect(Object.keys(doc.paths['/metrics']!.get!.responses['200']!.content!)).toEqual(['text/plain']);
  });

  it('describes what the service really answers, field for field', async () => {
    const validate = strictValidator(doc);
    const api = as(t.server, root);
    const created = await api
      .post('/v1/rerankers')
      .send(
        rerankerBody({
          endpointUrl: upstream.url,
          credentials: inlineCredentials('sk-0123456789abcdef', { prefix: 'Bearer ' }),
          requestTimeoutMs: 5000,
          extraHeaders: { 'X-Team': 'search' },
          pricing: { currency: 'USD', perSearchUnit: '0.002' },
        }),
      )
      .expect(201);
    const id = created.body.rerankerId as string;
    const documents = ['a score=0.2', 'b score=0.9'];
    const key = await api.post('/v1/apikeys').send({ scopes: { permissions: ['EXECUTE_RERANKER_OWN'], rerankerIds: [id] } }).expect(201);
    const answers: Array<[string, unknown]> = [
      ['RerankerResponse', created.body],
      ['RerankerPage', (await api.get('/v1/rerankers').expect(200)).body],
      ['RerankResponse', (await api.post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents }).expect(200)).body],
      ['CompatV1RerankResponse', (await api.post('/v1/rerank').send({ model: id, query: 'q', documents, return_documents: true }).expect(200)).body],
      ['CohereV2RerankResponse', (await api.post('/v2/rerank').send({ model: id, query: 'q', documents }).expect(200)).body],
      ['PingResponse', (await api.post(`/v1/rerankers/${id}/ping`).expect(200)).body],
      ['RerankerResponse', (await api.get(`/v1/rerankers/${id}`).expect(200)).body],
      ['UserResponse', (await api.get('/v1/users/me').expect(200)).body],
      ['ApiKeyPage', (await api.get('/v1/apikeys').expect(200)).body],
      ['AuditEventPage', (await api.get('/v1/audit-events').expect(200)).body],
      ['CreatedApiKeyResponse', key.body],
      ['ApiKeyResponse', (await api.get(`/v1/apikeys/${key.body.apiKey.apiKeyId}`).expect(200)).body],
      ['LimitsResponse', (await api.put(`/v1/limits/users/${root.userId}`).send({ requestsPerMinute: 1000, monthlyCost: 10 }).expect(200)).body],
      ['LimitsResponse', (await api.get(`/v1/limits/users/${root.userId}`).expect(200)).body],
      ['SystemInfoResponse', (await request(t.server).get('/v1/system/info').expect(200)).body],
      ['SystemAlreadyInitialized', (await request(t.server).post('/v1/system/init').send({}).expect(200)).body],
      ['ErrorBody', (await api.get(`/v1/rerankers/${randomUUID()}`).expect(404)).body],
      ['ErrorBody', (await api.post('/v1/rerankers').send({ displayName: '' }).expect(400)).body],
    ];
    await t.app.get(UsageMeter).flush();
    const report = (await api.get('/v1/usage').query({ groupBy: 'reranker' }).expect(200)).body;
    expect(report.buckets).toHaveLength(1);
    answers.push(['UsageReport', report]);
    const problems = answers.flatMap(([schema, body]) => validate(schema, body).map((problem) => `${schema}: ${problem}`));
    expect(problems).toEqual([]);
  });

  it('generates TypeScript types (openapi-typescript) that type-check a client, and reject a wrong field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openapi-client-'));
    try {
      await writeFile(join(dir, 'api.d.ts'), astToString(await openapiTS(doc as never)));
      await writeFile(join(dir, 'client.ts'), CLIENT);
      await writeFile(join(dir, 'wrong.ts'), WRONG_CLIENT);
      expect(typeErrors(join(dir, 'client.ts'))).toEqual([]);
      const wrong = typeErrors(join(dir, 'wrong.ts'));
      expect(wrong).toEqual([
        expect.stringContaining("Property 'rerankerIdentifier' does not exist"),
        expect.stringContaining("Type 'string' is not assignable to type 'number'"),
        expect.stringContaining("Property 'relevanceScore' does not exist"),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** A JSON body needs an object schema with named properties (or a choice of them); text needs a type. */
function isTyped(mediaType: string, schema: Schema | undefined): boolean {
  if (!schema) return false;
  if (mediaType !== 'application/json') return typeof schema.type === 'string';
  return typeof schema.$ref === 'string' || Array.isArray(schema.oneOf) || (schema.type === 'array' && isTyped(mediaType, schema.items as Schema));
}

/**
 * Validates bodies against the document's schemas, with every object schema closed
 * (additionalProperties: false unless it says otherwise), so an undocumented field fails.
 */
function strictValidator(doc: OpenApiDocument): (schema: string, body: unknown) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'openapi', components: closeObjects(structuredClone(doc.components)) });
  return (schema, body) => {
    const validate = ajv.getSchema(`openapi#/components/schemas/${schema}`)!;
    if (validate(body)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
  };
}

function closeObjects<T>(value: T): T {
  if (Array.isArray(value)) value.forEach(closeObjects);
  else if (value && typeof value === 'object') {
    const schema = value as Schema;
    if (schema.properties && schema.additionalProperties === undefined) schema.additionalProperties = false;
    Object.values(schema).forEach(closeObjects);
  }
  return value;
}

function typeErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    skipLibCheck: true,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

const CLIENT = `
import type { paths } from './api.js';

type Json<P extends keyof paths, M extends keyof paths[P], S extends string> =
  paths[P][M] extends { responses: Record<S, { content: { 'application/json': infer B } }> } ? B : never;

type Reranker = Json<'/v1/rerankers/{id}', 'get', '200'>;
type RerankerId = paths['/v1/rerankers/{id}']['get']['responses']['200']['content']['application/json']['rerankerId'];
type Ranked = Json<'/v1/rerankers/{id}/rerank', 'post', '200'>;
type CohereV2 = Json<'/v2/rerank', 'post', '200'>;
type Jina = Json<'/v1/rerank', 'post', '200'>;
type NotFound = Json<'/v1/rerankers/{id}', 'get', '404'>;
type Init = Json<'/v1/system/init', 'post', '200'>;

export function describeReranker(r: Reranker): string {
  const id: RerankerId = r.rerankerId;
  const header: string | undefined = r.credentials?.apiKey?.headerName;
  const hints: Record<string, string> | undefined = r.credentials?.apiKey?.secretRef?.hints;
  const timeout: number | undefined = r.requestTimeoutMs;
  return [id, r.providerType, r.supportedModalities.join(','), header, JSON.stringify(hints), timeout].join(' ');
}

export const best = (ranked: Ranked): number => ranked.results[0]?.relevanceScore ?? 0;
export const cohereBest = (body: CohereV2): number => body.results[0]?.relevance_score ?? 0;
export const jinaDocument = (body: Jina): unknown => body.results[0]?.document;
export const errorCode = (body: NotFound): string => \`\${body.code}: \${body.message} (\${body.requestId}) \${body.error?.type ?? ''}\`;
export const rootKey = (body: Init): string | undefined => (body.alreadyInitialized ? undefined : body.rootApiKey);
export const noBody: undefined = undefined as paths['/v1/rerankers/{id}']['delete']['responses']['204']['content'];
`;

const WRONG_CLIENT = `
import type { paths } from './api.js';

type Reranker = paths['/v1/rerankers/{id}']['get']['responses']['200']['content']['application/json'];
type CohereV2 = paths['/v2/rerank']['post']['responses']['200']['content']['application/json'];

export const wrongField = (r: Reranker): unknown => r.rerankerIdentifier;
export const wrongType = (r: Reranker): number => r.rerankerId;
export const wrongCase = (body: CohereV2): unknown => body.results[0]?.relevanceScore;
`;
