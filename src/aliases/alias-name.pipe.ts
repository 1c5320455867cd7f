import type { PipeTransform } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error.js';
import { RESOURCE_NAME, RESOURCE_NAME_RULE } from '../common/validation/resource-name.js';

/** `:name` path parameters (URL-decoded, so `BAAI%2Fbge-reranker-v2-m3` works): 400 before any lookup when malformed. */
export class AliasNameParam implements PipeTransform<string, string> {
  transform(value: string): string {
    return aliasNameParam(value);
  }
}

/** A `:name` path parameter: 400 INVALID_ARGUMENT before any lookup when malformed. */
export function aliasNameParam(value: string): string {
  if (!RESOURCE_NAME.test(value)) throw DomainError.invalidArgument(RESOURCE_NAME_RULE);
  return value;
}
