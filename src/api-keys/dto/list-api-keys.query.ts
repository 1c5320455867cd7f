import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';

export class ListApiKeysQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: "Another user's keys (needs LIST_APIKEY_ANY)" })
  @IsOptional()
  @IsUUID()
  userId?: string;
}
