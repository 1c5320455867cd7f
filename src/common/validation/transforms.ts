import type { TransformFnParams } from 'class-transformer';

/** class-transformer helper: trims strings, leaves anything else for the validators to reject. */
export const trimmed = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);
