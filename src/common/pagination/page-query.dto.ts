import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ValidateProblem } from '../validation/problem-validator.js';
import { digitsToNumber } from '../validation/transforms.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

const PAGE_SIZE_PROBLEM = `must be an integer from 1 to ${MAX_PAGE_SIZE}`;

function pageSizeProblem(value: unknown): string | undefined {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_PAGE_SIZE ? undefined : PAGE_SIZE_PROBLEM;
}

export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Transform(digitsToNumber)
  @ValidateProblem('isPageSize', pageSizeProblem)
  pageSize: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({ description: 'Opaque token from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  nextToken?: string;
}
