/**
 * The reranker form: its state, the defaults a provider type brings, and the create and
 * update bodies it sends. Validation is the API's (create, update and the dry probe give the
 * same answers); the form only refuses what it cannot turn into a body (a label line
 * without `=`, a number that is not one or out of the API's range), naming the field like
 * the API does.
 *
 * Built-in types (the catalog's `builtin: true`: LEXICAL, LOCAL) run inside the service: the
 * API refuses an endpoint, API path, credential or extra headers for them, so the form never
 * sends those, whatever is left in the hidden fields.
 */
import { labelsToText, parseLabels, sameLabels } from './labels.js';

export type ProviderType =
  | 'OPENAI' | 'VLLM' | 'TEI' | 'LLAMA_CPP' | 'VOYAGE' | 'COHERE' | 'JINA' | 'NVIDIA_NIM' | 'PINECONE' | 'MIXEDBREAD' | 'VERTEX_AI' | 'BEDROCK' | 'DEEPINFRA' | 'LEXICAL' | 'LOCAL';
export type CredentialKind = 'CREDENTIAL_KIND_API_KEY' | 'CREDENTIAL_KIND_GCP_ADC' | 'CREDENTIAL_KIND_AWS_SIGV4';

/** One entry of GET /v1/providers. */
export interface ProviderInfo {
  readonly providerType: ProviderType;
  readonly displayName: string;
  readonly defaultEndpointUrl: string | null;
  /** May hold `{model}`, replaced by the model identifier; null for built-in types. */
  readonly defaultApiPath: string | null;
  readonly credentialHeader: { readonly headerName: string; readonly prefix: string } | null;
  readonly credentialKinds: readonly CredentialKind[];
  readonly defaultScoreNormalization: 'NONE' | 'SIGMOID';
  /** Null: the whole call at once (LEXICAL). */
  readonly maxDocumentsPerRequest: number | null;
  /** Runs inside the service: no endpoint, API path, credential or extra headers. */
  readonly builtin?: boolean;
  /** A permission registering it needs (LOCAL: USE_SERVER_RESOURCES), null for none. */
  readonly requiresPermission?: string | null;
}

/** LEXICAL's one model. */
export const BM25_MODEL = 'bm25';
/** The API's ranges for BM25's parameters. */
export const LEXICAL_RANGES = { k1: { min: 0, max: 100 }, b: { min: 0, max: 1 } } as const;

export function isBuiltin(provider: ProviderInfo): boolean {
  return provider.builtin === true;
}

/** How the credential is given. `KEEP` (edit only): the stored one stays, its secret never comes back. */
export type CredentialChoice = 'NONE' | 'KEEP' | 'API_KEY_INLINE' | 'API_KEY_REF' | 'GCP_ADC' | 'AWS_KEYS' | 'AWS_CHAIN';

export interface RerankerFormState {
  displayName: string;
  description: string;
  providerType: ProviderType;
  endpointUrl: string;
  apiPath: string;
  modelIdentifier: string;
  credential: CredentialChoice;
  inlineSecret: string;
  secretRefUri: string;
  headerName: string;
  prefix: string;
  gcpScopes: string;
  gcpQuotaProjectId: string;
  awsRegion: string;
  awsService: string;
  awsAccessKeyId: string;
  awsSecretAccessKey: string;
  awsSessionToken: string;
  labels: string;
  requestTimeoutMs: string;
  maxDocumentsPerRequest: string;
  scoreNormalization: '' | 'NONE' | 'SIGMOID';
  priced: boolean;
  currency: string;
  perSearchUnit: string;
  perMillionTokens: string;
  perRequest: string;
  perThousandDocuments: string;
  ownerId: string;
  /** BM25's k1 and b (LEXICAL only); empty: the service's default. */
  lexicalK1: string;
  lexicalB: string;
}

