import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * A class-validator decorator from one function that says what is wrong with a value
 * (undefined when nothing is), so the check and its message cannot drift apart.
 */
export function ValidateProblem(name: string, problem: (value: unknown) => string | undefined, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => problem(value) === undefined,
        defaultMessage: (args) => `${args?.property} ${problem(args?.value)}`,
      },
    });
}
