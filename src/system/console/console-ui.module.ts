import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import { registerConsoleSite } from './console-site.js';

/**
 * The admin console's static files at /console/ (unless CONSOLE_ENABLED=false). Registered at
 * bootstrap, once Nest has set Fastify's error and not-found handlers: a plugin registered
 * before that defers them and the error model is lost on every route.
 */
@Module({})
export class ConsoleUiModule implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.console.enabled) return;
    await registerConsoleSite(this.adapterHost.httpAdapter.getInstance<FastifyInstance>());
  }
}
