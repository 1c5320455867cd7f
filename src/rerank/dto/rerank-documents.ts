import { registerDecorator, type ValidationOptions } from 'class-validator';

/** Why a documents list is invalid (one pass, cheap on 10,000 items), or undefined. */
export function documentsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'must be an array of strings or objects';
  if (value.length === 0) return 'must not be empty';
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item === 'string') continue;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return `[${i}] must be a string or an object`;
  }
  return undefined;
}

export function IsRerankDocuments(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isRerankDocuments',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => documentsProblem(value) === undefined,
        defaultMessage: (args) => `${args?.property}${documentsProblem(args?.value)?.startsWith('[') ? '' : ' '}${documentsProblem(args?.value)}`,
      },
    });
}
