import { applyDecorators } from '@nestjs/common';
import { IsString, Matches } from 'class-validator';
import { UUID_PATTERN } from './canonical-uuid.js';

/**
 * The name of an alias or a reranker: 1-128 of A-Z a-z 0-9 . _ : / -, and not a UUID (that
 * is a reranker id when called by name, and rrctl reads a UUID name as an id) nor `.` or
 * `..` (URL paths would normalize them away). Here, not in aliases/ or rerankers/, because
 * both use it and API key scopes name aliases too.
 */
export const RESOURCE_NAME = new RegExp(`^(?!${UUID_PATTERN.slice(1)})(?!\\.{1,2}$)[A-Za-z0-9._:/-]{1,128}$`);
export const RESOURCE_NAME_RULE = 'name must be 1-128 of A-Z a-z 0-9 . _ : / -, not a UUID, not . or ..';

/** The validation of a name field (alias, reranker). */
export const ResourceNameRules = () => applyDecorators(IsString(), Matches(RESOURCE_NAME, { message: RESOURCE_NAME_RULE }));
