import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logger.token.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { compatBodySchema, type CompatBody } from './dto/rerank-body.schema.js';
import type { RerankInput } from './rerank-types.js';

const HONOURED = new Set(Object.keys(compatBodySchema.properties));

/**
 * Fields real clients send that mean nothing here: Cohere v1 `max_chunks_per_doc` (always
 * sent by LangChain, null when unset) and v2 `priority`, Jina's `truncation` and
 * `return_embeddings`. Counted by name; any other field as "other", to bound the metric.
 */
const KNOWN_IGNORED = new Set(['max_chunks_per_doc', 'priority', 'truncation', 'return_embeddings']);
const MAX_LOGGED_NAMES = 20;
const MAX_LOGGED_NAME_LENGTH = 64;

/** The drop-in routes accept fields they do not use: each is counted and logged at debug. */
@Injectable()
export class CompatFieldAudit {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  recordIgnored(route: string, body: CompatBody): void {
    const ignored = Object.keys(body).filter((field) => !HONOURED.has(field));
    if (ignored.length === 0) return;
    for (const field of ignored) this.metrics.countIgnoredField(route, KNOWN_IGNORED.has(field) ? field : 'other');
    const names = ignored.slice(0, MAX_LOGGED_NAMES).map((field) => field.slice(0, MAX_LOGGED_NAME_LENGTH));
    this.logger.debug({ route, fields: names }, 'drop-in rerank: fields ignored');
  }
}

/** The normalized call: `null` is unset, a `top_n` of 0 or less means every document. */
export function compatRerankInput(body: CompatBody): RerankInput {
  return {
    query: body.query,
    documents: body.documents,
    topN: typeof body.top_n === 'number' && body.top_n > 0 ? body.top_n : undefined,
    rankFields: body.rank_fields ?? undefined,
    maxTokensPerDoc: body.max_tokens_per_doc ?? undefined,
  };
}
