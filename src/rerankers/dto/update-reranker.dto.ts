import { ApiPropertyOptional, IntersectionType, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, type TransformFnParams } from 'class-transformer';
import { IsOptional } from 'class-validator';
import { IsCanonicalUuid } from '../../common/validation/canonical-uuid.js';
import { LabelChangesDto } from '../../common/validation/label-changes.dto.js';
import { IsOptionalNonNull } from '../../common/validation/optional.js';
import { Modality, ScoreNormalization } from '../../generated/prisma/enums.js';
import { CredentialsDto } from '../../credentials/credentials.dto.js';
import { CreateRerankerDto } from './create-reranker.dto.js';
import { ApiPathRules, CredentialsRules, ModalitiesRules, ScoreNormalizationRules } from './reranker-field-rules.js';

/**
 * The create body's fields, each optional. Null clears what create lets be null and is
 * refused for the rest (skipNullProperties: false validates it); the fields below differ
 * from create in what null or an empty list means.
 */
const EDITABLE = PartialType(OmitType(CreateRerankerDto, ['rerankerId', 'labels', 'apiPath', 'ownerId', 'supportedModalities', 'credentials', 'scoreNormalization'] as const), {
  skipNullProperties: false,
});

/** Partial update (PUT and PATCH alike): only sent fields change; labels change through replaceLabels or mergeLabels. */
export class UpdateRerankerDto extends IntersectionType(EDITABLE, LabelChangesDto) {
  @ApiPropertyOptional({ description: 'Immutable: only the current value is accepted' })
  @IsOptionalNonNull()
  @IsCanonicalUuid()
  ownerId?: string;

  @ApiPropertyOptional()
  @IsOptionalNonNull()
  @ApiPathRules()
  apiPath?: string;

  @ApiPropertyOptional({ enum: Modality, isArray: true, description: 'An empty list means no change (as in GoodMem)' })
  @Transform(emptyMeansUnchanged)
  @IsOptionalNonNull()
  @ModalitiesRules()
  supportedModalities?: Modality[];

  @ApiPropertyOptional({ type: CredentialsDto, nullable: true, description: 'omitted: keep; object: replace; null: remove' })
  @IsOptional()
  @CredentialsRules()
  credentials?: CredentialsDto | null;

  @ApiPropertyOptional({ enum: ScoreNormalization, description: 'May change, not to null' })
  @IsOptionalNonNull()
  @ScoreNormalizationRules()
  scoreNormalization?: ScoreNormalization;
}

/** GoodMem clients send every repeated field, so an empty list stands for "not sent". */
function emptyMeansUnchanged({ value }: TransformFnParams): unknown {
  return Array.isArray(value) && value.length === 0 ? undefined : value;
}
