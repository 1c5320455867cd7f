import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError } from '../errors/domain-error.js';

export interface FieldViolation {
  field: string;
  problems: string[];
}

/** Request DTO validation: unknown fields are rejected, values converted to their declared types. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const violations = flattenViolations(errors);
      const first = violations[0];
      const message = first ? `${first.field}: ${first.problems[0]}` : 'Invalid request';
      return DomainError.invalidArgument(message, { fields: violations });
    },
  });
}

export function flattenViolations(errors: ValidationError[], parent = ''): FieldViolation[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flattenViolations(error.children ?? [], field)];
  });
}
