import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logger.token.js';
import { MetricsService } from '../metrics/metrics.service.js';

/**
 * What a drop-in route does with a body's fields: those it reads, and those its clients are
 * known to send that it ignores (Cohere v1 `max_chunks_per_doc`, always sent by LangChain,
 * null when unset; v2 `priority`; Voyage's `truncation`; TEI's `raw_scores`...). Ignored
 * fields are counted by name, any other unread field as "other", to bound the metric.
 */
export interface DialectFields {
  readonly read: ReadonlySet<string>;
  readonly known: ReadonlySet<string>;
}

/** The fields of a body schema, less those the dialect declares it ignores. */
export function dialectFields(schema: object, ignored: readonly string[] = []): DialectFields {
  const properties = Object.keys((schema as { properties?: object }).properties ?? {});
  const known = new Set(ignored);
  return { read: new Set(properties.filter((field) => !known.has(field))), known };
}

const MAX_LOGGED_NAMES = 20;
const MAX_LOGGED_NAME_LENGTH = 64;

/** The drop-in routes accept fields they do not use: each is counted and logged at debug. */
@Injectable()
export class CompatFieldAudit {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  recordIgnored(route: string, body: object, fields: DialectFields): void {
    const ignored = Object.keys(body).filter((field) => !fields.read.has(field));
    if (ignored.length === 0) return;
    for (const field of ignored) this.metrics.countIgnoredField(route, fields.known.has(field) ? field : 'other');
    const names = ignored.slice(0, MAX_LOGGED_NAMES).map((field) => field.slice(0, MAX_LOGGED_NAME_LENGTH));
    this.logger.debug({ route, fields: names }, 'drop-in rerank: fields ignored');
  }
}
