import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';

/**
 * Ids are compared, cached and bound into ciphertexts as lowercase strings, so every UUID
 * is lowercased where it enters (path, body, query; a compat `model` in ModelResolver),
 * once: an uppercase id must name the same row, the same cache entry and the same
 * associated data.
 */
export function canonicalUuid(value: string): string {
  return value.toLowerCase();
}

/** A body or query field holding an id: a UUID, lowercased. */
export const IsCanonicalUuid = (): PropertyDecorator =>
  applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? canonicalUuid(value) : value)),
    IsUUID(),
  );
