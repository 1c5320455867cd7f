import { isDeepStrictEqual } from 'node:util';

export type JsonObject = Record<string, unknown>;

export type AuditDiff = {
  readonly before: JsonObject | null;
  readonly after: JsonObject | null;
};

/** What a secret field holds in a stored diff. */
export const SECRET_MARKER = '[secret]';

/**
 * Fields that hold a secret or a trace of one (a hint, a hash, a ciphertext, a keyed
 * fingerprint), wherever they appear. Snapshots are response mappings that carry none but
 * hints; this is the line that nothing passes, whatever a caller hands in.
 */
const SECRET_FIELDS = new Set([
  'inlineSecret',
  'secretHint',
  'accessKeyId',
  'accessKeyIdHint',
  'secretAccessKey',
  'sessionToken',
  'secretHash',
  'rawApiKey',
  'rootApiKey',
  'sealedSecret',
  'credentialsCiphertext',
  'credentialsFingerprint',
]);

/** Bookkeeping every update changes; the event's own time and actor already say it. */
const BOOKKEEPING = new Set(['updatedAt', 'updatedById']);

/**
 * The fields that differ between two snapshots (all of them for a create or a delete),
 * with secrets replaced by SECRET_MARKER. A field missing on one side is null there.
 */
export function auditDiff(before: object | null, after: object | null, alsoChanged: readonly string[] = []): AuditDiff {
  const [from, to] = [toJson(before), toJson(after)];
  if (!from || !to) return redacted({ before: from, after: to });
  const changed = [...new Set([...Object.keys(from), ...Object.keys(to)])].filter(
    (field) => !BOOKKEEPING.has(field) && (alsoChanged.includes(field) || !isDeepStrictEqual(from[field] ?? null, to[field] ?? null)),
  );
  const pick = (snapshot: JsonObject) => Object.fromEntries(changed.map((field) => [field, snapshot[field] ?? null]));
  return redacted({ before: pick(from), after: pick(to) });
}

/** Plain JSON: what jsonb stores (undefined fields dropped). */
function toJson(snapshot: object | null): JsonObject | null {
  return snapshot === null ? null : (JSON.parse(JSON.stringify(snapshot)) as JsonObject);
}

function redacted(diff: AuditDiff): AuditDiff {
  return redactSecrets(diff) as AuditDiff;
}

/** On plain JSON (no undefined left); a null stays null: that no secret is set is no secret. */
function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([field, inner]) => [field, SECRET_FIELDS.has(field) && inner !== null ? SECRET_MARKER : redactSecrets(inner)]),
  );
}
