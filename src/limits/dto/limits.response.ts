import { ApiProperty } from '@nestjs/swagger';
import { ApiEpochMs } from '../../common/openapi/schema-properties.js';
import { epochMs } from '../../common/time.js';
import { LimitSubject } from '../../generated/prisma/enums.js';
import type { LimitValues } from '../../config/limits-config.js';
import type { LimitOverrides } from '../limit-values.js';
import type { LimitUsage, UsageSnapshot } from '../rate-limits.js';

const UNLIMITED_IS_ZERO = '0 is unlimited';

export class LimitValuesResponse {
  @ApiProperty({ type: 'integer', description: UNLIMITED_IS_ZERO })
  requestsPerMinute!: number;

  @ApiProperty({ type: 'integer', description: UNLIMITED_IS_ZERO })
  documentsPerMinute!: number;

  @ApiProperty({ type: 'integer', description: UNLIMITED_IS_ZERO })
  concurrentCalls!: number;

  @ApiProperty({ type: 'integer', format: 'int64', description: UNLIMITED_IS_ZERO })
  monthlyDocuments!: number;

  @ApiProperty({ description: UNLIMITED_IS_ZERO })
  monthlyCost!: number;
}

const DEFAULT_IS_NULL = 'null: the configured default applies';

export class LimitOverridesResponse {
  @ApiProperty({ type: 'integer', nullable: true, description: DEFAULT_IS_NULL })
  requestsPerMinute!: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: DEFAULT_IS_NULL })
  documentsPerMinute!: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: DEFAULT_IS_NULL })
  concurrentCalls!: number | null;

  @ApiProperty({ type: 'integer', format: 'int64', nullable: true, description: DEFAULT_IS_NULL })
  monthlyDocuments!: number | null;

  @ApiProperty({ type: 'number', nullable: true, description: DEFAULT_IS_NULL })
  monthlyCost!: number | null;
}

export class LimitUsageResponse {
  @ApiProperty({ description: UNLIMITED_IS_ZERO })
  limit!: number;

  @ApiProperty({ description: 'Counted in the current window (minute, month) or in flight now' })
  used!: number;

  @ApiProperty({ type: 'number', nullable: true, description: 'null when unlimited' })
  remaining!: number | null;

  @ApiEpochMs({ nullable: true, description: 'When the count starts again (epoch ms); null when nothing is counted, or for calls in flight' })
  resetsAt!: number | null;
}

export class LimitUsagesResponse {
  @ApiProperty({ type: LimitUsageResponse })
  requestsPerMinute!: LimitUsageResponse;

  @ApiProperty({ type: LimitUsageResponse })
  documentsPerMinute!: LimitUsageResponse;

  @ApiProperty({ type: LimitUsageResponse, description: 'used: calls in flight now' })
  concurrentCalls!: LimitUsageResponse;

  @ApiProperty({ type: LimitUsageResponse, description: 'Counted while a quota applies' })
  monthlyDocuments!: LimitUsageResponse;

  @ApiProperty({ type: LimitUsageResponse, description: 'Counted while a quota applies' })
  monthlyCost!: LimitUsageResponse;
}

/** A user's or an API key's limits: what is set, what is in force, and what is left now. */
export class LimitsResponse {
  @ApiProperty({ enum: LimitSubject, enumName: 'LimitSubject' })
  subject!: LimitSubject;

  @ApiProperty({ format: 'uuid', description: 'The user id or the API key id' })
  id!: string;

  @ApiProperty({ format: 'uuid', description: 'The user, or the key owner' })
  userId!: string;

  @ApiProperty({ type: LimitOverridesResponse })
  overrides!: LimitOverridesResponse;

  @ApiProperty({ type: LimitValuesResponse, description: 'Each override, else the default' })
  effective!: LimitValuesResponse;

  @ApiProperty({ description: 'The calendar month (UTC) of the monthly counts, YYYY-MM', example: '2026-11' })
  month!: string;

  @ApiProperty({ type: LimitUsagesResponse })
  usage!: LimitUsagesResponse;

  @ApiEpochMs({ nullable: true, description: 'When an override was last set; null when never' })
  updatedAt!: number | null;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  updatedById!: string | null;
}

/** Everything the service knows of a subject's limits, to be shown. */
export interface LimitsView {
  readonly subject: LimitSubject;
  readonly id: string;
  readonly userId: string;
  readonly overrides: LimitOverrides;
  readonly effective: LimitValues;
  readonly usage: UsageSnapshot;
  readonly updatedAt: Date | null;
  readonly updatedById: string | null;
}

export function toLimitsResponse(view: LimitsView): LimitsResponse {
  const usage = (of: LimitUsage): LimitUsageResponse => ({ limit: of.limit, used: of.used, remaining: of.remaining, resetsAt: of.resetsAt });
  const { limits } = view.usage;
  return {
    subject: view.subject,
    id: view.id,
    userId: view.userId,
    overrides: { ...view.overrides },
    effective: { ...view.effective },
    month: view.usage.month,
    usage: {
      requestsPerMinute: usage(limits.requestsPerMinute),
      documentsPerMinute: usage(limits.documentsPerMinute),
      concurrentCalls: usage(limits.concurrentCalls),
      monthlyDocuments: usage(limits.monthlyDocuments),
      monthlyCost: usage(limits.monthlyCost),
    },
    updatedAt: epochMs(view.updatedAt),
    updatedById: view.updatedById,
  };
}
