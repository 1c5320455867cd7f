import type { ValidationOptions } from 'class-validator';
import { ValidateProblem } from './problem-validator.js';

export const MAX_LABELS = 20;
export const LABEL_KEY = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;
export const MAX_LABEL_VALUE_LENGTH = 255;

export type Labels = Record<string, string>;

/** Why a label map is invalid, or undefined when it is fine. */
export function labelsProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of string values';
  const entries = Object.entries(value);
  if (entries.length > MAX_LABELS) return `may hold at most ${MAX_LABELS} labels`;
  for (const [key, item] of entries) {
    if (!LABEL_KEY.test(key)) return `key "${key}" must be 1-63 of a-z 0-9 . _ - (starting and ending alphanumeric)`;
    if (typeof item !== 'string') return `value of "${key}" must be a string`;
    if (item.length > MAX_LABEL_VALUE_LENGTH) return `value of "${key}" is longer than ${MAX_LABEL_VALUE_LENGTH}`;
  }
  return undefined;
}

/** A label map: <= 20 entries, keys `[a-z0-9._-]{1,63}`, string values <= 255 chars. */
export const IsLabels = (options?: ValidationOptions): PropertyDecorator => ValidateProblem('isLabels', labelsProblem, options);
