import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { parseLabelFilteredQuery, type LabelFilteredQuery } from '../../common/validation/label-filters.js';

export class ListAliasesQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: "Another owner's aliases (needs LIST_ALIAS_ANY)" })
  @IsOptional()
  @IsUUID()
  ownerId?: string;
}

export type AliasListFilter = LabelFilteredQuery<ListAliasesQuery>;

export function parseListAliasesQuery(raw: Record<string, unknown>): AliasListFilter {
  return parseLabelFilteredQuery(ListAliasesQuery, raw);
}
