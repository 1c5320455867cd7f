import type { PipeTransform } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error.js';
import { ALIAS_NAME, ALIAS_NAME_RULE } from '../common/validation/alias-name.js';

/** `:name` path parameters (URL-decoded, so `BAAI%2Fbge-reranker-v2-m3` works): 400 before any lookup when malformed. */
export class AliasNameParam implements PipeTransform<string, string> {
  transform(value: string): string {
    return aliasNameParam(value);
  }
}

/** A `:name` path parameter: 400 INVALID_ARGUMENT before any lookup when malformed. */
export function aliasNameParam(value: string): string {
  if (!ALIAS_NAME.test(value)) throw DomainError.invalidArgument(ALIAS_NAME_RULE);
  return value;
}
