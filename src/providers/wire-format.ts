import { nestsWithin } from '../common/validation/json-input.js';
import { UpstreamFormatError, type ParsedUpstreamResponse, type UpstreamErrorClass, type UpstreamScore } from './provider-adapter.js';

type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads `[{ <indexKey>, <scoreKey> }]` strictly: every entry needs an integer index and a
 * finite numeric score. Range and duplicate checks happen when batches are merged.
 */
export function readScores(list: unknown, scoreKeys: readonly string[]): UpstreamScore[] {
  if (!Array.isArray(list)) throw new UpstreamFormatError('results are not a list');
  return list.map((entry, position) => {
    if (!isObject(entry)) throw new UpstreamFormatError(`result ${position} is not an object`);
    const index = entry.index;
    if (typeof index !== 'number' || !Number.isInteger(index)) {
      throw new UpstreamFormatError(`result ${position} has no integer index`);
    }
    const key = scoreKeys.find((candidate) => candidate in entry);
    const score = key === undefined ? undefined : entry[key];
    if (typeof score !== 'number' || !Number.isFinite(score)) {
      throw new UpstreamFormatError(`result ${position} has no numeric ${scoreKeys.join(' or ')}`);
    }
    return { index, score };
  });
}

/** `{ <listKey>: [{index, <scoreKey>}], usage? }`, the shape most providers answer with (`relevance_score` unless told). */
export function readListWithUsage(body: unknown, listKey: string, scoreKey = 'relevance_score'): ParsedUpstreamResponse {
  const json = requireObject(body);
  const usage = objectAt(json, 'usage');
  return { scores: readScores(json[listKey], [scoreKey]), ...(usage ? { usage } : {}) };
}

/** How deep a usage block we pass through may nest; a deeper one is dropped, not echoed. */
const MAX_PASSED_THROUGH_DEPTH = 8;

/** The object under `key` if it is one (usage blocks are passed through as reported). */
export function objectAt(body: Json, key: string): Json | undefined {
  const value = body[key];
  return isObject(value) && nestsWithin(value, MAX_PASSED_THROUGH_DEPTH) ? value : undefined;
}

/**
 * Common error body shapes: `{message}`, `{detail}`, `{error: "..."}`,
 * `{error: {message}}`, FastAPI's `{detail: [{msg}]}`.
 */
export function commonErrorMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() || undefined;
  if (!isObject(body)) return undefined;
  for (const key of ['message', 'detail', 'error']) {
    const value = body[key];
    if (typeof value === 'string' && value.trim()) return value;
    if (isObject(value) && typeof value.message === 'string') return value.message;
    if (Array.isArray(value) && isObject(value[0]) && typeof value[0].msg === 'string') return value[0].msg;
  }
  return undefined;
}

/** By status alone: 413 is the upstream's body size limit, anything else is the upstream's. */
export function classifyByStatus(status: number): UpstreamErrorClass {
  return status === 413 ? 'payload-too-large' : 'upstream';
}

/** `input` when the reply has `status` (or one of them) and its message matches `pattern`, else by status. */
export function inputErrorWhen(status: number | readonly number[], pattern: RegExp) {
  const statuses: readonly number[] = typeof status === 'number' ? [status] : status;
  return (replyStatus: number, body: unknown): UpstreamErrorClass =>
    statuses.includes(replyStatus) && pattern.test(commonErrorMessage(body) ?? '') ? 'input' : classifyByStatus(replyStatus);
}

/** Drops unset (undefined or null) fields, so strict upstreams (Cohere v2) see only what we mean to send. */
export function compact(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined && value !== null));
}

export function requireObject(body: unknown): Json {
  if (!isObject(body)) throw new UpstreamFormatError('response is not a JSON object');
  return body;
}
