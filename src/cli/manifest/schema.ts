/**
 * The JSON Schema of rrctl manifests (rrctl/v1), published by `rrctl schema` and as
 * docs/rrctl-manifest.schema.json, so editors (yaml-language-server, VS Code) validate and
 * complete manifests; rrctl validates every document with it before anything is sent.
 * Draft-07, which every editor's validator reads. Specs mirror the API's request bodies (a unit test checks their fields against
 * openapi.json); the server still checks every value.
 */

import { BUILTIN_PROVIDER_TYPES, PROVIDER_TYPES } from '../provider-types.js';

export const API_VERSION = 'rrctl/v1';
export const KINDS = ['Reranker', 'Alias', 'Limits'] as const;
export type Kind = (typeof KINDS)[number];

/** What `rrctl export` writes for an inline secret: apply keeps the stored one and refuses to create one from it. */
export const KEPT_SECRET = '<kept on the server>';

/** What a built-in reranker cannot have (null is accepted, as by the API). */
const REMOTE_ONLY_FIELDS = ['endpointUrl', 'apiPath', 'credentials', 'extraHeaders'] as const;
const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/** Alias and reranker names (the API's rule; a UUID is an id instead). */
const NAME_PATTERN = '^[A-Za-z0-9._:/-]{1,128}$';
const SECRET_DESCRIPTION = `"\${ENV_VAR}" (read from rrctl's environment at apply), "${KEPT_SECRET}" (export: keep the stored secret), or a literal only with --allow-inline-secrets`;

const nullable = (schema: Record<string, unknown>): Record<string, unknown> => ({ anyOf: [schema, { type: 'null' }] });
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const decimal = { anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: '^\\d{1,7}(\\.\\d{1,9})?$' }] };

const credentials = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  description: 'One credential: an API key (a secret reference, or ${ENV_VAR}), GCP ADC or AWS SigV4',
  properties: {
    kind: { enum: ['CREDENTIAL_KIND_API_KEY', 'CREDENTIAL_KIND_GCP_ADC', 'CREDENTIAL_KIND_AWS_SIGV4'] },
    apiKey: {
      type: 'object',
      additionalProperties: false,
      properties: {
        secretRef: {
          type: 'object',
          additionalProperties: false,
          required: ['uri'],
          properties: { uri: { type: 'string', description: 'env://NAME, vault://mount/path#field or file:///path, held by the server' }, hints: stringMap },
        },
        inlineSecret: { type: 'string', description: SECRET_DESCRIPTION },
        headerName: { type: 'string', description: 'Default Authorization (PINECONE: Api-Key)' },
        prefix: { type: 'string', description: 'Default "Bearer " (PINECONE: empty)' },
      },
    },
    gcpAdc: {
      type: 'object',
      additionalProperties: false,
      properties: { scopes: { type: 'array', items: { type: 'string' } }, quotaProjectId: { type: 'string' } },
    },
    awsSigV4: {
      type: 'object',
      additionalProperties: false,
      required: ['region'],
      properties: {
        region: { type: 'string' },
        service: { type: 'string', description: 'Default bedrock' },
        accessKeyId: { type: 'string', description: SECRET_DESCRIPTION },
        secretAccessKey: { type: 'string', description: SECRET_DESCRIPTION },
        sessionToken: { type: 'string', description: SECRET_DESCRIPTION },
      },
    },
    labels: stringMap,
  },
};

const rerankerSpec = {
  type: 'object',
  additionalProperties: false,
  required: ['displayName', 'providerType', 'modelIdentifier'],
  description: 'The fields of POST /v1/rerankers. Left out: unchanged on an existing reranker (the default on a new one); null: cleared.',
  properties: {
    displayName: { type: 'string', minLength: 1, maxLength: 255 },
    description: nullable({ type: 'string' }),
    providerType: { enum: PROVIDER_TYPES, description: 'Immutable. LEXICAL and LOCAL run inside the service (no endpointUrl, apiPath, credentials, extraHeaders)' },
    endpointUrl: { type: 'string', description: 'Compared in its canonical form. Required, except for LEXICAL and LOCAL, which refuse it' },
    apiPath: { type: 'string' },
    modelIdentifier: { type: 'string', minLength: 1, description: 'LEXICAL: bm25; LOCAL: a model in the server\'s MODELS_DIR' },
    lexical: nullable({
      type: 'object',
      additionalProperties: false,
      description: "BM25's parameters (LEXICAL only); left out: the service's defaults",
      properties: { k1: { type: 'number', minimum: 0, maximum: 100 }, b: { type: 'number', minimum: 0, maximum: 1 } },
    }),
    supportedModalities: { type: 'array', items: { enum: ['TEXT', 'IMAGE', 'AUDIO', 'VIDEO'] } },
    credentials: nullable(credentials),
    version: nullable({ type: 'string' }),
    monitoringEndpoint: nullable({ type: 'string' }),
    ownerId: { type: 'string', pattern: UUID_PATTERN, description: "Another user's reranker (admins); default: the caller's" },
    requestTimeoutMs: nullable({ type: 'integer', minimum: 100, maximum: 600000 }),
    maxDocumentsPerRequest: nullable({ type: 'integer', minimum: 1, maximum: 10000 }),
    maxTokensPerRequest: nullable({ type: 'integer', minimum: 1, maximum: 100000000 }),
    scoreNormalization: { enum: ['NONE', 'SIGMOID'] },
    extraHeaders: nullable(stringMap),
    pricing: nullable({
      type: 'object',
      additionalProperties: false,
      required: ['currency'],
      properties: { currency: { type: 'string', pattern: '^[A-Z]{3}$' }, perSearchUnit: decimal, perMillionTokens: decimal, perRequest: decimal, perThousandDocuments: decimal },
    }),
  },
  // Editors flag these too; rrctl turns the failed branches into the API's sentences (validate.ts).
  allOf: [
    {
      if: { type: 'object', required: ['providerType'], properties: { providerType: { enum: BUILTIN_PROVIDER_TYPES } } },
      then: { type: 'object', properties: Object.fromEntries(REMOTE_ONLY_FIELDS.map((field) => [field, { type: 'null' }])) },
      else: { type: 'object', required: ['endpointUrl'] },
    },
    {
      if: { type: 'object', required: ['providerType'], properties: { providerType: { not: { const: 'LEXICAL' } } } },
      then: { type: 'object', properties: { lexical: { type: 'null' } } },
    },
  ],
};

