import { Module } from '@nestjs/common';
import { BuiltinRankers } from './builtin-rankers.js';

/** LEXICAL and LOCAL ranking inside the service, on worker threads. Needs AppConfig, LOGGER and MetricsService (global). */
@Module({ providers: [BuiltinRankers], exports: [BuiltinRankers] })
export class BuiltinRankersModule {}