/** API field paths (as errors name them) -> the form field showing the message. */
export const RERANKER_FIELDS: Readonly<Record<string, keyof RerankerFormState>> = {
  displayName: 'displayName',
  description: 'description',
  providerType: 'providerType',
  endpointUrl: 'endpointUrl',
  apiPath: 'apiPath',
  modelIdentifier: 'modelIdentifier',
  credentials: 'credential',
  'credentials.kind': 'credential',
  'credentials.apiKey': 'inlineSecret',
  'credentials.apiKey.inlineSecret': 'inlineSecret',
  'credentials.apiKey.secretRef': 'secretRefUri',
  'credentials.apiKey.secretRef.uri': 'secretRefUri',
  'credentials.apiKey.headerName': 'headerName',
  'credentials.apiKey.prefix': 'prefix',
  'credentials.gcpAdc': 'gcpScopes',
  'credentials.gcpAdc.scopes': 'gcpScopes',
  'credentials.gcpAdc.quotaProjectId': 'gcpQuotaProjectId',
  'credentials.awsSigV4': 'awsRegion',
  'credentials.awsSigV4.region': 'awsRegion',
  'credentials.awsSigV4.service': 'awsService',
  'credentials.awsSigV4.accessKeyId': 'awsAccessKeyId',
  'credentials.awsSigV4.secretAccessKey': 'awsSecretAccessKey',
  'credentials.awsSigV4.sessionToken': 'awsSessionToken',
  labels: 'labels',
  replaceLabels: 'labels',
  requestTimeoutMs: 'requestTimeoutMs',
  maxDocumentsPerRequest: 'maxDocumentsPerRequest',
  scoreNormalization: 'scoreNormalization',
  pricing: 'currency',
  'pricing.currency': 'currency',
  'pricing.perSearchUnit': 'perSearchUnit',
  'pricing.perMillionTokens': 'perMillionTokens',
  'pricing.perRequest': 'perRequest',
  'pricing.perThousandDocuments': 'perThousandDocuments',
  ownerId: 'ownerId',
  lexical: 'lexicalK1',
  'lexical.k1': 'lexicalK1',
  'lexical.b': 'lexicalB',
};

export function apiPathFor(provider: ProviderInfo, model: string): string {
  return (provider.defaultApiPath ?? '').replace('{model}', model);
}

function defaultCredential(provider: ProviderInfo): CredentialChoice {
  const kinds = provider.credentialKinds;
  if (kinds[0] === 'CREDENTIAL_KIND_GCP_ADC') return 'GCP_ADC';
  if (kinds[0] === 'CREDENTIAL_KIND_AWS_SIGV4') return 'AWS_KEYS';
  return kinds.includes('CREDENTIAL_KIND_API_KEY') ? 'API_KEY_INLINE' : 'NONE';
}

export function emptyForm(provider: ProviderInfo): RerankerFormState {
  const apiPath = provider.defaultApiPath ?? '';
  return {
    displayName: '',
    description: '',
    providerType: provider.providerType,
    endpointUrl: provider.defaultEndpointUrl ?? '',
    apiPath: apiPath.includes('{model}') ? '' : apiPath,
    modelIdentifier: provider.providerType === 'LEXICAL' ? BM25_MODEL : '',
    credential: defaultCredential(provider),
    inlineSecret: '',
    secretRefUri: '',
    headerName: provider.credentialHeader?.headerName ?? '',
    prefix: provider.credentialHeader?.prefix ?? '',
    gcpScopes: '',
    gcpQuotaProjectId: '',
    awsRegion: '',
    awsService: 'bedrock',
    awsAccessKeyId: '',
    awsSecretAccessKey: '',
    awsSessionToken: '',
    labels: '',
    requestTimeoutMs: '',
    maxDocumentsPerRequest: '',
    scoreNormalization: '',
    priced: false,
    currency: 'USD',
    perSearchUnit: '',
    perMillionTokens: '',
    perRequest: '',
    perThousandDocuments: '',
    ownerId: '',
    lexicalK1: '',
    lexicalB: '',
  };
}

/**
 * Another provider type chosen on a new reranker: its defaults replace the fields still
 * holding the previous type's defaults, and nothing the user typed is overwritten.
 */
export function switchProvider(state: RerankerFormState, from: ProviderInfo, to: ProviderInfo): RerankerFormState {
  const before = emptyForm(from);
  const after = emptyForm(to);
  const next: RerankerFormState = { ...state, providerType: to.providerType };
  for (const key of ['endpointUrl', 'apiPath', 'headerName', 'prefix', 'credential', 'modelIdentifier'] as const) {
    if (state[key] === before[key]) (next as unknown as Record<string, unknown>)[key] = after[key];
  }
  // LEXICAL has one model: another type's model name typed before would only earn a 400.
  if (to.providerType === 'LEXICAL') next.modelIdentifier = BM25_MODEL;
  if (!to.credentialKinds.some((kind) => choiceKinds(next.credential).includes(kind)) && next.credential !== 'NONE') next.credential = after.credential;
  return next;
}

export function choiceKinds(choice: CredentialChoice): CredentialKind[] {
  switch (choice) {
    case 'API_KEY_INLINE':
    case 'API_KEY_REF':
      return ['CREDENTIAL_KIND_API_KEY'];
    case 'GCP_ADC':
      return ['CREDENTIAL_KIND_GCP_ADC'];
    case 'AWS_KEYS':
    case 'AWS_CHAIN':
      return ['CREDENTIAL_KIND_AWS_SIGV4'];
    default:
      return [];
  }
}