const aliasSpec = {
  type: 'object',
  additionalProperties: false,
  required: ['targets'],
  description: 'The fields of POST /v1/aliases, with targets naming rerankers (by name, or id).',
  properties: {
    description: nullable({ type: 'string' }),
    strategy: { enum: ['FALLBACK', 'WEIGHTED'], description: 'Default FALLBACK' },
    targets: {
      type: 'array',
      minItems: 1,
      maxItems: 16,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['reranker'],
        properties: {
          reranker: { type: 'string', minLength: 1, description: "A reranker's name (of this file set or the server), or its id" },
          weight: { type: 'integer', minimum: 1, maximum: 1000, description: 'Default 1' },
          priority: { type: 'integer', minimum: 0, maximum: 100, description: 'Default 0; lower is tried first' },
        },
      },
    },
    lastResort: nullable({ enum: ['LEXICAL'] }),
    ownerId: { type: 'string', pattern: UUID_PATTERN, description: "Another user's alias (admins); default: the caller's" },
  },
};

const limit = (maximum: number, type = 'integer') => nullable({ type, minimum: 0, maximum });
const limitsSpec = {
  type: 'object',
  additionalProperties: false,
  description: 'Limit overrides of one user or one API key (PUT /v1/limits/...). Left out: unchanged; null: back to the default; 0: unlimited.',
  oneOf: [{ required: ['user'] }, { required: ['apiKey'] }],
  properties: {
    user: { type: 'string', anyOf: [{ pattern: UUID_PATTERN }, { const: 'me' }], description: 'A user id, or me' },
    apiKey: { type: 'string', pattern: UUID_PATTERN, description: 'An API key id' },
    requestsPerMinute: limit(2000000000),
    documentsPerMinute: limit(2000000000),
    concurrentCalls: limit(2000000000),
    monthlyDocuments: limit(1000000000000000),
    monthlyCost: limit(1000000000, 'number'),
  },
};

const metadata = (namePattern: string) => ({
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: namePattern, description: 'The stable key of the object within its owner' },
    labels: {
      type: 'object',
      maxProperties: 20,
      propertyNames: { pattern: '^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$' },
      additionalProperties: { type: 'string', maxLength: 255 },
      description: 'Left out: labels unchanged; given: exactly these (with the rrctl.* labels rrctl manages)',
    },
    protected: { type: 'boolean', description: 'apply --prune refuses to delete it' },
  },
});

const documentOf = (kind: Kind, spec: unknown, namePattern: string) => ({
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: { apiVersion: { const: API_VERSION }, kind: { const: kind }, metadata: metadata(namePattern), spec },
});

export const MANIFEST_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:reranker-registry:rrctl:v1:manifest',
  title: 'rrctl manifest (rrctl/v1)',
  description: 'One object of the reranker registry, declared as code: rrctl apply, diff and export.',
  type: 'object',
  required: ['apiVersion', 'kind'],
  properties: { apiVersion: { const: API_VERSION }, kind: { enum: KINDS } },
  oneOf: [{ $ref: '#/definitions/Reranker' }, { $ref: '#/definitions/Alias' }, { $ref: '#/definitions/Limits' }],
  definitions: {
    Reranker: documentOf('Reranker', rerankerSpec, `${NAME_PATTERN}|${UUID_PATTERN}`),
    Alias: documentOf('Alias', aliasSpec, NAME_PATTERN),
    Limits: documentOf('Limits', limitsSpec, NAME_PATTERN),
  },
} as const;
