import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';

/** Reading an OpenAPI 3.0 document's schemas: what is untyped, the fields of a body, a valid value for each. */

export type Schema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: string;
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes?: Record<string, Schema> };
}

export interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Array<{ in: string; name: string; schema?: Schema }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: Array<Record<string, unknown>>;
  responses: Record<string, { content?: Record<string, { schema?: Schema }>; headers?: Record<string, unknown> }>;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation as `METHOD /path`, with its method and path. */
export function operationsOf(doc: OpenApiDocument): Array<{ name: string; method: string; path: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, method, path, op })),
  );
}

/** A field of a body: where it is (property names and array indexes) and its schema. */
export interface Field {
  path: Array<string | number>;
  schema: Schema;
}

const COMPOSITIONS = ['oneOf', 'anyOf', 'allOf'] as const;

/** The schema a `$ref` (or a lone `allOf: [$ref]`, as @nestjs/swagger writes a described reference) stands for. */
export function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  if (typeof schema.$ref === 'string') return resolve(doc, doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]!);
  const allOf = schema.allOf as Schema[] | undefined;
  if (allOf?.length === 1) return { ...resolve(doc, allOf[0]!), ...(schema.nullable ? { nullable: true } : {}) };
  return schema;
}

/**
 * Where a schema says nothing a generator can type: no type, reference, enum or composition,
 * or an object with neither properties nor additionalProperties (openapi-typescript makes
 * it `Record<string, never>`: no value fits). The locations are JSON pointers into the document.
 */
export function untypedSchemas(doc: OpenApiDocument): string[] {
  const found: string[] = [];
  const visit = (schema: Schema, at: string): void => {
    if (schema.$ref) return;
    const composed = COMPOSITIONS.some((key) => Array.isArray(schema[key]));
    if (!composed && typeof schema.type !== 'string' && !Array.isArray(schema.enum)) found.push(`${at}: no type`);
    if (!composed && schema.type === 'object' && !schema.properties && schema.additionalProperties === undefined) found.push(`${at}: an object without properties`);
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) visit(property, `${at}/properties/${name}`);
    if (schema.items) visit(schema.items as Schema, `${at}/items`);
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') visit(schema.additionalProperties as Schema, `${at}/additionalProperties`);
    for (const key of COMPOSITIONS) (schema[key] as Schema[] | undefined)?.forEach((branch, index) => visit(branch, `${at}/${key}/${index}`));
  };
  for (const [name, schema] of Object.entries(doc.components.schemas)) visit(schema, `#/components/schemas/${name}`);
  for (const { name, op } of operationsOf(doc)) {
    op.parameters?.forEach((parameter) => visit(parameter.schema ?? {}, `${name} parameter ${parameter.name}`));
    for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) visit(media.schema, `${name} request ${type}`);
    for (const [status, response] of Object.entries(op.responses)) {
      for (const [type, media] of Object.entries(response.content ?? {})) visit(media.schema ?? {}, `${name} ${status} ${type}`);
    }
  }
  return found;
}

/** Every field of a body schema, nested objects and the objects in arrays included (not inside a choice of schemas). */
export function fieldsOf(doc: OpenApiDocument, schema: Schema, path: Array<string | number> = []): Field[] {
  const resolved = resolve(doc, schema);
  if (resolved.type === 'array') return fieldsOf(doc, resolved.items as Schema, [...path, 0]);
  return Object.entries((resolved.properties ?? {}) as Record<string, Schema>).flatMap(([name, property]) => {
    const field = { path: [...path, name], schema: resolve(doc, property) };
    return [field, ...fieldsOf(doc, property, field.path)];
  });
}

/** Schema validation as the document means it (nullable honored, formats and unknown keywords ignored). */
export function schemaValidator(doc: OpenApiDocument): (schema: Schema, value: unknown) => boolean {
  const ajv = new Ajv({ strict: false, validateFormats: false });
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  const withRefs = (schema: Schema): Schema => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')) as Schema;
  return (schema, value) => ajv.validate(withRefs(schema), value);
}

/**
 * A valid value for a schema with every field set: the example where it has one, else the
 * first enum value or branch, the minimum, one array item, one map entry.
 */
export function sampleOf(doc: OpenApiDocument, schema: Schema, valid = schemaValidator(doc)): unknown {
  const resolved = resolve(doc, schema);
  const candidates = [resolved.example, resolved.default].filter((value) => value !== undefined && valid(resolved, value));
  if (candidates.length > 0) return candidates[0];
  if (Array.isArray(resolved.enum)) return resolved.enum[0];
  const branches = (resolved.oneOf ?? resolved.anyOf) as Schema[] | undefined;
  if (branches) return sampleOf(doc, branches[0]!, valid);
  switch (resolved.type) {
    case 'string':
      return [randomUUID(), 'x'.repeat(Math.max(1, Number(resolved.minLength ?? 1))), 'ada@example.com', 'x-sample'].find((value) => valid(resolved, value));
    case 'integer':
    case 'number':
      return Math.max(Number(resolved.minimum ?? 1), Math.min(1, Number(resolved.maximum ?? 1)));
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: Math.max(1, Number(resolved.minItems ?? 1)) }, () => sampleOf(doc, resolved.items as Schema, valid));
    case 'object': {
      const properties = Object.entries((resolved.properties ?? {}) as Record<string, Schema>).map(([name, property]) => [name, sampleOf(doc, property, valid)]);
      const extra = resolved.additionalProperties;
      if (properties.length === 0 && extra) properties.push(['sample', typeof extra === 'object' ? sampleOf(doc, extra as Schema, valid) : 'value']);
      return Object.fromEntries(properties);
    }
    default:
      return undefined;
  }
}

/**
 * The smallest body that reaches `path`: each object on the way has its required fields
 * (sampled) and the one leading on; the field itself is `value`.
 */
export function minimalWith(doc: OpenApiDocument, schema: Schema, path: ReadonlyArray<string | number>, value: unknown, valid = schemaValidator(doc)): unknown {
  if (path.length === 0) return value;
  const resolved = resolve(doc, schema);
  const [head, ...rest] = path;
  if (resolved.type === 'array') return [minimalWith(doc, resolved.items as Schema, rest, value, valid)];
  const properties = (resolved.properties ?? {}) as Record<string, Schema>;
  const required = ((resolved.required ?? []) as string[]).filter((name) => name !== head);
  return {
    ...Object.fromEntries(required.map((name) => [name, sampleOf(doc, properties[name]!, valid)])),
    [head!]: minimalWith(doc, properties[head!]!, rest, value, valid),
  };
}
