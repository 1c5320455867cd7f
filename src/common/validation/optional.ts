import { ValidateIf } from 'class-validator';

/**
 * Optional, but not nullable: omitted skips validation, `null` is validated (and so
 * rejected by the type validators). For partial updates where null would mean "clear".
 */
export const IsOptionalNonNull = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);
