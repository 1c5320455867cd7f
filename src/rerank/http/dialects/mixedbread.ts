import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANY_OBJECT } from '../../../common/openapi/schema-properties.js';
import { ajv } from '../../../common/validation/validated-body.js';
import type { RerankDocument } from '../../document-text.js';
import { COMPAT_MESSAGES, documents, fieldNames, model, positiveInteger, query } from '../../dto/rerank-body.schema.js';
import { tokenUsage, TokenUsage, type Dialect, type DialectCall } from '../dialect.js';

/**
 * Mixedbread, `POST {base}/v1/reranking`: @mixedbread/sdk and the AI SDK's
 * mixedbread-ai-provider. Documents are `input` (strings, or objects ranked by
 * `rank_fields`), the cut is `top_k`, the echo `return_input`; `model` is optional (the SDK
 * sends none unless told), so a key's defaultModel serves SDK calls that leave it out.
 */
interface MixedbreadBody {
  model?: string;
  query: string;
  input: RerankDocument[];
  top_k?: number | null;
  return_input?: boolean | null;
  rank_fields?: string[] | null;
  rewrite_query?: boolean | null;
}

interface MixedbreadCall extends DialectCall {
  readonly returnInput: boolean;
}

const schema = {
  type: 'object',
  additionalProperties: true,
  required: ['query', 'input'],
  properties: {
    model,
    query,
    input: documents,
    top_k: positiveInteger,
    return_input: { type: 'boolean', nullable: true },
    rank_fields: fieldNames,
    // Accepted and ignored: there is no query rewriting here.
    rewrite_query: { type: 'boolean', nullable: true },
  },
} as const;

class MixedbreadRankResult {
  @ApiProperty({ type: 'integer' })
  index!: number;

  @ApiProperty()
  score!: number;

  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, ANY_OBJECT], description: 'With return_input: true, as sent' })
  input?: RerankDocument;

  @ApiProperty({ enum: ['rank_result'] })
  object!: 'rank_result';
}

export class MixedbreadRerankResponse {
  @ApiProperty({ enum: ['list'] })
  object!: 'list';

  @ApiProperty({ type: [MixedbreadRankResult], description: 'Best first, top_k of them' })
  data!: MixedbreadRankResult[];

  @ApiProperty()
  model!: string;

  @ApiProperty({ type: TokenUsage })
  usage!: TokenUsage;

  @ApiProperty({ type: 'integer', description: 'The cut applied: top_k, or every document' })
  top_k!: number;

  @ApiProperty()
  return_input!: boolean;
}

export const mixedbread: Dialect<MixedbreadBody, MixedbreadCall> = {
  operationId: 'MixedbreadRerank',
  summary: 'Mixedbread reranking (@mixedbread/sdk, mixedbread-ai-provider)',
  paths: ['/v1/reranking'],
  body: { schema, validate: ajv.compile<MixedbreadBody>(schema), messages: COMPAT_MESSAGES },
  ignoredFields: ['rewrite_query'],
  ok: MixedbreadRerankResponse,
  parse: (body) => ({
    model: body.model,
    input: { query: body.query, documents: body.input, topN: body.top_k ?? undefined, rankFields: body.rank_fields ?? undefined },
    returnInput: body.return_input ?? false,
  }),
  render: (outcome, call): MixedbreadRerankResponse => ({
    object: 'list',
    data: outcome.results.map(({ index, score }) => ({
      index,
      score,
      input: call.returnInput ? call.input.documents[index] : undefined,
      object: 'rank_result',
    })),
    model: outcome.model,
    usage: tokenUsage(outcome, call.input.query),
    top_k: Math.min(call.input.topN ?? call.input.documents.length, call.input.documents.length),
    return_input: call.returnInput,
  }),
};
