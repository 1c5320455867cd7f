import type { INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { AUTHENTICATED_ONLY, REQUIRED_ACCESS, type RequiredAccess } from '../../src/auth/access.decorators.js';
import { IS_PUBLIC } from '../../src/auth/public.decorator.js';
import { RerankRoutes } from '../../src/rerank/http/rerank-routes.js';

export interface RouteInfo {
  method: string;
  path: string;
  /** The route's access policy: public, any valid key, a required permission, or none declared. */
  access: 'public' | 'authenticated' | RequiredAccess | undefined;
}

/** Every route the application serves: Nest's (from controller metadata) and the hot rerank routes. */
export function listRoutes(app: INestApplication): RouteInfo[] {
  // A path several client dialects share is one route (all of them require the same access).
  const hot = new Map(app.get(RerankRoutes).routes.flatMap((route) => route.paths.map((path) => [path, { method: 'POST', path, access: route.access }] as const)));
  return [...nestRoutes(app), ...hot.values()];
}

function nestRoutes(app: INestApplication): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as { prototype: Record<string, unknown> } & object;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const paths: unknown = Reflect.getMetadata(PATH_METADATA, handler);
        if (paths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]!;
        const access = accessOf(handler, controller);
        for (const path of Array.isArray(paths) ? paths : [paths]) {
          const full = `/${[base, String(path)].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/');
          routes.push({ method, path: full, access });
        }
      }
    }
  }
  return routes;
}

function accessOf(handler: object, controller: object): RouteInfo['access'] {
  if (Reflect.getMetadata(IS_PUBLIC, handler) || Reflect.getMetadata(IS_PUBLIC, controller)) return 'public';
  if (Reflect.getMetadata(AUTHENTICATED_ONLY, handler)) return 'authenticated';
  return Reflect.getMetadata(REQUIRED_ACCESS, handler) as RequiredAccess | undefined;
}
