import { ApiProperty } from '@nestjs/swagger';
import { ApiNextToken, AuditedResponse, STRING_MAP } from '../../common/openapi/schema-properties.js';
import { epochMs } from '../../common/time.js';
import { AliasStrategy, LastResort } from '../../generated/prisma/enums.js';
import type { AliasWithTargets } from '../aliases.repository.js';

export class AliasTargetResponse {
  @ApiProperty({ format: 'uuid' })
  rerankerId!: string;

  @ApiProperty({ type: 'integer' })
  weight!: number;

  @ApiProperty({ type: 'integer', description: 'Lower is tried first' })
  priority!: number;
}

export class AliasResponse extends AuditedResponse {
  @ApiProperty({ format: 'uuid' })
  aliasId!: string;

  @ApiProperty({ example: 'rerank-v3.5' })
  name!: string;

  @ApiProperty({ format: 'uuid' })
  ownerId!: string;

  @ApiProperty({ type: String, nullable: true })
  description!: string | null;

  @ApiProperty({ enum: AliasStrategy, enumName: 'AliasStrategy' })
  strategy!: AliasStrategy;

  @ApiProperty({ type: [AliasTargetResponse] })
  targets!: AliasTargetResponse[];

  @ApiProperty({ enum: LastResort, enumName: 'LastResort', nullable: true })
  lastResort!: LastResort | null;

  @ApiProperty(STRING_MAP)
  labels!: Record<string, string>;
}

export class AliasPage {
  @ApiProperty({ type: [AliasResponse] })
  aliases!: AliasResponse[];

  @ApiNextToken()
  nextToken?: string;
}

export function toAliasResponse(alias: AliasWithTargets): AliasResponse {
  return {
    aliasId: alias.id,
    name: alias.name,
    ownerId: alias.ownerId,
    description: alias.description,
    strategy: alias.strategy,
    targets: alias.targets.map(({ rerankerId, weight, priority }) => ({ rerankerId, weight, priority })),
    lastResort: alias.lastResort,
    labels: alias.labels as Record<string, string>,
    createdAt: epochMs(alias.createdAt),
    updatedAt: epochMs(alias.updatedAt),
    createdById: alias.createdById,
    updatedById: alias.updatedById,
  };
}
