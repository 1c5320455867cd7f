import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ManifestProblem, ManifestSource, RawDocument } from './load.js';
import { ManifestError } from './load.js';
import { BUILTIN_PROVIDER_TYPES } from '../provider-types.js';
import { API_VERSION, KEPT_SECRET, KINDS, MANIFEST_SCHEMA, type Kind } from './schema.js';
import { ENV_REFERENCE, SECRET_PATHS, SecretSlot } from './secrets.js';

/** Labels rrctl itself manages on rerankers and aliases. */
export const OWNER_SET_LABEL = 'rrctl.owner-set';
export const PROTECTED_LABEL = 'rrctl.protected';

export interface ManifestObject {
  source: ManifestSource;
  kind: Kind;
  name: string;
  /** Undefined: the object's labels are not managed (except rrctl's own). */
  labels?: Record<string, string>;
  protected: boolean;
  /** The spec as written, with every secret field a SecretSlot. */
  spec: Record<string, unknown>;
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
}

export interface ValidateOptions {
  env: Readonly<Record<string, string | undefined>>;
  allowInlineSecrets: boolean;
  ownerSet?: string;
}

let validators: Map<Kind, ValidateFunction> | undefined;

function validatorFor(kind: Kind): ValidateFunction {
  if (!validators) {
    // strictRequired would refuse the standard oneOf-of-required that says "user or apiKey".
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
    ajv.addSchema(MANIFEST_SCHEMA);
    validators = new Map(KINDS.map((k) => [k, ajv.getSchema(`${MANIFEST_SCHEMA.$id}#/definitions/${k}`)!]));
  }
  return validators.get(kind)!;
}

/**
 * Every document checked (shape against the schema, names, labels, secrets, duplicates),
 * all problems reported at once with file, document and field; nothing is sent before.
 */
export function validateManifests(documents: readonly RawDocument[], options: ValidateOptions): ManifestObject[] {
  const problems: ManifestProblem[] = [];
  const objects: ManifestObject[] = [];
  for (const document of documents) {
    const found: ManifestProblem[] = [];
    const problem = (path: ReadonlyArray<string | number>, message: string): void => {
      const line = document.lineOf(path);
      found.push({ source: document.source, ...(path.length > 0 ? { field: fieldName(path) } : {}), ...(line ? { line } : {}), message });
    };
    const object = checkedDocument(document, options, problem);
    problems.push(...found);
    if (object && found.length === 0) objects.push(object);
  }
  problems.push(...duplicates(objects));
  if (problems.length > 0) throw new ManifestError(problems);
  return objects;
}

type Report = (path: ReadonlyArray<string | number>, message: string) => void;

function checkedDocument(document: RawDocument, options: ValidateOptions, problem: Report): ManifestObject | undefined {
  const value = document.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return void problem([], 'a manifest is a mapping with apiVersion, kind, metadata and spec');
  const raw = value as Record<string, unknown>;
  if (raw.apiVersion !== API_VERSION) return void problem(['apiVersion'], `must be ${API_VERSION}`);
  if (!(KINDS as readonly unknown[]).includes(raw.kind)) return void problem(['kind'], `unknown kind ${JSON.stringify(raw.kind)}; one of ${KINDS.join(', ')}`);
  const kind = raw.kind as Kind;
  const validate = validatorFor(kind);
  const providerType = kind === 'Reranker' ? (raw.spec as { providerType?: unknown } | undefined)?.providerType : undefined;
  if (!validate(raw)) {
    for (const error of schemaErrors(validate.errors ?? [], typeof providerType === 'string' ? providerType : undefined)) problem(error.path, error.message);
    return undefined;
  }
  const metadata = raw.metadata as { name: string; labels?: Record<string, string>; protected?: boolean };
  const spec = structuredClone(raw.spec) as Record<string, unknown>;
  checkLabels(metadata.labels, options, problem);
  checkPlainStrings(spec, ['spec'], problem);
  if (kind === 'Reranker') bindSecrets(spec, options, problem);
  if (kind === 'Alias') checkTargets(spec, problem);
  return {
    source: document.source,
    kind,
    name: metadata.name,
    ...(metadata.labels ? { labels: metadata.labels } : {}),
    protected: metadata.protected === true,
    spec,
    lineOf: document.lineOf,
  };
}

