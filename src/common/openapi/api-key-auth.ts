import { applyDecorators } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';

/**
 * The two ways a caller presents its API key (src/auth/request-authenticator.ts): the
 * x-api-key header, or a bearer token, as Cohere and Jina clients send theirs. The bearer
 * token is the same opaque key, not a JWT.
 */
export const SECURITY_SCHEMES = {
  apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'An API key of this service (rrk_...)' },
  bearer: { type: 'http', scheme: 'bearer', description: 'The same API key, as `Authorization: Bearer <key>`' },
} as const;

/** Either scheme will do: the security requirement of every route behind the API key guard. */
export const API_KEY_SECURITY: Array<Record<string, string[]>> = Object.keys(SECURITY_SCHEMES).map((name) => ({ [name]: [] }));

/** Marks a controller or route as taking the API key in either form. */
export const ApiKeyAuth = (): MethodDecorator & ClassDecorator => applyDecorators(...Object.keys(SECURITY_SCHEMES).map((name) => ApiSecurity(name)));
