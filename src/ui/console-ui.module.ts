import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { registerConsoleSite } from './console-site.js';

/** The admin console's static files at /console/ (unless CONSOLE_ENABLED=false). */
@Module({})
export class ConsoleUiModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.console.enabled) return;
    await registerConsoleSite(this.adapterHost.httpAdapter.getInstance<FastifyInstance>());
  }
}
