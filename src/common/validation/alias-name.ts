import { UUID_PATTERN } from './canonical-uuid.js';

/**
 * An alias name: 1-128 of A-Z a-z 0-9 . _ : / -, and not a UUID (that is a reranker id when
 * called by name) nor `.` or `..` (URL paths would normalize them away). Here, not in
 * aliases/, because API key scopes name aliases too.
 */
export const ALIAS_NAME = new RegExp(`^(?!${UUID_PATTERN.slice(1)})(?!\\.{1,2}$)[A-Za-z0-9._:/-]{1,128}$`);
export const ALIAS_NAME_RULE = 'name must be 1-128 of A-Z a-z 0-9 . _ : / -, not a UUID, not . or ..';
