import { ParseUUIDPipe, type ArgumentMetadata } from '@nestjs/common';
import { DomainError } from '../errors/domain-error.js';

/**
 * Path ids must be UUIDs: 400 INVALID_ARGUMENT otherwise, before any lookup. Returned in
 * canonical lowercase, so cache keys and invalidations agree with the database's form.
 */
class CanonicalUuidPipe extends ParseUUIDPipe {
  override async transform(value: string, metadata: ArgumentMetadata): Promise<string> {
    await super.transform(value, metadata);
    return value.toLowerCase();
  }
}

export const UuidParam = new CanonicalUuidPipe({
  exceptionFactory: () => DomainError.invalidArgument('id must be a UUID'),
});
