import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';

/**
 * Ids are compared, cached and bound into ciphertexts as lowercase strings, so every UUID
 * is lowercased where it enters (path, body, query; a compat `model` in ModelResolver),
 * once: an uppercase id must name the same row, the same cache entry and the same
 * associated data.
 */
/** The one UUID pattern (any case), as JSON-schema / RegExp source. */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const UUID = new RegExp(UUID_PATTERN);

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function canonicalUuid(value: string): string {
  return value.toLowerCase();
}

/** A body or query field holding an id: a UUID, lowercased. */
export const IsCanonicalUuid = (): PropertyDecorator =>
  applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? canonicalUuid(value) : value)),
    IsUUID(),
  );
