import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error.js';
import { jsonInputProblem } from '../validation/json-input.js';

const CHARSET_PARAMETER = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;
const UTF8 = new Set(['utf-8', 'utf8']);

/**
 * The only body parser: JSON, UTF-8. An empty body is no body (generated clients send
 * `content-type: application/json` on DELETE); everything else is parsed and checked
 * once, here, for what would break a later layer: excessive nesting, NUL and unpaired
 * surrogates (PostgreSQL refuses both), prototype keys. Any other media type gets 415.
 */
export function installJsonBodyParser(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    try {
      done(null, parseJsonBody(request, body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

function parseJsonBody(request: FastifyRequest, text: string): unknown {
  const charset = CHARSET_PARAMETER.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && !UTF8.has(charset)) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `charset ${charset.slice(0, 40)} is not supported: send UTF-8`);
  }
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw DomainError.invalidArgument(`Request body is not valid JSON: ${(error as Error).message}`);
  }
  // Raw JSON text cannot hold a NUL, and UTF-8 decoding never yields a lone surrogate:
  // either can only come from a \u escape, so strings are only scanned when there is one.
  const problem = jsonInputProblem(value, 'body', { checkStrings: text.includes('\\u') });
  if (problem) throw DomainError.invalidArgument(problem);
  return value;
}
