import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { DomainError } from '../errors/domain-error.js';

export interface FieldViolation {
  field: string;
  problems: string[];
}

/**
 * Nest's pipe takes a `null` body (or any non-object) for `{}`: on a route whose body is a
 * DTO that would mean "all defaults" (a JSON `null` minted a key). An absent body stays `{}`.
 */
class DtoValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value !== undefined && this.toValidate(metadata) && !isPlainObject(value)) {
      throw DomainError.invalidArgument('body: must be a JSON object');
    }
    return super.transform(value, metadata);
  }
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Request DTO validation: unknown fields are rejected, values converted to their declared types. */
export function createValidationPipe(): ValidationPipe {
  return new DtoValidationPipe({
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
