import { ApiPropertyOptional } from '@nestjs/swagger';
import { DomainError } from '../errors/domain-error.js';
import { IsLabels, type Labels } from './labels.js';
import { IsOptionalNonNull } from './optional.js';

/** The label part of a partial update, shared by every labelled resource: replace all, or merge some. */
export class LabelChangesDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Replace all labels' })
  @IsOptionalNonNull()
  @IsLabels()
  replaceLabels?: Labels;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Add or overwrite labels' })
  @IsOptionalNonNull()
  @IsLabels()
  mergeLabels?: Labels;
}

export function assertOneLabelChange(changes: LabelChangesDto): void {
  if (changes.replaceLabels && changes.mergeLabels) {
    throw DomainError.invalidArgument('replaceLabels and mergeLabels are mutually exclusive');
  }
}
