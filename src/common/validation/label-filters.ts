import type { ClassConstructor } from 'class-transformer';
import { DomainError } from '../errors/domain-error.js';
import { LABEL_KEY } from './labels.js';
import { validateInput } from './validate-input.js';

/** A list query with its `label.<key>=<value>` filters (all must match). */
export interface LabelFilteredQuery<Q> {
  query: Q;
  labels: Array<[string, string]>;
}

const LABEL_PARAM = 'label.';

/** Splits `label.<key>` parameters (dynamic names) from the fixed ones, validating both. */
export function parseLabelFilteredQuery<Q extends object>(type: ClassConstructor<Q>, raw: Record<string, unknown>): LabelFilteredQuery<Q> {
  const fixed: Record<string, unknown> = {};
  const labels: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(raw)) {
    if (!name.startsWith(LABEL_PARAM)) {
      fixed[name] = value;
      continue;
    }
    const key = name.slice(LABEL_PARAM.length);
    if (!LABEL_KEY.test(key)) throw DomainError.invalidArgument(`${name}: "${key}" is not a label key`);
    for (const item of Array.isArray(value) ? value : [value]) labels.push([key, String(item)]);
  }
  return { query: validateInput(type, fixed), labels };
}
