import type { TransformFnParams } from 'class-transformer';

/** class-transformer helper: trims strings, leaves anything else for the validators to reject. */
export const trimmed = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);

/** Query values arrive as strings: only a string of digits (up to an epoch-ms timestamp's) becomes a number. */
export const digitsToNumber = ({ value }: TransformFnParams): unknown =>
  typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
