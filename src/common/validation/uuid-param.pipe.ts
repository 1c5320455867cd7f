import { ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from '../errors/domain-error.js';

/** Path ids must be UUIDs: 400 INVALID_ARGUMENT otherwise, before any lookup. */
export const UuidParam = new ParseUUIDPipe({
  exceptionFactory: () => DomainError.invalidArgument('id must be a UUID'),
});
