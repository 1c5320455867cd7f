import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { MAX_TIMESTAMP_MS } from '../../common/time.js';
import { IsCanonicalUuid } from '../../common/validation/canonical-uuid.js';
import { digitsToNumber } from '../../common/validation/transforms.js';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, type AuditAction, type AuditTargetType } from '../audit-entry.js';

const EpochMsQuery = (description: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: 'integer', format: 'int64', description }),
    IsOptional(),
    Transform(digitsToNumber),
    IsInt(),
    Min(0),
    Max(MAX_TIMESTAMP_MS),
  );

/** Every filter narrows (all must match); an OWN reader only ever sees the events on what they own or did. */
export class ListAuditEventsQuery extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Events by this user' })
  @IsOptional()
  @IsCanonicalUuid()
  actorUserId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Events made with this API key' })
  @IsOptional()
  @IsCanonicalUuid()
  actorApiKeyId?: string;

  @ApiPropertyOptional({ enum: AUDIT_TARGET_TYPES })
  @IsOptional()
  @IsIn(AUDIT_TARGET_TYPES)
  targetType?: AuditTargetType;

  @ApiPropertyOptional({ format: 'uuid', description: 'Events on this user, key, reranker or alias' })
  @IsOptional()
  @IsCanonicalUuid()
  targetId?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;

  @EpochMsQuery('Events at or after this time, epoch milliseconds')
  from?: number;

  @EpochMsQuery('Events before this time, epoch milliseconds')
  to?: number;
}
