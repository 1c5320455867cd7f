import { InvalidArgumentError, type Command } from 'commander';
import type { Schemas } from '../api.js';
import { collect, integer, keyValues } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { readPrivateFile } from '../private-files.js';
import { readSecret, type SecretFlags } from '../secret-input.js';

export const SECRET_FLAGS = { stdin: '--secret-stdin', file: '--secret-file', prompt: '--secret-prompt' } as const;

/** Fields that `--unset` clears (null in the API). */
const NULLABLE = {
  name: 'name',
  description: 'description',
  version: 'version',
  'monitoring-endpoint': 'monitoringEndpoint',
  'timeout-ms': 'requestTimeoutMs',
  'max-documents': 'maxDocumentsPerRequest',
  'max-tokens': 'maxTokensPerRequest',
  headers: 'extraHeaders',
  pricing: 'pricing',
  credentials: 'credentials',
  lexical: 'lexical',
} as const;

export interface RerankerFieldOptions extends Record<string, unknown> {
  name?: string;
  displayName?: string;
  description?: string;
  endpoint?: string;
  apiPath?: string;
  model?: string;
  modality?: string[];
  rerankerVersion?: string;
  monitoringEndpoint?: string;
  timeoutMs?: number;
  maxDocuments?: number;
  maxTokens?: number;
  scoreNormalization?: string;
  header?: string[];
  pricing?: string;
  secretStdin?: boolean;
  secretFile?: string;
  secretPrompt?: boolean;
  secretRef?: string;
  secretHeader?: string;
  secretPrefix?: string;
  gcpAdc?: boolean;
  gcpScope?: string[];
  gcpQuotaProject?: string;
  awsRegion?: string;
  awsService?: string;
  awsKeysStdin?: boolean;
  awsKeysFile?: string;
  bm25K1?: number;
  bm25B?: number;
  unset?: string[];
}

/** A decimal number within the API's range (BM25's k1 and b). */
function numberIn(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$|^\.\d+$/.test(raw.trim()) || value < min || value > max) throw new InvalidArgumentError(`expected a number from ${min} to ${max}`);
    return value;
  };
}

/** The options create and update share: every field of a reranker the API takes, secrets never as values. */
export function withRerankerFieldOptions(command: Command): Command {
  return command
    .option('--name <name>', 'the reranker name, unique per owner (1-128 of A-Z a-z 0-9 . _ : / -)')
    .option('--display-name <text>', 'display name (create: defaults to --name)')
    .option('--description <text>', 'description')
    .option('--endpoint <url>', 'endpoint URL, e.g. https://api.cohere.com')
    .option('--api-path <path>', 'API path (default per provider, e.g. COHERE /v2/rerank)')
    .option('--model <id>', 'model identifier sent upstream, e.g. rerank-v3.5')
    .option('--modality <modality>', 'supported modality TEXT|IMAGE|AUDIO|VIDEO (repeatable)', collect)
    .option('--reranker-version <text>', "the reranker's free-form version (--version is rrctl's own)")
    .option('--monitoring-endpoint <url>', 'monitoring URL')
    .option('--timeout-ms <ms>', 'total upstream deadline, 100-600000', integer(100, 600_000))
    .option('--max-documents <n>', 'upstream batch size, 1-10000', integer(1, 10_000))
    .option('--max-tokens <n>', 'estimated tokens per upstream request', integer(1, 100_000_000))
    .option('--score-normalization <mode>', 'NONE|SIGMOID')
    .option('--header <name=value>', 'extra header sent upstream (repeatable; not for secrets)', collect)
    .option('--pricing <json>', 'pricing, e.g. \'{"currency":"USD","perSearchUnit":"0.002"}\'')
    .option(`${SECRET_FLAGS.stdin}`, 'read the upstream API key from stdin')
    .option(`${SECRET_FLAGS.file} <path>`, 'read the upstream API key from a file (mode 0600)')
    .option(`${SECRET_FLAGS.prompt}`, 'ask for the upstream API key (hidden; terminal only)')
    .option('--secret-ref <uri>', 'use a secret the server holds: env://NAME, vault://mount/path#field, file:///path')
    .option('--secret-header <name>', 'header the key is sent in (default Authorization; PINECONE Api-Key)')
    .option('--secret-prefix <text>', 'text before the key in that header (default "Bearer "; PINECONE none)')
    .option('--gcp-adc', "use the server's Google Application Default Credentials")
    .option('--gcp-scope <scope>', 'OAuth scope for --gcp-adc (repeatable; default cloud-platform)', collect)
    .option('--gcp-quota-project <id>', 'quota project for --gcp-adc')
    .option('--aws-region <region>', 'sign with AWS SigV4 in this region (the server\'s identity unless keys are given)')
    .option('--aws-service <name>', 'SigV4 signing name (default bedrock)')
    .option('--aws-keys-stdin', 'read AWS keys as JSON from stdin (aws configure export-credentials output)')
    .option('--aws-keys-file <path>', 'read AWS keys as JSON from a file (mode 0600)')
    .option('--bm25-k1 <n>', "LEXICAL: BM25's term saturation k1, 0-100 (default: the service's)", numberIn(0, 100))
    .option('--bm25-b <n>', "LEXICAL: BM25's length normalization b, 0-1 (default: the service's)", numberIn(0, 1));
}

