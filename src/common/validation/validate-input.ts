import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DomainError } from '../errors/domain-error.js';
import { flattenViolations } from './validation.pipe.js';

/**
 * Validates a plain object against a DTO class with the same rules as the global pipe,
 * for inputs the pipe cannot see whole (e.g. a query with dynamic `label.<key>` names).
 */
export function validateInput<T extends object>(type: ClassConstructor<T>, plain: object): T {
  const instance = plainToInstance(type, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  const first = flattenViolations(errors)[0];
  if (first) {
    throw DomainError.invalidArgument(`${first.field}: ${first.problems[0]}`, { fields: flattenViolations(errors) });
  }
  return instance;
}
