import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

/** Names are unique per owner: `ownerId` picks another owner's alias (needs the ANY permission). */
export class AliasOwnerQuery {
  @ApiPropertyOptional({ description: "Another owner's alias (needs the ANY permission); default: the caller" })
  @IsOptional()
  @IsUUID()
  ownerId?: string;
}
