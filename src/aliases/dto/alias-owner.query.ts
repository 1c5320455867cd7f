import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCanonicalUuid } from '../../common/validation/canonical-uuid.js';

/** Names are unique per owner: `ownerId` picks another owner's alias (needs the ANY permission). */
export class AliasOwnerQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "Another owner's alias (needs the ANY permission); default: the caller" })
  @IsOptional()
  @IsCanonicalUuid()
  ownerId?: string;
}
