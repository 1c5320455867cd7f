import { Injectable } from '@nestjs/common';
import { aliasNameParam } from '../../aliases/alias-name.pipe.js';
import { AUTHENTICATED_ERRORS, UPSTREAM_CALL_ERRORS } from '../../common/openapi/api-errors.decorator.js';
import { canonicalUuid } from '../../common/validation/canonical-uuid.js';
import { uuidParam } from '../../common/validation/uuid-param.pipe.js';
import { compatRerankInput, CompatFieldAudit } from '../compat-fields.js';
import {
  aliasRerankBodySchema,
  COMPAT_MESSAGES,
  compatBodySchema,
  rerankBodySchema,
  validateAliasRerankBody,
  validateCompatBody,
  validateRerankBody,
  type AliasRerankBody,
  type CompatBody,
  type RerankBody,
} from '../dto/rerank-body.schema.js';
import {
  CohereV2RerankResponse,
  CompatV1RerankResponse,
  RerankResponse,
  toCohereV2Response,
  toCompatV1Response,
  toRerankResponse,
} from '../dto/rerank.response.js';
import { RerankRouter } from '../routing/rerank-router.js';
import type { RoutedOutcome } from '../rerank-types.js';
import { setRerankTimingHeaders } from '../timing-headers.js';
import type { HotCall, HotRoute } from './hot-route.js';

const ERRORS = [...AUTHENTICATED_ERRORS, ...UPSTREAM_CALL_ERRORS];
const EXECUTE_RERANKER = { action: 'EXECUTE', resource: 'RERANKER' } as const;
const MODEL_FIELD = '`model` is a reranker id, an alias name or a modelIdentifier of yours; the response `id` is the request id.';
const IGNORED_FIELDS = 'Other fields these clients send are accepted and ignored.';

/**
 * The rerank calls: by reranker id, through an alias, and the drop-in routes for Jina and
 * Cohere clients (`model` is a reranker id, an alias name or a modelIdentifier; the
 * response `id` is the request id, so a client's log line leads to ours).
 */
@Injectable()
export class RerankRoutes {
  readonly routes: readonly HotRoute[];

  constructor(
    private readonly router: RerankRouter,
    private readonly compatFields: CompatFieldAudit,
  ) {
    this.routes = [this.byId(), this.byAlias(), this.compatV1(), this.cohereV2()] as HotRoute[];
  }

  private byId(): HotRoute<RerankBody> {
    return {
      operationId: 'RerankController_execute',
      tag: 'rerank',
      summary: 'Rerank documents with a reranker',
      description: 'The normalized call: results ordered by relevance, each with its index in the request. ' +
        'fallbackRerankerIds are tried in order when the reranker fails (connection, timeout, 5xx, 429, open circuit).',
      paths: ['/v1/rerankers/:id/rerank'],
      access: EXECUTE_RERANKER,
      param: { name: 'id', parse: uuidParam },
      body: { schema: rerankBodySchema, validate: validateRerankBody },
      okType: RerankResponse,
      errors: ERRORS,
      handle: async ({ principal, param, body, reply }) => {
        const fallbacks = (body.fallbackRerankerIds ?? []).map(canonicalUuid);
        const outcome = await this.router.rerankReranker(principal, param, body, fallbacks);
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
      okType: RerankResponse,
      errors: ERRORS,
      handle: async ({ principal, param, body, reply }) => {
        const outcome = await this.router.rerankAlias(principal, param, body);
        setRerankTimingHeaders(reply, outcome);
        return toRerankResponse(outcome, body.documents, body.returnDocuments ?? true);
      },
    };
  }

  /** Jina / Cohere v1: documents come back unless `return_documents: false` (Jina's default). */
  private compatV1(): HotRoute<CompatBody> {
    return {
      ...this.compat('CompatRerankController_v1', ['/v1/rerank', '/rerank'], CompatV1RerankResponse),
      summary: 'Rerank as Jina or Cohere v1 (drop-in)',
      description: `${MODEL_FIELD} Documents come back unless return_documents is false. ${IGNORED_FIELDS}`,
      handle: async (call) => {
        const outcome = await this.compatCall(call);
        return toCompatV1Response(outcome, String(call.request.id), call.body.documents, call.body.return_documents ?? true);
      },
    };
  }

  /** Cohere v2: no documents unless asked (cohere-ai 7.x still sends `return_documents`). */
  private cohereV2(): HotRoute<CompatBody> {
    return {
      ...this.compat('CompatRerankController_v2', ['/v2/rerank'], CohereV2RerankResponse),
      summary: 'Rerank as Cohere v2 (drop-in)',
      description: `${MODEL_FIELD} Documents come back only with return_documents: true. ${IGNORED_FIELDS}`,
      handle: async (call) => {
        const outcome = await this.compatCall(call);
        return toCohereV2Response(outcome, String(call.request.id), call.body.documents, call.body.return_documents ?? false);
      },
    };
  }

  private compat(operationId: string, paths: string[], okType: HotRoute['okType']): Omit<HotRoute<CompatBody>, 'handle' | 'summary'> {
    return {
      operationId,
      tag: 'rerank',
      paths,
      access: EXECUTE_RERANKER,
      body: { schema: compatBodySchema, validate: validateCompatBody, messages: COMPAT_MESSAGES },
      okType,
      errors: ERRORS,
    };
  }

  private async compatCall({ principal, body, request, reply }: HotCall<CompatBody>): Promise<RoutedOutcome> {
    this.compatFields.recordIgnored(request.routeOptions.url ?? request.url, body);
    const outcome = await this.router.rerankModel(principal, body.model, compatRerankInput(body));
    setRerankTimingHeaders(reply, outcome);
    return outcome;
  }
}