function checkLabels(labels: Record<string, string> | undefined, options: ValidateOptions, problem: Report): void {
  if (!labels) return;
  if (PROTECTED_LABEL in labels) problem(['metadata', 'labels', PROTECTED_LABEL], 'is managed by rrctl: set metadata.protected instead');
  const set = labels[OWNER_SET_LABEL];
  if (set !== undefined && options.ownerSet !== undefined && set !== options.ownerSet) {
    problem(['metadata', 'labels', OWNER_SET_LABEL], `says owner set ${JSON.stringify(set)}, but --owner-set is ${JSON.stringify(options.ownerSet)}`);
  }
}

/** `${VAR}` is only for secrets: elsewhere it would print the variable's value in plans and exports. */
function checkPlainStrings(value: unknown, path: Array<string | number>, problem: Report): void {
  if (typeof value === 'string') {
    if (value.includes('${') && !isSecretPath(path)) problem(path, '${…} is only read in secret fields (inlineSecret, accessKeyId, secretAccessKey, sessionToken)');
    return;
  }
  if (Array.isArray(value)) return value.forEach((item, index) => checkPlainStrings(item, [...path, index], problem));
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) checkPlainStrings(item, [...path, key], problem);
  }
}

function isSecretPath(path: ReadonlyArray<string | number>): boolean {
  return SECRET_PATHS.some((secret) => secret.length === path.length - 1 && secret.every((part, index) => path[index + 1] === part));
}

/**
 * Replaces each secret field by a SecretSlot: `${VAR}` from rrctl's environment, the export
 * placeholder (keep the stored secret), or a literal, refused unless --allow-inline-secrets.
 */
function bindSecrets(spec: Record<string, unknown>, options: ValidateOptions, problem: Report): void {
  for (const path of SECRET_PATHS) {
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string, unknown> | null | undefined)?.[key], spec) as
      | Record<string, unknown>
      | null
      | undefined;
    const key = path[path.length - 1]!;
    const raw = parent?.[key];
    if (typeof raw !== 'string') continue;
    const field = ['spec', ...path];
    const reference = ENV_REFERENCE.exec(raw);
    if (raw === KEPT_SECRET) parent![key] = new SecretSlot({ kind: 'kept' });
    else if (reference) {
      const variable = reference[1]!;
      const value = options.env[variable];
      if (value === undefined || value === '') problem(field, `\${${variable}} is not set in rrctl's environment`);
      else parent![key] = new SecretSlot({ kind: 'env', variable }, value);
    } else if (raw.includes('${')) {
      problem(field, 'a secret is one whole ${ENV_VAR}, with nothing around it');
    } else if (!options.allowInlineSecrets) {
      problem(field, 'is an inline secret: give ${ENV_VAR} or a secretRef (or pass --allow-inline-secrets)');
    } else {
      parent![key] = new SecretSlot({ kind: 'literal' }, raw);
    }
  }
}

function checkTargets(spec: Record<string, unknown>, problem: Report): void {
  const seen = new Set<string>();
  (spec.targets as Array<{ reranker: string }>).forEach((target, index) => {
    if (seen.has(target.reranker)) problem(['spec', 'targets', index, 'reranker'], `${JSON.stringify(target.reranker)} is already a target of this alias`);
    seen.add(target.reranker);
  });
}

