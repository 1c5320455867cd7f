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
import {
  fieldsOf,
  minimalWith,
  operationsOf,
  sampleOf,
  schemaValidator,
  untypedSchemas,
  type Field,
  type OpenApiDocument,
  type Schema,
} from './support/openapi-schemas.js';
import { inlineCredentials, rerankerBody } from './support/reranker-bodies.js';
import { listRoutes } from './support/routes.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ERROR_BODY_REF = '#/components/schemas/ErrorBody';

/** The order a reader meets the API in: set up, register, rerank, route; then who may, how much, what happened; then running it; the console's sign-in last. */
const TAGS = ['system', 'rerankers', 'rerank', 'aliases', 'api-keys', 'users', 'limits', 'usage', 'audit', 'operations', 'console'];

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

  const operations = () => operationsOf(doc);

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
      // A client dialect's own error body (TEI's) comes with the shared one, which the body parser answers before the dialect is known.
      const isErrorBody = (schema: Schema | undefined) =>
        schema?.$ref === ERROR_BODY_REF || (Array.isArray(schema?.oneOf) && (schema.oneOf as Schema[]).some((option) => option.$ref === ERROR_BODY_REF));
      const untyped = statuses
        .filter((status) => /^[45]\d\d$/.test(status))
        .filter((status) => !isErrorBody(op.responses[status]!.content?.['application/json']?.schema))
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
    const key = await api.post('/v1/apikeys').send({ scopes: { permissions: ['EXECUTE_RERANKER_OWN'], rerankerIds: [id] }, defaultModel: id }).expect(201);
    const tei = (await api.post(`/dialects/tei/${id}/rerank`).send({ query: 'q', texts: documents, return_text: true }).expect(200)).body as unknown[];
    expect(tei).toHaveLength(documents.length);
    const bedrock = {
      queries: [{ type: 'TEXT', textQuery: { text: 'q' } }],
      sources: documents.map((text) => ({ type: 'INLINE', inlineDocumentSource: { type: 'TEXT', textDocument: { text } } })),
      rerankingConfiguration: { type: 'BEDROCK_RERANKING_MODEL', bedrockRerankingConfiguration: { numberOfResults: 1, modelConfiguration: { modelArn: `arn:aws:bedrock:us-east-1::foundation-model/${id}` } } },
    };
    const answers: Array<[string, unknown]> = [
      ['RerankerResponse', created.body],
      ['RerankerPage', (await api.get('/v1/rerankers').expect(200)).body],
      ['RerankResponse', (await api.post(`/v1/rerankers/${id}/rerank`).send({ query: 'q', documents }).expect(200)).body],
      ['CompatV1RerankResponse', (await api.post('/v1/rerank').send({ model: id, query: 'q', documents, return_documents: true }).expect(200)).body],
      ['CohereV2RerankResponse', (await api.post('/v2/rerank').send({ model: id, query: 'q', documents }).expect(200)).body],
      ['VoyageRerankResponse', (await api.post('/dialects/voyage/v1/rerank').send({ model: id, query: 'q', documents, top_k: 1, return_documents: true }).expect(200)).body],
      ['MixedbreadRerankResponse', (await api.post('/v1/reranking').send({ model: id, query: 'q', input: documents, return_input: true }).expect(200)).body],
      [
        'PineconeRerankResponse',
        (await api.post('/rerank').set('x-pinecone-api-version', '2026-04').send({ model: id, query: 'q', documents: documents.map((text) => ({ text })) }).expect(200)).body,
      ],
      ['VllmScoreResponse', (await api.post('/score').send({ model: id, text_1: 'q', text_2: documents }).expect(200)).body],
      ['ZeroEntropyRerankResponse', (await api.post('/v1/models/rerank').send({ model: id, query: 'q', documents }).expect(200)).body],
      ['BedrockRerankResponse', (await api.post('/rerank').send(bedrock).expect(200)).body],
      ...tei.map((rank): [string, unknown] => ['TeiRank', rank]),
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
    answers.push(['TeiErrorBody', (await api.post('/dialects/tei/no-such-model/rerank').send({ query: 'q', texts: documents }).expect(404)).body]);
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

  it('types every field, parameter and response: nothing a generator would make unknown or Record<string, never>', () => {
    expect(untypedSchemas(doc)).toEqual([]);
  });

  it('generates a client (openapi-typescript) that sets every field of every request body, null where documented', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openapi-client-'));
    try {
      await writeFile(join(dir, 'api.d.ts'), astToString(await openapiTS(doc as never)));
      const { source, bodies, valid } = clientSettingEveryField(doc);
      expect(bodies).toBeGreaterThanOrEqual(16);
      expect(valid).toEqual([]);
      await writeFile(join(dir, 'every-field.ts'), source);
      expect(typeErrors(join(dir, 'every-field.ts'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('documents null exactly where the service takes it, field by field of every request body, and never fails on one', async () => {
    // Null reaches a field in a body with every field set and in the smallest body around it.
    const api = as(t.server, root);
    const problems: string[] = [];
    for (const { name, method, path, op } of operations()) {
      const schema = op.requestBody?.content['application/json']?.schema;
      if (!schema) continue;
      const full = sampleOf(doc, schema);
      const url = path.replace('{id}', randomUUID()).replace('{name}', 'no-such-alias').replace('{model}', 'no-such-model');
      for (const field of fieldsOf(doc, schema)) {
        const at = field.path.join('.');
        for (const [variant, body] of [['every field', withValue(full, field.path, null)], ['alone', minimalWith(doc, schema, field.path, null)]] as const) {
          const reply = await api[method as 'post'](url).send(body as object);
          const violations = (reply.body.details?.fields ?? []) as Array<{ field: string }>;
          const refused = reply.status === 400 && violations.some((violation) => violation.field === at);
          if (reply.status >= 500) problems.push(`${name} ${at} (${variant}): null answered ${reply.status}`);
          else if (refused === Boolean(field.schema.nullable)) {
            problems.push(`${name} ${at} (${variant}): ${refused ? 'refuses null, documented nullable' : `takes null (${reply.status}), not documented nullable`}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every operation a summary and one tag, the tags in reading order, each described', () => {
    expect(operations().filter(({ op }) => !op.summary?.trim()).map(({ name }) => name)).toEqual([]);
    expect((doc.tags ?? []).map((tag) => tag.name)).toEqual(TAGS);
    expect((doc.tags ?? []).filter((tag) => !tag.description?.trim()).map((tag) => tag.name)).toEqual([]);
    const untagged = operations().filter(({ op }) => op.tags?.length !== 1 || !TAGS.includes(op.tags[0]!));
    expect(untagged.map(({ name, op }) => `${name}: ${JSON.stringify(op.tags)}`)).toEqual([]);
  });

  it('takes the API key as x-api-key or as a bearer token (not a JWT) on every secured operation', () => {
    expect(doc.components.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }),
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      // Pinecone's clients send the key in a header of their own: its dialect reads it there too.
      'api-key': expect.objectContaining({ type: 'apiKey', in: 'header', name: 'api-key' }),
    });
    expect(doc.components.securitySchemes!.bearer).not.toHaveProperty('bearerFormat');
    const secured = operations().filter(({ op }) => op.security?.length);
    expect(secured.length).toBeGreaterThan(20);
    const both = JSON.stringify([{ apiKey: [] }, { bearer: [] }]);
    const other = secured.filter(({ op }) => JSON.stringify(op.security) !== both && JSON.stringify(op.security!.slice(0, 2)) !== both);
    expect(other.map(({ name, op }) => `${name}: ${JSON.stringify(op.security)}`)).toEqual([]);
    expect(secured.filter(({ op }) => op.security!.length > 2).map(({ name }) => name)).toEqual(['POST /rerank']);
  });
});

/** A JSON body needs an object schema with named properties (or a choice of them, or a list of one); text needs a type. */
function isTyped(mediaType: string, schema: Schema | undefined): boolean {
  if (!schema) return false;
  if (mediaType !== 'application/json') return typeof schema.type === 'string';
  const choice = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (choice) return choice.every((option) => isTyped(mediaType, option));
  return typeof schema.$ref === 'string' || (schema.type === 'array' && isTyped(mediaType, schema.items as Schema));
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
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file || diagnostic.start === undefined || diagnostic.file.fileName !== file) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${message} (at: ${diagnostic.file.text.split('\n')[line]!.trim().slice(0, 200)})`;
  });
}

/** `value` with the field at `path` replaced (a copy). */
function withValue(value: unknown, path: ReadonlyArray<string | number>, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  copy[path[0]!] = withValue(copy[path[0]!], path.slice(1), replacement);
  return copy;
}

/**
 * A client typed by the generated paths that builds every request body with every field set
 * (a sample valid against the document), checks no field's type is one no value can be given
 * (never, Record<string, never>) or no type at all (unknown, any), and sets null where the
 * document says a field takes it.
 */
function clientSettingEveryField(doc: OpenApiDocument): { source: string; bodies: number; valid: string[] } {
  const validate = schemaValidator(doc);
  const lines = [
    "import type { paths } from './api.js';",
    "type Body<P extends keyof paths, M extends keyof paths[P]> = NonNullable<paths[P][M]> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;",
    "type Untyped<T> = 0 extends 1 & T ? 'any' : unknown extends T ? 'unknown' : [T] extends [never] ? 'never' : NoValue<NonNullable<T>>;",
    "type NoValue<T> = T extends object ? (string extends keyof T ? ([T[string]] extends [never] ? 'Record<string, never>' : false) : false) : false;",
  ];
  const valid: string[] = [];
  let bodies = 0;
  for (const { name, method, path, op } of operationsOf(doc)) {
    const schema = op.requestBody?.content['application/json']?.schema;
    if (!schema) continue;
    const body = sampleOf(doc, schema, validate);
    if (!validate(schema, body)) valid.push(`${name}: the sample body is not valid against the document`);
    const type = `B${bodies++}`;
    lines.push(`// ${name}`, `type ${type} = Body<'${path}', '${method}'>;`, `export const body_${type}: ${type} = ${JSON.stringify(body)};`);
    fieldsOf(doc, schema).forEach((field: Field, index) => {
      const access = field.path.reduce<string>((type, key) => `NonNullable<${type}>[${typeof key === 'number' ? 'number' : `'${key}'`}]`, type);
      lines.push(`export const type_${type}_${index}: Untyped<${access}> = false; // ${field.path.join('.')}`);
      if (field.schema.nullable) lines.push(`export const null_${type}_${index}: ${access} = null; // ${field.path.join('.')}`);
    });
  }
  return { source: lines.join('\n'), bodies, valid };
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
// /v1/rerank is shared by the Jina, Voyage and TEI dialects: its answer is one of theirs.
export const jinaDocument = (body: Jina): unknown => ('results' in body ? body.results[0]?.document : undefined);
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
