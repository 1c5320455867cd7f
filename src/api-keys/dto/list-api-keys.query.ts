import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCanonicalUuid } from '../../common/validation/canonical-uuid.js';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';

export class ListApiKeysQuery extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Another user's keys (needs LIST_APIKEY_ANY)" })
  @IsOptional()
  @IsCanonicalUuid()
  userId?: string;
}
