import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { JSONSchemaType } from 'ajv';
import { DomainError } from '../../../common/errors/domain-error.js';
import { ERROR_STATUS, type ErrorCode } from '../../../common/errors/error-code.js';
import { ajv } from '../../../common/validation/validated-body.js';
import { COMPAT_MESSAGES, model, query, texts } from '../../dto/rerank-body.schema.js';
import { bodyHas, type Dialect, type DialectCall } from '../dialect.js';

/**
 * Hugging Face Text Embeddings Inference, `POST {base}/rerank`: LlamaIndex's
 * TextEmbeddingInference reranker, Haystack's HuggingFaceTEIRanker, pymilvus's
 * TEIRerankFunction. TEI serves one model, so its clients send none: the base URL
 * `{service}/dialects/tei/{reranker id or alias name}` carries it, and a client that drops the
 * base URL's path (Haystack posts to the root `/rerank`) runs its key's defaultModel. Told
 * apart on the shared `/rerank` and `/v1/rerank` by `texts`. The answer is a bare list, one
 * item per text, best first; errors are TEI's `{error, error_type}`.
 */
interface TeiBody {
  query: string;
  texts: string[];
  return_text?: boolean | null;
  raw_scores?: boolean | null;
  truncate?: boolean | null;
  truncation_direction?: string | null;
}

interface TeiCall extends DialectCall {
  readonly texts: readonly string[];
  readonly returnText: boolean;
}

const schema: JSONSchemaType<TeiBody> = {
  type: 'object',
  additionalProperties: true,
  required: ['query', 'texts'],
  properties: {
    query,
    texts,
    return_text: { type: 'boolean', nullable: true },
    // Accepted and ignored: scores are the reranker's own (see its scoreNormalization), truncation its own.
    raw_scores: { type: 'boolean', nullable: true },
    truncate: { type: 'boolean', nullable: true },
    truncation_direction: { type: 'string', nullable: true },
  },
};

/** The model in the base URL: what a body's `model` may be. */
function modelParam(value: string): string {
  if (value.length < model.minLength || value.length > model.maxLength) throw DomainError.invalidArgument(`model: ${COMPAT_MESSAGES.model}`);
  return value;
}

class TeiRank {
  @ApiProperty({ type: 'integer' })
  index!: number;

  @ApiProperty()
  score!: number;

  @ApiPropertyOptional({ description: 'With return_text: true' })
  text?: string;
}

/** TEI's error body, with our code and request id besides. */
export class TeiErrorBody {
  @ApiProperty({ description: 'The message' })
  error!: string;

  @ApiProperty({ enum: ['Unauthorized', 'Validation', 'Overloaded', 'Backend', 'Unhealthy'] })
  error_type!: string;

  @ApiProperty({ enum: Object.keys(ERROR_STATUS), enumName: 'ErrorCode', description: 'The stable error code (see ErrorBody)' })
  code!: ErrorCode;

  @ApiProperty()
  requestId!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Structured context, as in ErrorBody (e.g. the fields at fault)' })
  details?: Record<string, unknown>;
}

export const tei: Dialect<TeiBody, TeiCall> = {
  operationId: 'TeiRerank',
  summary: 'Text Embeddings Inference rerank (LlamaIndex, Haystack, pymilvus TEI clients)',
  paths: ['/dialects/tei/:model/rerank', '/rerank', '/v1/rerank'],
  param: { name: 'model', parse: modelParam },
  claim: { test: (request) => bodyHas(request, 'texts'), detection: 'the body has texts' },
  body: { schema, validate: ajv.compile(schema) },
  ignoredFields: ['raw_scores', 'truncate', 'truncation_direction'],
  ok: [TeiRank],
  errorShape: {
    schema: TeiErrorBody,
    body: ({ message, code, requestId, details }): TeiErrorBody => ({ error: message, error_type: teiErrorType(code), code, requestId, details }),
  },
  parse: (body, param) => ({
    model: param === '' ? undefined : param,
    input: { query: body.query, documents: body.texts },
    texts: body.texts,
    returnText: body.return_text ?? false,
  }),
  render: (outcome, call): TeiRank[] =>
    outcome.results.map(({ index, score }) => ({ index, score, text: call.returnText ? call.texts[index] : undefined })),
};

/** TEI's error types (its ErrorType), and Unauthorized for what TEI answers without a body. */
function teiErrorType(code: ErrorCode): string {
  const status: number = ERROR_STATUS[code];
  if (status === 401 || status === 403) return 'Unauthorized';
  if (status === 429) return 'Overloaded';
  if (status === 503 || status === 504) return 'Unhealthy';
  return status >= 500 ? 'Backend' : 'Validation';
}
