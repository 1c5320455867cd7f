import { listAll, ok, type ApiClient, type Schemas } from '../api.js';
import { API_VERSION, KEPT_SECRET, type Kind } from './schema.js';
import { PROTECTED_LABEL } from './validate.js';

type Reranker = Schemas['RerankerResponse'];
type Alias = Schemas['AliasResponse'];

export interface Manifest {
  apiVersion: typeof API_VERSION;
  kind: Kind;
  metadata: { name: string; labels?: Record<string, string>; protected?: true };
  spec: Record<string, unknown>;
}

export interface ExportOptions {
  api: ApiClient;
  me: string;
  kinds: ReadonlySet<Kind>;
  /** `label.<key>` filters, as the list routes take them. */
  labelQuery: Record<string, string>;
  /** Another owner's objects (admins); written as spec.ownerId. */
  ownerId?: string;
}

/**
 * What exists, as manifests that apply reads back as unchanged: names (or ids where a
 * reranker has none), every field the API shows that is not a default left null, secrets
 * as their references, inline ones as the placeholder apply keeps and never sends. A
 * built-in reranker (LEXICAL, LOCAL) shows a null endpoint and API path, so it is written
 * without them, as validation asks.
 */
export async function exportManifests(options: ExportOptions): Promise<Manifest[]> {
  const { api, kinds } = options;
  const ownerId = options.ownerId ?? options.me;
  const manifests: Manifest[] = [];
  const names = new Map<string, string>();
  if (kinds.has('Reranker') || kinds.has('Alias')) {
    const rerankers = await listAll<Reranker>(async (pageSize, nextToken) => {
      const query = { ownerId, pageSize, nextToken, ...(kinds.has('Reranker') ? options.labelQuery : {}) };
      const page = await ok(api.GET('/v1/rerankers', { params: { query } }));
      return { items: page.rerankers, nextToken: page.nextToken };
    });
    for (const reranker of rerankers) names.set(reranker.rerankerId, reranker.name ?? reranker.rerankerId);
    if (kinds.has('Reranker')) manifests.push(...rerankers.map((r) => rerankerManifest(r, options.ownerId)));
  }
  if (kinds.has('Alias')) {
    const aliases = await listAll<Alias>(async (pageSize, nextToken) => {
      const page = await ok(api.GET('/v1/aliases', { params: { query: { ownerId, pageSize, nextToken, ...options.labelQuery } } }));
      return { items: page.aliases, nextToken: page.nextToken };
    });
    for (const alias of aliases) manifests.push(await aliasManifest(api, alias, names, options.ownerId));
  }
  if (kinds.has('Limits') && Object.keys(options.labelQuery).length === 0) manifests.push(...(await limitsManifests(api, ownerId)));
  const order: Kind[] = ['Reranker', 'Alias', 'Limits'];
  return manifests.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.metadata.name.localeCompare(b.metadata.name));
}

function metadataOf(name: string, labels: Record<string, string>): Manifest['metadata'] {
  const rest = { ...labels };
  const isProtected = rest[PROTECTED_LABEL] === 'true';
  delete rest[PROTECTED_LABEL];
  return { name, ...(Object.keys(rest).length > 0 ? { labels: rest } : {}), ...(isProtected ? { protected: true as const } : {}) };
}

/** Keys in the order a reader expects them; nulls left out (apply leaves left-out fields as they are). */
function compact(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined));
}

export function rerankerManifest(reranker: Reranker, ownerId?: string): Manifest {
  return {
    apiVersion: API_VERSION,
    kind: 'Reranker',
    metadata: metadataOf(reranker.name ?? reranker.rerankerId, reranker.labels),
    spec: compact({
      displayName: reranker.displayName,
      description: reranker.description,
      providerType: reranker.providerType,
      endpointUrl: reranker.endpointUrl,
      apiPath: reranker.apiPath,
      modelIdentifier: reranker.modelIdentifier,
      lexical: reranker.lexical,
      supportedModalities: reranker.supportedModalities,
      credentials: reranker.credentials ? exportedCredentials(reranker.credentials) : undefined,
      version: reranker.version,
      monitoringEndpoint: reranker.monitoringEndpoint,
      requestTimeoutMs: reranker.requestTimeoutMs,
      maxDocumentsPerRequest: reranker.maxDocumentsPerRequest,
      maxTokensPerRequest: reranker.maxTokensPerRequest,
      scoreNormalization: reranker.scoreNormalization,
      extraHeaders: reranker.extraHeaders && Object.keys(reranker.extraHeaders).length > 0 ? reranker.extraHeaders : undefined,
      pricing: reranker.pricing,
      ownerId,
    }),
  };
}

