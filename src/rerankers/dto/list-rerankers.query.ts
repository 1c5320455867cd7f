import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { LABEL_KEY } from '../../common/validation/labels.js';
import { validateInput } from '../../common/validation/validate-input.js';
import { ProviderType } from '../../generated/prisma/enums.js';

export class ListRerankersQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: "Another owner's rerankers (needs LIST_RERANKER_ANY)" })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ enum: ProviderType })
  @IsOptional()
  @IsEnum(ProviderType)
  providerType?: ProviderType;
}

export interface RerankerListFilter {
  query: ListRerankersQuery;
  /** `label.<key>=<value>` filters; all must match. */
  labels: Array<[string, string]>;
}

const LABEL_PARAM = 'label.';

/** Splits `label.<key>` parameters (dynamic names) from the fixed ones, validating both. */
export function parseListRerankersQuery(raw: Record<string, unknown>): RerankerListFilter {
  const fixed: Record<string, unknown> = {};
  const labels: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(raw)) {
    if (!name.startsWith(LABEL_PARAM)) {
      fixed[name] = value;
      continue;
    }
    const key = name.slice(LABEL_PARAM.length);
    if (!LABEL_KEY.test(key)) throw DomainError.invalidArgument(`${name}: "${key}" is not a label key`);
    for (const item of Array.isArray(value) ? value : [value]) labels.push([key, String(item)]);
  }
  return { query: validateInput(ListRerankersQuery, fixed), labels };
}
