import { Inject, Injectable, Optional } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { DomainError } from '../common/errors/domain-error.js';
import type { AuthenticatedRequest, RequiredAccess } from './access.decorators.js';
import { KEY_VERIFIER, type KeyVerifier } from './key-verifier.js';
import type { Principal } from './principal.js';
import { SESSION_AUTHENTICATOR, assertCsrfHeader, presentedSessionToken, type SessionAuthenticator } from './session-credentials.js';

/**
 * Who is calling and whether they may: the one place both the Nest guard and the hot
 * rerank routes (src/rerank/http) authenticate a request and check its access policy.
 */
@Injectable()
export class RequestAuthenticator {
  constructor(
    @Inject(KEY_VERIFIER) private readonly verifier: KeyVerifier,
    @Optional() @Inject(SESSION_AUTHENTICATOR) private readonly sessions?: SessionAuthenticator,
  ) {}

  /**
   * The caller's principal, attached to the request; 401 UNAUTHENTICATED without a valid key.
   * A key in the headers wins; else the console's session cookie stands for the key it was
   * opened with, and a state-changing request must then carry the CSRF header (403).
   * `keyHeader`: one more header the key may come in, for clients that send it nowhere else
   * (Pinecone's `Api-Key`).
   */
  async authenticate(request: FastifyRequest, keyHeader?: string): Promise<Principal> {
    const rawKey = presentedApiKey(request.headers, keyHeader);
    const token = rawKey ? undefined : this.sessions && presentedSessionToken(request.headers);
    let principal: Principal | undefined;
    if (rawKey) {
      principal = await this.verifier.verify(rawKey, request.ip);
      if (!principal) throw DomainError.unauthenticated('The API key is invalid, expired or revoked');
    } else if (token) {
      principal = (await this.sessions!.authenticate(token))?.principal;
      if (!principal) throw DomainError.unauthenticated('The console session ended: sign in again');
      assertCsrfHeader(request.method, request.headers);
    } else {
      throw DomainError.unauthenticated(`An API key is required (x-api-key${keyHeader ? `, ${keyHeader}` : ''} or Authorization: Bearer)`);
    }
    (request as AuthenticatedRequest).principal = principal;
    return principal;
  }

  /** 403 PERMISSION_DENIED unless the principal holds the action on the resource (own or any). */
  authorize(principal: Principal, required: RequiredAccess): void {
    if (!principal.scopeFor(required.action, required.resource)) {
      throw DomainError.permissionDenied(`${required.action}_${required.resource} permission is required`);
    }
  }
}

/** `x-api-key: <key>` (or `<keyHeader>: <key>`), or `Authorization: Bearer <key>` as Cohere and Jina clients send. */
export function presentedApiKey(headers: IncomingHttpHeaders, keyHeader?: string): string | undefined {
  const extra = keyHeader === undefined ? undefined : headers[keyHeader];
  if (typeof extra === 'string' && extra.trim() !== '') return extra.trim();
  return presentedCredential(headers, 'x-api-key');
}

/** The value of `header`, or else of `Authorization: Bearer <value>`. */
export function presentedCredential(headers: IncomingHttpHeaders, header: string): string | undefined {
  const value = headers[header];
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  const authorization = headers.authorization;
  const bearer = authorization && /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return bearer ? bearer[1] : undefined;
}