/** The credential as a manifest declares it: references as they are, inline secrets as the placeholder. */
function exportedCredentials(metadata: Schemas['CredentialMetadataResponse']): Record<string, unknown> {
  const labels = metadata.labels && Object.keys(metadata.labels).length > 0 ? { labels: metadata.labels } : {};
  if (metadata.kind === 'CREDENTIAL_KIND_GCP_ADC') {
    const { scopes, quotaProjectId } = metadata.gcpAdc!;
    return { kind: metadata.kind, gcpAdc: compact({ scopes: scopes.length > 0 ? scopes : undefined, quotaProjectId }), ...labels };
  }
  if (metadata.kind === 'CREDENTIAL_KIND_AWS_SIGV4') {
    const aws = metadata.awsSigV4!;
    const keys = aws.hasInlineKeys ? { accessKeyId: KEPT_SECRET, secretAccessKey: KEPT_SECRET, ...(aws.hasSessionToken ? { sessionToken: KEPT_SECRET } : {}) } : {};
    return { kind: metadata.kind, awsSigV4: { region: aws.region, service: aws.service, ...keys }, ...labels };
  }
  const apiKey = metadata.apiKey!;
  const secret = apiKey.secretRef ? { secretRef: compact({ uri: apiKey.secretRef.uri, hints: apiKey.secretRef.hints }) } : { inlineSecret: KEPT_SECRET };
  return { kind: metadata.kind, apiKey: { ...secret, headerName: apiKey.headerName, prefix: apiKey.prefix }, ...labels };
}

async function aliasManifest(api: ApiClient, alias: Alias, names: Map<string, string>, ownerId?: string): Promise<Manifest> {
  const targets = [];
  for (const target of alias.targets) {
    if (!names.has(target.rerankerId)) {
      const reranker = await ok(api.GET('/v1/rerankers/{id}', { params: { path: { id: target.rerankerId } } }));
      names.set(reranker.rerankerId, reranker.name ?? reranker.rerankerId);
    }
    targets.push({ reranker: names.get(target.rerankerId)!, weight: target.weight, priority: target.priority });
  }
  return {
    apiVersion: API_VERSION,
    kind: 'Alias',
    metadata: metadataOf(alias.name, alias.labels),
    spec: compact({ description: alias.description, strategy: alias.strategy, targets, lastResort: alias.lastResort, ownerId }),
  };
}

const LIMIT_FIELDS = ['requestsPerMinute', 'documentsPerMinute', 'concurrentCalls', 'monthlyDocuments', 'monthlyCost'] as const;

/** The overrides set on the owner and on their keys (not revoked); limits left at the defaults are not written. */
async function limitsManifests(api: ApiClient, userId: string): Promise<Manifest[]> {
  const manifests: Manifest[] = [];
  const add = (name: string, subject: Record<string, string>, limits: Schemas['LimitsResponse']): void => {
    const overrides = compact(Object.fromEntries(LIMIT_FIELDS.map((field) => [field, limits.overrides[field]])));
    if (Object.keys(overrides).length > 0) manifests.push({ apiVersion: API_VERSION, kind: 'Limits', metadata: { name }, spec: { ...subject, ...overrides } });
  };
  add(`user-${userId}`, { user: userId }, await ok(api.GET('/v1/limits/users/{id}', { params: { path: { id: userId } } })));
  const keys = await listAll<Schemas['ApiKeyResponse']>(async (pageSize, nextToken) => {
    const page = await ok(api.GET('/v1/apikeys', { params: { query: { userId, pageSize, nextToken } } }));
    return { items: page.apiKeys, nextToken: page.nextToken };
  });
  for (const key of keys.filter((k) => k.revokedAt === null)) {
    add(`apikey-${key.apiKeyId}`, { apiKey: key.apiKeyId }, await ok(api.GET('/v1/limits/apikeys/{id}', { params: { path: { id: key.apiKeyId } } })));
  }
  return manifests;
}
