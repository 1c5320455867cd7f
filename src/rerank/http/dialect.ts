import { ApiProperty } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal.js';
import { AUTHENTICATED_ERRORS, UPSTREAM_CALL_ERRORS } from '../../common/openapi/api-errors.decorator.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { estimatePairTokens } from '../../providers/token-estimate.js';
import { isObject } from '../../providers/wire-format.js';
import { reportedSearchUnits, reportedTokens } from '../../usage/pricing-calculator.js';
import { dialectFields, type CompatFieldAudit } from '../compat-fields.js';
import type { RerankDocument } from '../document-text.js';
import type { RerankRouter } from '../routing/rerank-router.js';
import type { RerankInput, RoutedOutcome } from '../rerank-types.js';
import { setRerankTimingHeaders } from '../timing-headers.js';
import { clientGone, type HotCall, type HotRoute } from './hot-route.js';

/** What a dialect's parser makes of a request: the call, and whatever its renderer needs besides. */
export interface DialectCall {
  /** The reranker id, alias name or modelIdentifier the request names; absent: the key's defaultModel. */
  readonly model?: string;
  readonly input: RerankInput;
}

/**
 * How one family of clients speaks to a rerank API: where it posts, what it sends, what it
 * parses, how it reads an error. Every dialect is a parser and a renderer around the same
 * routed call (RerankRouter.rerankModel), so authentication, scopes, limits, routing,
 * failover and usage are the same whichever client calls. Adding one: a file in
 * `dialects/`, listed in `dialects/index.ts`, and its test (docs/clients.md).
 */
export interface Dialect<Body = never, Call extends DialectCall = DialectCall> {
  readonly operationId: string;
  /** Who speaks it, in the OpenAPI document (one line), and what is not obvious from that. */
  readonly summary: string;
  readonly description?: string;
  /** Where its clients post. A path other dialects serve too needs a `claim` (but for the one dialect that takes the rest). */
  readonly paths: readonly string[];
  readonly claim?: HotRoute['claim'];
  /** A path parameter naming the model, for clients that cannot send one (TEI). */
  readonly param?: HotRoute['param'];
  readonly keyHeader?: string;
  readonly body: HotRoute<Body>['body'];
  /** Fields of its body its clients send that mean nothing here (counted by name in compat_ignored_fields_total). */
  readonly ignoredFields?: readonly string[];
  readonly ok: HotRoute['ok'];
  readonly errorShape?: HotRoute['errorShape'];
  parse(body: Body, param: string): Call;
  render(outcome: RoutedOutcome, call: Call, http: HotCall<Body>): unknown;
}

const EXECUTE_RERANKER = { action: 'EXECUTE', resource: 'RERANKER' } as const;
const ERRORS = [...AUTHENTICATED_ERRORS, ...UPSTREAM_CALL_ERRORS];

/** A dialect as a hot route: parse, the routed call, render; fields it ignores are counted. */
export function dialectRoute<Body extends object, Call extends DialectCall>(
  dialect: Dialect<Body, Call>,
  router: RerankRouter,
  audit: CompatFieldAudit,
): HotRoute<Body> {
  const fields = dialectFields(dialect.body.schema, dialect.ignoredFields);
  return {
    operationId: dialect.operationId,
    tag: 'rerank',
    summary: dialect.summary,
    description: dialect.description,
    paths: dialect.paths,
    access: EXECUTE_RERANKER,
    param: dialect.param,
    body: dialect.body,
    ok: dialect.ok,
    errors: ERRORS,
    keyHeader: dialect.keyHeader,
    claim: dialect.claim,
    errorShape: dialect.errorShape,
    handle: async (http) => {
      audit.recordIgnored(http.request.routeOptions.url ?? http.request.url, http.body, fields);
      const call = dialect.parse(http.body, http.param);
      const outcome = await router.rerankModel(http.principal, modelOf(call, http.principal), call.input, clientGone(http.reply));
      setRerankTimingHeaders(http.reply, outcome);
      return dialect.render(outcome, call, http);
    },
  };
}

/** The model a call names, else its key's default; a call with neither is refused as before defaults existed. */
function modelOf(call: DialectCall, principal: Principal): string {
  const model = call.model ?? principal.defaultModel;
  if (model !== undefined) return model;
  throw DomainError.invalidArgument('model: model is required (or create the API key with a defaultModel)', {
    fields: [{ field: 'model', problems: ['model is required'] }],
  });
}

/** Whether a request's (not yet validated) body has this field: how most dialects are told apart on a shared path. */
export function bodyHas(request: FastifyRequest, field: string): boolean {
  return isObject(request.body) && request.body[field] !== undefined;
}

/** Cohere-style `top_n`: null or unset, and 0 or less, mean every document. */
export function topNOf(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && value > 0 ? value : undefined;
}

/** A document as an object: a string one as `{text}` (Jina, Cohere, Pinecone echo them so). */
export function asDocumentObject(document: RerankDocument): Record<string, unknown> {
  return typeof document === 'string' ? { text: document } : document;
}

/**
 * The tokens of a call: as the upstream reported them (summed over batches), else estimated
 * over the pairs actually sent (0 for the lexical last resort: no model read them).
 */
export function tokensOf(outcome: RoutedOutcome, query: string): number {
  return (outcome.usage && reportedTokens(outcome.usage)) ?? estimatePairTokens(query, outcome.sentBatches);
}

/** Search units (Cohere's billed_units, Pinecone's rerank_units): as the upstream reported them, else one per upstream request. */
export function searchUnitsOf(outcome: RoutedOutcome): number {
  return (outcome.usage && reportedSearchUnits(outcome.usage)) ?? outcome.upstreamRequests;
}

/** OpenAI-style usage, numbers always present: what Together's and Infinity's clients validate. */
export class TokenUsage {
  @ApiProperty({ type: 'integer', description: 'Tokens read: as the upstream reported, else estimated over what was sent' })
  prompt_tokens!: number;

  @ApiProperty({ type: 'integer', description: 'Always 0: a reranker writes nothing' })
  completion_tokens!: number;

  @ApiProperty({ type: 'integer' })
  total_tokens!: number;
}

export function tokenUsage(outcome: RoutedOutcome, query: string): TokenUsage {
  const tokens = tokensOf(outcome, query);
  return { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens };
}