/** `--unset <field>`, for update. */
export function withUnsetOption(command: Command): Command {
  return command.option('--unset <field>', `clear a field (repeatable): ${Object.keys(NULLABLE).join(', ')}`, collect);
}

/** The body fields the options give (no key for what was not given). */
export async function rerankerFields(ctx: CliContext, o: RerankerFieldOptions): Promise<Record<string, unknown>> {
  const fields: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) fields[key] = value;
  };
  set('name', o.name);
  set('displayName', o.displayName);
  set('description', o.description);
  set('endpointUrl', o.endpoint);
  set('apiPath', o.apiPath);
  set('modelIdentifier', o.model);
  set('supportedModalities', o.modality?.map((m) => m.toUpperCase()));
  set('version', o.rerankerVersion);
  set('monitoringEndpoint', o.monitoringEndpoint);
  set('requestTimeoutMs', o.timeoutMs);
  set('maxDocumentsPerRequest', o.maxDocuments);
  set('maxTokensPerRequest', o.maxTokens);
  set('scoreNormalization', o.scoreNormalization?.toUpperCase());
  set('extraHeaders', keyValues(o.header, '--header'));
  set('pricing', o.pricing === undefined ? undefined : parsePricing(o.pricing));
  set('credentials', await credentials(ctx, o));
  if (o.bm25K1 !== undefined || o.bm25B !== undefined) fields.lexical = { ...(o.bm25K1 !== undefined ? { k1: o.bm25K1 } : {}), ...(o.bm25B !== undefined ? { b: o.bm25B } : {}) };
  for (const flag of o.unset ?? []) {
    const field = NULLABLE[flag as keyof typeof NULLABLE];
    if (!field) throw new UsageError(`--unset takes one of ${Object.keys(NULLABLE).join(', ')}, not ${JSON.stringify(flag)}`);
    if (field in fields) throw new UsageError(`--unset ${flag} and a value for it: choose one`);
    fields[field] = null;
  }
  return fields;
}

function parsePricing(raw: string): Schemas['PricingDto'] {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Schemas['PricingDto'];
  } catch {
    // reported below
  }
  throw new UsageError('--pricing takes a JSON object, e.g. {"currency":"USD","perSearchUnit":"0.002"}');
}

