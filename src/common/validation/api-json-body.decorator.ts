import { ApiBody } from '@nestjs/swagger';

type BodySchema = Extract<Parameters<typeof ApiBody>[0], { schema: unknown }>['schema'];

/** Documents in OpenAPI a body that a JsonSchemaPipe validates against `schema`. */
export const ApiJsonBody = (schema: object): MethodDecorator => ApiBody({ schema: schema as BodySchema });
