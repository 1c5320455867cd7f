import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { DomainError } from '../errors/domain-error.js';
import { errorBody, sendError } from '../errors/error-response.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/**
 * Fastify's router answers a malformed URL (400) or an over-long path parameter (414)
 * before any hook or Nest filter runs: this gives those the error model and request id.
 */
export function frameworkErrorHandler(logger: Logger) {
  return (error: Error, request: FastifyRequest, reply: FastifyReply): void => {
    sendError(reply, String(request.id), error, logger);
  };
}

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (headers or URL too
 * large: 431, malformed request: 400, too slow: 408); the answer is written on the socket.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return;
  const domainError = clientErrorFor(error.code);
  const requestId = randomUUID();
  const body = JSON.stringify(errorBody(domainError, requestId));
  socket.end(
    `HTTP/1.1 ${domainError.status} ${STATUS_CODES[domainError.status]}\r\n` +
      `content-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `${REQUEST_ID_HEADER}: ${requestId}\r\n` +
      `connection: close\r\n\r\n${body}`,
  );
}

function clientErrorFor(code: string | undefined): DomainError {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new DomainError('HEADERS_TOO_LARGE', 'The request line or headers are larger than the server accepts');
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new DomainError('REQUEST_TIMEOUT', 'The request took too long to arrive');
  return DomainError.invalidArgument('Malformed HTTP request');
}
