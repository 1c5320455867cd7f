import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../common/errors/domain-error.js';
import { AuthenticatedOnly, Requires, type AuthenticatedRequest } from './access.decorators.js';
import type { KeyVerifier } from './key-verifier.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { presentedApiKey, RequestAuthenticator } from './request-authenticator.js';
import { Principal } from './principal.js';
import { Public } from './public.decorator.js';

class Routes {
  @Public()
  open(): void {}

  @AuthenticatedOnly()
  anyKey(): void {}

  @Requires('LIST', 'USER')
  admins(): void {}

  forgotten(): void {}
}

const member = new Principal('u1', 'MEMBER', 'k1');
const verifier = { verify: async (key: string) => (key === 'good' ? member : undefined) } satisfies KeyVerifier;
const guard = new ApiKeyGuard(new Reflector(), new RequestAuthenticator(verifier));

function contextFor(handler: keyof Routes, headers: Record<string, string> = {}): ExecutionContext {
  const request = { headers } as unknown as AuthenticatedRequest;
  return {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

async function outcome(handler: keyof Routes, headers?: Record<string, string>): Promise<string> {
  try {
    return String(await guard.canActivate(contextFor(handler, headers)));
  } catch (error) {
    return (error as DomainError).code;
  }
}

describe('ApiKeyGuard', () => {
  it('lets public routes through without a key', async () => {
    expect(await outcome('open')).toBe('true');
  });

  it('needs a valid key everywhere else', async () => {
    expect(await outcome('anyKey')).toBe('UNAUTHENTICATED');
    expect(await outcome('anyKey', { 'x-api-key': 'bad' })).toBe('UNAUTHENTICATED');
    expect(await outcome('anyKey', { 'x-api-key': 'good' })).toBe('true');
  });

  it('checks the permission a route requires', async () => {
    expect(await outcome('admins', { authorization: 'Bearer good' })).toBe('PERMISSION_DENIED');
  });

  it('denies a route that declares no access policy, even to a valid key', async () => {
    expect(await outcome('forgotten', { 'x-api-key': 'good' })).toBe('PERMISSION_DENIED');
  });
});

describe('presentedApiKey', () => {
  it.each([
    [{ 'x-api-key': ' k ' }, 'k'],
    [{ authorization: 'Bearer k' }, 'k'],
    [{ authorization: 'bearer   k' }, 'k'],
    [{ authorization: 'Basic k' }, undefined],
    [{ authorization: 'Bearer a b' }, undefined],
    [{}, undefined],
  ])('reads %j as %j', (headers, expected) => {
    expect(presentedApiKey(headers)).toBe(expected);
  });
});
