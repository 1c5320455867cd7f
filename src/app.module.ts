import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from './config/app-config.js';
import { CoreModule } from './core.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { AliasesModule } from './aliases/aliases.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { InvalidationModule } from './database/invalidation.module.js';
import { LimitsModule } from './limits/limits.module.js';
import { EgressModule } from './egress/egress.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { RerankModule } from './rerank/rerank.module.js';
import { RerankersModule } from './rerankers/rerankers.module.js';
import { SessionsModule } from './api-keys/sessions/sessions.module.js';
import { SystemModule } from './system/system.module.js';
import { ConsoleUiModule } from './system/console/console-ui.module.js';
import { UsageModule } from './usage/usage.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  static register(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, logger),
        DatabaseModule,
        InvalidationModule,
        EgressModule,
        MetricsModule,
        AuthModule.register([ApiKeysModule, UsersModule, SessionsModule]),
        AuditModule,
        HealthModule,
        SystemModule,
        UsersModule,
        ApiKeysModule,
        RerankersModule,
        RerankModule,
        AliasesModule,
        UsageModule,
        LimitsModule,
        SessionsModule,
        ConsoleUiModule,
      ],
    };
  }
}
