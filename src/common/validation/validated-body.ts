import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { DomainError } from '../errors/domain-error.js';
import type { FieldViolation } from './validation.pipe.js';

/** One Ajv for the process: strict schemas, no coercion, first error only. */
export const ajv = new Ajv({ allErrors: false, coerceTypes: false, strict: true });

/**
 * Validation of a body against a compiled JSON schema, for the hot routes, where the
 * class-transformer + class-validator pass is measurably slower. Errors have the same
 * shape as the global pipe's: 400 INVALID_ARGUMENT naming the field.
 */
/** `value` if it satisfies the compiled schema; else 400 INVALID_ARGUMENT naming the first field at fault. */
export function validatedBody<T>(validate: ValidateFunction<T>, value: unknown, messages: Record<string, string> = {}): T {
  if (validate(value)) return value;
  const violation = violationOf(validate.errors?.[0], messages);
  throw DomainError.invalidArgument(`${violation.field}: ${violation.problems[0]}`, { fields: [violation] });
}

function violationOf(error: ErrorObject | undefined, messages: Record<string, string>): FieldViolation {
  if (!error) return { field: 'body', problems: ['is invalid'] };
  const path = error.instancePath.slice(1).replaceAll('/', '.');
  if (error.keyword === 'additionalProperties') {
    const property = String(error.params.additionalProperty);
    const field = path ? `${path}.${property}` : property;
    return { field, problems: [`property ${property} should not exist`] };
  }
  if (error.keyword === 'required') {
    const property = String(error.params.missingProperty);
    return { field: path ? `${path}.${property}` : property, problems: [`${property} is required`] };
  }
  const field = path || 'body';
  return { field, problems: [messages[field] ?? `${field} ${error.message ?? 'is invalid'}`] };
}
