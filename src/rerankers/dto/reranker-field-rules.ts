import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { ArrayMinSize, ArrayUnique, IsArray, IsEnum, IsInt, IsString, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { trimmed } from '../../common/validation/transforms.js';
import { Modality, ScoreNormalization } from '../../generated/prisma/enums.js';
import { CredentialsDto } from '../../credentials/credentials.dto.js';

export const MIN_TIMEOUT_MS = 100;
export const MAX_TIMEOUT_MS = 600_000;
export const MAX_BATCH = 10_000;
export const MAX_TOKENS_PER_REQUEST = 100_000_000;

/**
 * What a value of each reranker field must be, shared by create and update; each DTO adds
 * only whether the field is required, optional, or optional but not nullable.
 */
export const DisplayNameRules = () => applyDecorators(Transform(trimmed), IsString(), Length(1, 255));
export const DescriptionRules = () => applyDecorators(IsString(), MaxLength(4096));
export const EndpointUrlRules = () => applyDecorators(IsString(), MaxLength(2048));
export const ApiPathRules = () => applyDecorators(IsString(), MaxLength(512));
export const ModelIdentifierRules = () => applyDecorators(Transform(trimmed), IsString(), Length(1, 255));
export const ModalitiesRules = () => applyDecorators(IsArray(), ArrayMinSize(1), ArrayUnique(), IsEnum(Modality, { each: true }));
export const CredentialsRules = () => applyDecorators(ValidateNested(), Type(() => CredentialsDto));
export const VersionRules = () => applyDecorators(IsString(), MaxLength(255));
export const MonitoringEndpointRules = () => applyDecorators(IsString(), MaxLength(2048));
export const TimeoutRules = () => applyDecorators(IsInt(), Min(MIN_TIMEOUT_MS), Max(MAX_TIMEOUT_MS));
export const BatchSizeRules = () => applyDecorators(IsInt(), Min(1), Max(MAX_BATCH));
export const TokenBudgetRules = () => applyDecorators(IsInt(), Min(1), Max(MAX_TOKENS_PER_REQUEST));
export const ScoreNormalizationRules = () => IsEnum(ScoreNormalization);
