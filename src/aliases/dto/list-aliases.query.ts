import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCanonicalUuid } from '../../common/validation/canonical-uuid.js';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { parseLabelFilteredQuery, type LabelFilteredQuery } from '../../common/validation/label-filters.js';

export class ListAliasesQuery extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Another owner's aliases (needs LIST_ALIAS_ANY)" })
  @IsOptional()
  @IsCanonicalUuid()
  ownerId?: string;
}

export type AliasListFilter = LabelFilteredQuery<ListAliasesQuery>;

export function parseListAliasesQuery(raw: Record<string, unknown>): AliasListFilter {
  return parseLabelFilteredQuery(ListAliasesQuery, raw);
}
