import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional } from 'class-validator';
import { IsCanonicalUuid } from '../../common/validation/canonical-uuid.js';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { ResourceNameRules } from '../../common/validation/resource-name.js';
import { parseLabelFilteredQuery, type LabelFilteredQuery } from '../../common/validation/label-filters.js';
import { ProviderType } from '../../generated/prisma/enums.js';

export class ListRerankersQuery extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Another owner's rerankers (needs LIST_RERANKER_ANY)" })
  @IsOptional()
  @IsCanonicalUuid()
  ownerId?: string;

  @ApiPropertyOptional({ enum: ProviderType, enumName: 'ProviderType' })
  @IsOptional()
  @IsEnum(ProviderType)
  providerType?: ProviderType;

  @ApiPropertyOptional({ description: 'Only the reranker with this name (one per owner)' })
  @IsOptional()
  @ResourceNameRules()
  name?: string;
}

export type RerankerListFilter = LabelFilteredQuery<ListRerankersQuery>;

export function parseListRerankersQuery(raw: Record<string, unknown>): RerankerListFilter {
  return parseLabelFilteredQuery(ListRerankersQuery, raw);
}
