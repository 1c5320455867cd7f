import { Injectable } from '@nestjs/common';
import { aliasNameParam } from '../../aliases/alias-name.pipe.js';
import { AUTHENTICATED_ERRORS, UPSTREAM_CALL_ERRORS } from '../../common/openapi/api-errors.decorator.js';
import { canonicalUuid } from '../../common/validation/canonical-uuid.js';
import { uuidParam } from '../../common/validation/uuid-param.pipe.js';
import { CompatFieldAudit } from '../compat-fields.js';
import {
  aliasRerankBodySchema,
  rerankBodySchema,
  validateAliasRerankBody,
  validateRerankBody,
  type AliasRerankBody,
  type RerankBody,
} from '../dto/rerank-body.schema.js';
import { RerankResponse, toRerankResponse } from '../dto/rerank.response.js';
import { RerankRouter } from '../routing/rerank-router.js';
import { setRerankTimingHeaders } from '../timing-headers.js';
import { dialectRoute } from './dialect.js';
import { DIALECTS } from './dialects/index.js';
import { clientGone, type HotRoute } from './hot-route.js';

const ERRORS = [...AUTHENTICATED_ERRORS, ...UPSTREAM_CALL_ERRORS];

/**
 * The rerank calls: by reranker id, through an alias, and the drop-in routes of every client
 * dialect (`model` is a reranker id, an alias name or a modelIdentifier; a response `id` is
 * the request id, so a client's log line leads to ours).
 */
@Injectable()
export class RerankRoutes {
  readonly routes: readonly HotRoute[];

  constructor(
    private readonly router: RerankRouter,
    compatFields: CompatFieldAudit,
  ) {
    this.routes = [this.byId(), this.byAlias(), ...DIALECTS.map((dialect) => dialectRoute(dialect, router, compatFields))] as HotRoute[];
  }

  private byId(): HotRoute<RerankBody> {
    return {
      operationId: 'RerankController_execute',
      tag: 'rerank',
      summary: 'Rerank documents with a reranker',
      description: 'The normalized call: results ordered by relevance, each with its index in the request. ' +
        'fallbackRerankerIds are tried in order when the reranker fails (connection, timeout, 5xx, 429, open circuit).',
      paths: ['/v1/rerankers/:id/rerank'],
      access: { action: 'EXECUTE', resource: 'RERANKER' },
      param: { name: 'id', parse: uuidParam },
      body: { schema: rerankBodySchema, validate: validateRerankBody },
      ok: RerankResponse,
      errors: ERRORS,
      handle: async ({ principal, param, body, reply }) => {
        const fallbacks = (body.fallbackRerankerIds ?? []).map(canonicalUuid);
        const outcome = await this.router.rerankReranker(principal, param, body, fallbacks, clientGone(reply));
        setRerankTimingHeaders(reply, outcome);
        return toRerankResponse(outcome, body.documents, body.returnDocuments ?? true);
      },
    };
  }

  /** Through the caller's alias: its targets in order or by weight, with failover and its last resort. */
  private byAlias(): HotRoute<AliasRerankBody> {
    return {
      operationId: 'AliasRerankController_execute',
      tag: 'rerank',
      summary: 'Rerank documents through an alias',
      description: "Targets are tried by priority, lowest first (WEIGHTED: picked by weight within a priority), failing over to the next; then the alias's last resort.",
      paths: ['/v1/aliases/:name/rerank'],
      access: { action: 'EXECUTE', resource: 'ALIAS' },
      param: { name: 'name', parse: aliasNameParam },
      body: { schema: aliasRerankBodySchema, validate: validateAliasRerankBody },
      ok: RerankResponse,
      errors: ERRORS,
      handle: async ({ principal, param, body, reply }) => {
        const outcome = await this.router.rerankAlias(principal, param, body, clientGone(reply));
        setRerankTimingHeaders(reply, outcome);
        return toRerankResponse(outcome, body.documents, body.returnDocuments ?? true);
      },
    };
  }
}