/** The form as the reranker is stored; a stored credential is kept unless replaced. */
export interface StoredReranker {
  readonly displayName: string;
  readonly description: string | null;
  readonly providerType: ProviderType;
  /** Null for built-in types. */
  readonly endpointUrl: string | null;
  readonly apiPath: string | null;
  readonly modelIdentifier: string;
  readonly credentials: { readonly kind: CredentialKind; readonly apiKey?: { readonly headerName: string; readonly prefix: string } } | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly requestTimeoutMs?: number;
  readonly maxDocumentsPerRequest?: number;
  readonly scoreNormalization: 'NONE' | 'SIGMOID';
  readonly pricing: Readonly<Record<string, string | undefined>> | null;
  readonly ownerId: string;
  readonly lexical?: { readonly k1?: number; readonly b?: number } | null;
}

export function formFromReranker(reranker: StoredReranker, provider: ProviderInfo): RerankerFormState {
  const pricing = reranker.pricing;
  return {
    ...emptyForm(provider),
    displayName: reranker.displayName,
    description: reranker.description ?? '',
    endpointUrl: reranker.endpointUrl ?? '',
    apiPath: reranker.apiPath ?? '',
    modelIdentifier: reranker.modelIdentifier,
    credential: reranker.credentials ? 'KEEP' : 'NONE',
    headerName: reranker.credentials?.apiKey?.headerName ?? provider.credentialHeader?.headerName ?? '',
    prefix: reranker.credentials?.apiKey?.prefix ?? provider.credentialHeader?.prefix ?? '',
    labels: labelsToText(reranker.labels),
    requestTimeoutMs: reranker.requestTimeoutMs === undefined ? '' : String(reranker.requestTimeoutMs),
    maxDocumentsPerRequest: reranker.maxDocumentsPerRequest === undefined ? '' : String(reranker.maxDocumentsPerRequest),
    scoreNormalization: reranker.scoreNormalization,
    priced: pricing !== null,
    currency: pricing?.currency ?? 'USD',
    perSearchUnit: pricing?.perSearchUnit ?? '',
    perMillionTokens: pricing?.perMillionTokens ?? '',
    perRequest: pricing?.perRequest ?? '',
    perThousandDocuments: pricing?.perThousandDocuments ?? '',
    ownerId: reranker.ownerId,
    lexicalK1: reranker.lexical?.k1 === undefined ? '' : String(reranker.lexical.k1),
    lexicalB: reranker.lexical?.b === undefined ? '' : String(reranker.lexical.b),
  };
}

export class FormProblem extends Error {
  constructor(
    readonly field: keyof RerankerFormState,
    message: string,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;

function integerOf(field: 'requestTimeoutMs' | 'maxDocumentsPerRequest', text: string): number | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  if (!/^\d+$/.test(trimmed)) throw new FormProblem(field, `${field} must be a whole number`);
  return Number(trimmed);
}

function labelsOf(state: RerankerFormState): Record<string, string> {
  try {
    return parseLabels(state.labels);
  } catch (error) {
    throw new FormProblem('labels', `labels: ${(error as Error).message}`);
  }
}

/** The credentials object, or null for none, or undefined to keep the stored one. */
export function credentialsOf(state: RerankerFormState): Body | null | undefined {
  const apiKey = (extra: Body): Body => ({ kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { headerName: state.headerName, prefix: state.prefix, ...extra } });
  const optional = (value: string): string | undefined => (value.trim() ? value.trim() : undefined);
  switch (state.credential) {
    case 'KEEP':
      return undefined;
    case 'NONE':
      return null;
    case 'API_KEY_INLINE':
      return apiKey({ inlineSecret: state.inlineSecret });
    case 'API_KEY_REF':
      return apiKey({ secretRef: { uri: state.secretRefUri.trim() } });
    case 'GCP_ADC': {
      const scopes = state.gcpScopes.split(/[\s,]+/).filter(Boolean);
      return { kind: 'CREDENTIAL_KIND_GCP_ADC', gcpAdc: { ...(scopes.length ? { scopes } : {}), ...(optional(state.gcpQuotaProjectId) ? { quotaProjectId: optional(state.gcpQuotaProjectId) } : {}) } };
    }
    case 'AWS_KEYS':
    case 'AWS_CHAIN': {
      const keys =
        state.credential === 'AWS_KEYS'
          ? { accessKeyId: state.awsAccessKeyId.trim(), secretAccessKey: state.awsSecretAccessKey, ...(optional(state.awsSessionToken) ? { sessionToken: state.awsSessionToken.trim() } : {}) }
          : {};
      return { kind: 'CREDENTIAL_KIND_AWS_SIGV4', awsSigV4: { region: state.awsRegion.trim(), service: state.awsService.trim() || 'bedrock', ...keys } };
    }
  }
}

function lexicalNumber(field: 'lexicalK1' | 'lexicalB', text: string): number | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const name = field === 'lexicalK1' ? 'k1' : 'b';
  const { min, max } = LEXICAL_RANGES[name];
  // Number('') and Number('0x1') are numbers too: only plain decimals are.
  const value = /^\d+(\.\d+)?$|^\.\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isFinite(value) || value < min || value > max) throw new FormProblem(field, `lexical.${name} must be a number from ${min} to ${max}`);
  return value;
}