/** One credential from the flags, or undefined when none is given; secrets come from stdin, a file or a prompt. */
async function credentials(ctx: CliContext, o: RerankerFieldOptions): Promise<Schemas['CredentialsDto'] | undefined> {
  const secretFlags: SecretFlags = { stdin: o.secretStdin, file: o.secretFile, prompt: o.secretPrompt };
  const apiKey = Boolean(o.secretStdin || o.secretFile !== undefined || o.secretPrompt || o.secretRef !== undefined);
  const aws = o.awsRegion !== undefined;
  const kinds = [apiKey && 'an API key', o.gcpAdc && '--gcp-adc', aws && '--aws-region'].filter(Boolean);
  if (kinds.length > 1) throw new UsageError(`a reranker has one credential: ${kinds.join(' and ')} were given`);
  if (!apiKey && (o.secretHeader !== undefined || o.secretPrefix !== undefined)) {
    throw new UsageError('--secret-header and --secret-prefix go with a secret (--secret-stdin, --secret-file, --secret-prompt or --secret-ref)');
  }
  if (!o.gcpAdc && (o.gcpScope !== undefined || o.gcpQuotaProject !== undefined)) throw new UsageError('--gcp-scope and --gcp-quota-project go with --gcp-adc');
  if (!aws && (o.awsService !== undefined || o.awsKeysStdin || o.awsKeysFile !== undefined)) {
    throw new UsageError('--aws-service and --aws-keys-* go with --aws-region');
  }
  if (apiKey) {
    const inline = await readSecret(ctx.io, ctx.stdin, secretFlags, SECRET_FLAGS, 'upstream API key');
    if (inline !== undefined && o.secretRef !== undefined) throw new UsageError('--secret-ref and an inline secret both given: use one');
    return {
      kind: 'CREDENTIAL_KIND_API_KEY',
      apiKey: {
        ...(inline !== undefined ? { inlineSecret: inline } : { secretRef: { uri: o.secretRef! } }),
        ...(o.secretHeader !== undefined ? { headerName: o.secretHeader } : {}),
        ...(o.secretPrefix !== undefined ? { prefix: o.secretPrefix } : {}),
      },
    };
  }
  if (o.gcpAdc) {
    return { kind: 'CREDENTIAL_KIND_GCP_ADC', gcpAdc: { ...(o.gcpScope ? { scopes: o.gcpScope } : {}), ...(o.gcpQuotaProject ? { quotaProjectId: o.gcpQuotaProject } : {}) } };
  }
  if (aws) {
    const keys = await awsKeys(ctx, o);
    return { kind: 'CREDENTIAL_KIND_AWS_SIGV4', awsSigV4: { region: o.awsRegion!, ...(o.awsService ? { service: o.awsService } : {}), ...keys } };
  }
  return undefined;
}

/** AWS keys as `aws configure export-credentials` prints them (or camelCase), never as arguments. */
async function awsKeys(ctx: CliContext, o: RerankerFieldOptions): Promise<Partial<Schemas['AwsSigV4CredentialDto']>> {
  if (o.awsKeysStdin && o.awsKeysFile !== undefined) throw new UsageError('--aws-keys-stdin and --aws-keys-file both given: use one');
  const text = o.awsKeysStdin
    ? await ctx.stdin.read('AWS keys', 64 * 1024)
    : o.awsKeysFile !== undefined
      ? await readPrivateFile(o.awsKeysFile, 'The AWS keys file')
      : undefined;
  if (text === undefined) return {};
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UsageError('the AWS keys must be JSON: {"AccessKeyId": …, "SecretAccessKey": …, "SessionToken"?: …}');
  }
  const pick = (...names: string[]): string | undefined => names.map((name) => raw[name]).find((value): value is string => typeof value === 'string');
  const accessKeyId = pick('AccessKeyId', 'accessKeyId');
  const secretAccessKey = pick('SecretAccessKey', 'secretAccessKey');
  const sessionToken = pick('SessionToken', 'sessionToken');
  if (!accessKeyId || !secretAccessKey) throw new UsageError('the AWS keys need AccessKeyId and SecretAccessKey');
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}
