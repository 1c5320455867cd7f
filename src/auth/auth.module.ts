import { Global, Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard } from './api-key.guard.js';
import { OwnerScope } from './owner-scope.js';
import { RequestAuthenticator } from './request-authenticator.js';

/**
 * Authentication and the ownership rules, for every module. The modules that implement
 * KEY_VERIFIER and USER_DIRECTORY (api-keys, users: a floor above) are given by the
 * composition root, so nothing here imports them.
 */
@Global()
@Module({})
export class AuthModule {
  static register(implementations: NonNullable<ModuleMetadata['imports']>): DynamicModule {
    return {
      module: AuthModule,
      imports: implementations,
      providers: [RequestAuthenticator, OwnerScope, { provide: APP_GUARD, useClass: ApiKeyGuard }],
      exports: [RequestAuthenticator, OwnerScope],
    };
  }
}
