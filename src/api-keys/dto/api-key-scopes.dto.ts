import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { RESOURCE_NAME, RESOURCE_NAME_RULE } from '../../common/validation/resource-name.js';
import { PERMISSIONS, type Permission } from '../../auth/permissions.js';
import { canonicalUuid, isUuid } from '../../common/validation/canonical-uuid.js';
import { IsOptionalNonNull } from '../../common/validation/optional.js';
import { ValidateProblem } from '../../common/validation/problem-validator.js';

export const MAX_SCOPED_RERANKERS = 100;
export const MAX_SCOPED_ALIASES = 100;
const KNOWN_PERMISSIONS = new Set<unknown>(PERMISSIONS);

/** Why a scope list is invalid (not an array, too long, a bad or repeated item), or undefined when it is fine. */
function listProblem(max: number, itemProblem: (item: unknown) => string | undefined): (value: unknown) => string | undefined {
  return (value) => {
    if (!Array.isArray(value)) return 'must be an array';
    if (value.length > max) return `may hold at most ${max} items`;
    for (const [index, item] of value.entries()) {
      const problem = itemProblem(item);
      if (problem) return `[${index}] ${problem}`;
      if (value.indexOf(item) !== index) return `[${index}] repeats ${String(item)}`;
    }
    return undefined;
  };
}

const named = (item: unknown) => (typeof item === 'string' ? `"${item}"` : 'a non-string');

const permissionsProblem = listProblem(PERMISSIONS.length, (item) =>
  KNOWN_PERMISSIONS.has(item) ? undefined : `${named(item)} is not a permission`,
);
const rerankerIdsProblem = listProblem(MAX_SCOPED_RERANKERS, (item) =>
  typeof item === 'string' && isUuid(item) ? undefined : `${named(item)} is not a UUID`,
);
const aliasesProblem = listProblem(MAX_SCOPED_ALIASES, (item) =>
  typeof item === 'string' && RESOURCE_NAME.test(item) ? undefined : `${named(item)}: ${RESOURCE_NAME_RULE}`,
);

const lowercaseIds = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((item: unknown) => (typeof item === 'string' ? canonicalUuid(item) : item)) : value;

/** What a new key is narrowed to; each list left out does not narrow. Fixed once the key exists. */
export class ApiKeyScopesDto {
  @ApiPropertyOptional({
    enum: PERMISSIONS,
    enumName: 'Permission',
    isArray: true,
    description: "Only these permissions, each held by the key's user's role (and by the calling key's own scope)",
  })
  @IsOptionalNonNull()
  @ValidateProblem('isPermissionList', permissionsProblem)
  permissions?: Permission[];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_SCOPED_RERANKERS,
    description: 'Only these rerankers: any other answers 404, as if it were not there',
  })
  @IsOptionalNonNull()
  @Transform(lowercaseIds)
  @ValidateProblem('isRerankerIdList', rerankerIdsProblem)
  rerankerIds?: string[];

  @ApiPropertyOptional({
    type: [String],
    pattern: RESOURCE_NAME.source,
    example: ['rerank-v3.5'],
    maxItems: MAX_SCOPED_ALIASES,
    description: 'Only aliases with these names: any other answers 404, as if it were not there',
  })
  @IsOptionalNonNull()
  @ValidateProblem('isAliasNameList', aliasesProblem)
  aliases?: string[];
}
