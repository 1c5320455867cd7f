import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { RESOURCE_NAME, RESOURCE_NAME_RULE } from '../../common/validation/resource-name.js';
import { MAX_TIMESTAMP_MS } from '../../common/time.js';
import { IsCanonicalUuid } from '../../common/validation/canonical-uuid.js';
import { ValidateProblem } from '../../common/validation/problem-validator.js';
import type { Granularity, UsageGroupBy } from '../usage.repository.js';

export const GRANULARITIES: readonly Granularity[] = ['minute', 'hour', 'day'];
export const GROUP_BYS: readonly UsageGroupBy[] = ['reranker', 'alias', 'apiKey', 'owner'];

/** An ISO 8601 date or date-time with its offset (no local time: the server's zone is nobody's business), or epoch ms. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** The instant a `from`/`to` value names, or undefined when it names none. */
export function parseTime(value: string): Date | undefined {
  const ms = /^\d{1,16}$/.test(value) ? Number(value) : ISO_TIME.test(value) ? Date.parse(value) : NaN;
  return Number.isFinite(ms) && ms <= MAX_TIMESTAMP_MS ? new Date(ms) : undefined;
}

function timeProblem(value: unknown): string | undefined {
  return typeof value === 'string' && parseTime(value) ? undefined : 'must be an ISO 8601 time with an offset (2026-11-22T07:00:00Z) or epoch milliseconds';
}

const TIME_FORMAT = 'ISO 8601 with an offset (2026-11-22T07:00:00Z) or epoch milliseconds';

export class UsageQuery {
  @ApiPropertyOptional({ description: `Start, inclusive (${TIME_FORMAT}); default: 24 hours before \`to\`` })
  @IsOptional()
  @ValidateProblem('isTime', timeProblem)
  from?: string;

  @ApiPropertyOptional({ description: `End, exclusive (${TIME_FORMAT}); default: now` })
  @IsOptional()
  @ValidateProblem('isTime', timeProblem)
  to?: string;

  @ApiPropertyOptional({ enum: GRANULARITIES, default: 'hour', description: 'Bucket size (UTC); at most 7 days of minutes, 92 of hours, 1098 of days' })
  @IsOptional()
  @IsIn(GRANULARITIES)
  granularity?: Granularity;

  @ApiPropertyOptional({ enum: GROUP_BYS, description: 'One series per reranker, alias, API key or owner (the caller); absent: one series' })
  @IsOptional()
  @IsIn(GROUP_BYS)
  groupBy?: UsageGroupBy;

  @ApiPropertyOptional({ format: 'uuid', description: "Another owner's usage (needs READ_USAGE_ANY); absent: your own, or everyone's with READ_USAGE_ANY" })
  @IsOptional()
  @IsCanonicalUuid()
  ownerId?: string;

  @ApiPropertyOptional({ description: 'Only calls made through the alias of this name (with groupBy=reranker: which of its targets served them)' })
  @IsOptional()
  @IsString()
  @Matches(RESOURCE_NAME, { message: RESOURCE_NAME_RULE })
  alias?: string;
}
