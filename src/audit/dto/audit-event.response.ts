import { ApiProperty } from '@nestjs/swagger';
import { ANY_OBJECT, ApiEpochMs, ApiNextToken } from '../../common/openapi/schema-properties.js';
import { epochMs } from '../../common/time.js';
import type { AuditEvent } from '../../generated/prisma/client.js';
import type { AuditDiff, JsonObject } from '../audit-diff.js';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, type AuditAction, type AuditTargetType } from '../audit-entry.js';

export class AuditDiffResponse {
  @ApiProperty({ ...ANY_OBJECT, nullable: true, description: 'The changed fields as they were; null for a create' })
  before!: JsonObject | null;

  @ApiProperty({ ...ANY_OBJECT, nullable: true, description: 'The changed fields as they became; null for a delete' })
  after!: JsonObject | null;
}

export class AuditEventResponse {
  @ApiProperty({ format: 'uuid' })
  auditEventId!: string;

  @ApiEpochMs()
  occurredAt!: number;

  @ApiProperty({ enum: AUDIT_ACTIONS })
  action!: AuditAction;

  @ApiProperty({ enum: AUDIT_TARGET_TYPES })
  targetType!: AuditTargetType;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null for system.init' })
  targetId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: "The alias's name for an alias event; null for other targets" })
  targetName!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who owns the target' })
  targetOwnerId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null for system.init and command-line tools' })
  actorUserId!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: "Null without a key, and for readers without READ_AUDIT_ANY on another user's action",
  })
  actorApiKeyId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'x-request-id of the change; one id per command-line run' })
  requestId!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The socket's address; null for command-line tools, and for readers without READ_AUDIT_ANY on another user's action",
  })
  clientAddress!: string | null;

  @ApiProperty({
    type: AuditDiffResponse,
    description: 'Changed fields only; secrets appear as "[secret]", and reranker ids the reader may not see (in an alias\'s targets) as "[hidden]"',
  })
  diff!: AuditDiffResponse;
}

export class AuditEventPage {
  @ApiProperty({ type: [AuditEventResponse] })
  auditEvents!: AuditEventResponse[];

  @ApiNextToken()
  nextToken?: string;
}

export function toAuditEventResponse(event: AuditEvent): AuditEventResponse {
  return {
    auditEventId: event.id,
    occurredAt: epochMs(event.occurredAt),
    action: event.action as AuditAction,
    targetType: event.targetType as AuditTargetType,
    targetId: event.targetId,
    targetName: event.targetName,
    targetOwnerId: event.targetOwnerId,
    actorUserId: event.actorUserId,
    actorApiKeyId: event.actorApiKeyId,
    requestId: event.requestId,
    clientAddress: event.clientAddress,
    diff: event.diff as unknown as AuditDiff,
  };
}