function duplicates(objects: readonly ManifestObject[]): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const seen = new Map<string, ManifestObject>();
  for (const object of objects) {
    const spec = object.spec as { ownerId?: string; user?: string; apiKey?: string };
    const keys = [`${object.kind}/${spec.ownerId ?? ''}/${object.name}`];
    if (object.kind === 'Limits') keys.push(spec.user !== undefined ? `Limits/user/${spec.user}` : `Limits/apikey/${spec.apiKey}`);
    for (const key of keys) {
      const first = seen.get(key);
      if (first) {
        problems.push({
          source: object.source,
          field: key === keys[0] ? 'metadata.name' : 'spec',
          message: `${key === keys[0] ? `${object.kind} ${JSON.stringify(object.name)}` : 'these limits'} already declared in ${first.source.file}, document ${first.source.document}`,
        });
      } else seen.set(key, object);
    }
  }
  return problems;
}

interface SchemaProblem {
  path: Array<string | number>;
  message: string;
}

/**
 * ajv's errors as fields and sentences; the branches of a failed `anyOf` (a nullable field) or
 * `oneOf` become one, and the conditions on a reranker's provider type (`if`/`then`/`else`)
 * say what the API would: which field, and why, for that type.
 */
function schemaErrors(errors: readonly ErrorObject[], providerType?: string): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const branches: ErrorObject[] = [];
  for (const error of errors) {
    const path = pointerPath(error.instancePath);
    if (error.keyword === 'if') continue;
    const conditional = /\/allOf\/\d+\/(then|else)\//.exec(error.schemaPath);
    if (conditional) {
      problems.push(providerTypeProblem(error, path, providerType ?? 'this provider type'));
      continue;
    }
    const inBranch = /\/(anyOf|oneOf)\/\d+\//.test(error.schemaPath);
    if (inBranch) {
      branches.push(error);
      continue;
    }
    if (error.keyword === 'anyOf') {
      const own = branches.filter((b) => b.instancePath === error.instancePath || b.instancePath.startsWith(`${error.instancePath}/`));
      // An object that is not null (a nullable mapping) failed inside: name the fields within it, not "or must be null".
      const inside = own.filter((b) => b.instancePath !== error.instancePath || b.keyword === 'additionalProperties' || b.keyword === 'required');
      if (inside.length > 0) {
        const unwrapped = own.map((b) => ({ ...b, schemaPath: b.schemaPath.replace(/\/(anyOf|oneOf)\/\d+\//, '/') }));
        problems.push(...schemaErrors(unwrapped.filter((b) => b.instancePath !== error.instancePath || b.keyword !== 'type'), providerType));
        continue;
      }
      const alternatives = [...new Set(own.map(sentence))];
      problems.push({ path, message: alternatives.length > 0 ? alternatives.join(', or ') : 'has a value of the wrong type' });
      continue;
    }
    if (error.keyword === 'additionalProperties') problems.push({ path: [...path, String(error.params.additionalProperty)], message: 'unknown field' });
    else if (error.keyword === 'required') problems.push({ path: [...path, String(error.params.missingProperty)], message: 'is required' });
    else if (error.keyword === 'oneOf' && path.join('.') === 'spec') problems.push({ path, message: 'give exactly one of user and apiKey' });
    else problems.push({ path, message: sentence(error) });
  }
  return problems;
}

function providerTypeProblem(error: ErrorObject, path: Array<string | number>, providerType: string): SchemaProblem {
  if (error.keyword === 'required') {
    return { path: [...path, String(error.params.missingProperty)], message: `is required for ${providerType} (only ${BUILTIN_PROVIDER_TYPES.join(' and ')} run without one)` };
  }
  const field = path[path.length - 1];
  if (field === 'lexical') return { path, message: `is only for LEXICAL, not ${providerType}` };
  return { path, message: `is not accepted for ${providerType}: it runs inside the service` };
}

function sentence(error: ErrorObject): string {
  if (error.keyword === 'enum') return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (error.keyword === 'const') return `must be ${JSON.stringify(error.params.allowedValue)}`;
  if (error.keyword === 'type') return `must be ${error.params.type === 'null' ? 'null' : `a${/^[aeiou]/.test(String(error.params.type)) ? 'n' : ''} ${error.params.type}`}`;
  return error.message ?? 'is not valid';
}

function pointerPath(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function fieldName(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>((name, part) => (typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}
