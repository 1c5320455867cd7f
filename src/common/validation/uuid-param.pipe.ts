import type { PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DomainError } from '../errors/domain-error.js';
import { canonicalUuid } from './canonical-uuid.js';

/** A path id as stored: 400 INVALID_ARGUMENT unless a UUID, lowercased. */
export function uuidParam(value: unknown): string {
  if (typeof value !== 'string' || !isUUID(value)) throw DomainError.invalidArgument('id must be a UUID');
  return canonicalUuid(value);
}

class UuidParamPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    return uuidParam(value);
  }
}

/** Path ids must be UUIDs: 400 INVALID_ARGUMENT otherwise, lowercased before any lookup. */
export const UuidParam = new UuidParamPipe();