/** BM25's parameters (LEXICAL only), or null when both are left to the service's defaults. */
export function lexicalOf(state: RerankerFormState): { k1?: number; b?: number } | null {
  if (state.providerType !== 'LEXICAL') return null;
  const k1 = lexicalNumber('lexicalK1', state.lexicalK1);
  const b = lexicalNumber('lexicalB', state.lexicalB);
  if (k1 === undefined && b === undefined) return null;
  return { ...(k1 !== undefined ? { k1 } : {}), ...(b !== undefined ? { b } : {}) };
}

function pricingOf(state: RerankerFormState): Body | null {
  if (!state.priced) return null;
  const pricing: Body = { currency: state.currency.trim() };
  for (const rate of ['perSearchUnit', 'perMillionTokens', 'perRequest', 'perThousandDocuments'] as const) {
    // Strings keep decimals exact (the API takes both).
    if (state[rate].trim()) pricing[rate] = state[rate].trim();
  }
  return pricing;
}

/** POST /v1/rerankers (and the dry probe): throws FormProblem for what cannot become a body. */
export function createBody(state: RerankerFormState, provider: ProviderInfo): Body {
  const builtin = isBuiltin(provider);
  const body: Body = {
    displayName: state.displayName,
    providerType: state.providerType,
    ...(builtin ? {} : { endpointUrl: state.endpointUrl.trim() }),
    modelIdentifier: state.modelIdentifier.trim(),
    labels: labelsOf(state),
  };
  if (state.description.trim()) body.description = state.description;
  if (!builtin && state.apiPath.trim()) body.apiPath = state.apiPath.trim();
  const credentials = builtin ? null : credentialsOf(state);
  if (credentials) body.credentials = credentials;
  const lexical = lexicalOf(state);
  if (lexical) body.lexical = lexical;
  const timeout = integerOf('requestTimeoutMs', state.requestTimeoutMs);
  if (timeout !== undefined) body.requestTimeoutMs = timeout;
  const batch = integerOf('maxDocumentsPerRequest', state.maxDocumentsPerRequest);
  if (batch !== undefined) body.maxDocumentsPerRequest = batch;
  if (state.scoreNormalization) body.scoreNormalization = state.scoreNormalization;
  const pricing = pricingOf(state);
  if (pricing) body.pricing = pricing;
  if (state.ownerId.trim()) body.ownerId = state.ownerId.trim();
  return body;
}

/**
 * PATCH /v1/rerankers/{id}: only what changed from `original` (the form as loaded), so a
 * concurrent change to another field is not overwritten, and If-Match catches one to the same.
 */
export function patchBody(original: RerankerFormState, state: RerankerFormState, provider: ProviderInfo): Body {
  const builtin = isBuiltin(provider);
  const body: Body = {};
  for (const key of builtin ? (['displayName', 'modelIdentifier'] as const) : (['displayName', 'endpointUrl', 'apiPath', 'modelIdentifier'] as const)) {
    if (state[key].trim() !== original[key].trim()) body[key] = key === 'displayName' ? state[key] : state[key].trim();
  }
  const lexical = lexicalOf(state);
  if (JSON.stringify(lexical) !== JSON.stringify(lexicalOf(original))) body.lexical = lexical;
  if (state.description !== original.description) body.description = state.description.trim() ? state.description : null;
  const labels = labelsOf(state);
  if (!sameLabels(labels, labelsOf(original))) body.replaceLabels = labels;
  for (const key of ['requestTimeoutMs', 'maxDocumentsPerRequest'] as const) {
    if (state[key].trim() !== original[key].trim()) body[key] = integerOf(key, state[key]) ?? null;
  }
  if (state.scoreNormalization !== original.scoreNormalization && state.scoreNormalization) body.scoreNormalization = state.scoreNormalization;
  const pricing = pricingOf(state);
  if (JSON.stringify(pricing) !== JSON.stringify(pricingOf(original))) body.pricing = pricing;
  if (builtin) return body;
  const credentials = credentialsOf(state);
  if (credentials !== undefined && !(credentials === null && original.credential === 'NONE')) body.credentials = credentials;
  return body;
}
