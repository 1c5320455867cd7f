import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ErrorBody } from './error-body.js';
import { toDomainError } from './exception-mapper.js';

/** The single place where errors become responses: `{ code, message, requestId, details? }`. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const error = toDomainError(exception);

    if (error.code === 'INTERNAL') {
      this.logger.error({ err: exception, reqId: request.id }, 'unhandled error');
    }
    const body: ErrorBody = {
      code: error.code,
      message: error.message,
      detail: error.message,
      requestId: String(request.id),
      ...(error.details ? { details: error.details } : {}),
    };
    const retryAfterMs = error.details?.retryAfterMs;
    if (typeof retryAfterMs === 'number') void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    void reply.status(error.status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
