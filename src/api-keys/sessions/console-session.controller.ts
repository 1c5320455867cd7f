import { Body, Controller, Delete, Get, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { Public } from '../../auth/public.decorator.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ApiErrors, JSON_BODY_ERRORS } from '../../common/openapi/api-errors.decorator.js';
import { ConsoleSessions } from './console-sessions.service.js';
import { ConsoleSessionResponse, toConsoleSessionResponse } from './dto/console-session.response.js';
import { SignInDto } from './dto/sign-in.dto.js';
import { CSRF_HEADER, assertCsrfHeader, presentedSessionToken } from '../../auth/session-credentials.js';
import { clearedSessionCookie, sessionCookie } from './session-cookie.js';

const CSRF_HEADER_DOC = { name: CSRF_HEADER, required: true, description: 'Must be 1: the console sends it; a page on another site cannot' };

/**
 * The console's sign-in. Public routes: the session cookie, not the guard, says who is
 * signed in. Sign-in and sign-out change state, so they need the CSRF header too.
 */
@ApiTags('console')
@Controller('v1/console/session')
export class ConsoleSessionController {
  constructor(private readonly sessions: ConsoleSessions) {}

  /** Exchanges an API key for a session cookie (HttpOnly, SameSite=Strict, Secure over TLS). The key goes through the same verification limits as any request. */
  @Public()
  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Console sign-in: exchange an API key for a session cookie',
    description: 'The cookie is HttpOnly, SameSite=Strict, Secure over TLS. The key goes through the same verification limits as any request. Needs the CSRF header.',
  })
  @ApiHeader(CSRF_HEADER_DOC)
  @ApiOkResponse({ type: ConsoleSessionResponse, headers: { 'Set-Cookie': { description: 'rr_session=<token>; HttpOnly; SameSite=Strict; Path=/', schema: { type: 'string' } } } })
  @ApiErrors(...JSON_BODY_ERRORS, 'UNAUTHENTICATED', 'CSRF_HEADER_MISSING', 'NOT_FOUND', 'TOO_MANY_FAILED_ATTEMPTS', 'UNAVAILABLE')
  async signIn(@Body() dto: SignInDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ConsoleSessionResponse> {
    assertCsrfHeader(request.method, request.headers);
    const { token, view } = await this.sessions.signIn(dto.apiKey, request.ip);
    void reply.header('set-cookie', sessionCookie(token, view.expiresAt - Date.now(), request.protocol === 'https'));
    void reply.header('cache-control', 'no-store');
    return toConsoleSessionResponse(view);
  }

  /** Who is signed in: the user, the key, its effective permissions and scopes. 401 without a live session. */
  @Public()
  @Get()
  @ApiOperation({
    summary: 'The console session: who is signed in',
    description: 'The user, the key, its effective permissions and scopes; 401 without a live session.',
  })
  @ApiOkResponse({ type: ConsoleSessionResponse })
  @ApiErrors('UNAUTHENTICATED')
  async current(@Headers() headers: IncomingHttpHeaders, @Res({ passthrough: true }) reply: FastifyReply): Promise<ConsoleSessionResponse> {
    const token = presentedSessionToken(headers);
    const session = token ? await this.sessions.authenticate(token) : undefined;
    if (!session) throw DomainError.unauthenticated('No console session: sign in with an API key');
    void reply.header('cache-control', 'no-store');
    return toConsoleSessionResponse(session.view);
  }

  /** Signs out: the session ends on every instance and the cookie is cleared. */
  @Public()
  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Console sign-out',
    description: 'The session ends on every instance and the cookie is cleared. Needs the CSRF header.',
  })
  @ApiHeader(CSRF_HEADER_DOC)
  @ApiNoContentResponse({ description: 'Signed out (also when there was no session)' })
  @ApiErrors('CSRF_HEADER_MISSING')
  async signOut(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    assertCsrfHeader(request.method, request.headers);
    const token = presentedSessionToken(request.headers);
    if (token) await this.sessions.signOut(token);
    void reply.header('set-cookie', clearedSessionCookie(request.protocol === 'https'));
  }
}
