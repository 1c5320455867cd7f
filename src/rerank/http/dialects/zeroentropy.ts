import { ApiProperty } from '@nestjs/swagger';
import { ajv } from '../../../common/validation/validated-body.js';
import { COMPAT_MESSAGES, model, query, texts } from '../../dto/rerank-body.schema.js';
import { tokensOf, topNOf, type Dialect, type DialectCall } from '../dialect.js';

/**
 * ZeroEntropy, `POST {base}/models/rerank` (the SDK's base ends in `/v1`; set
 * `ZEROENTROPY_BASE_URL`): the zeroentropy SDK, mem0's `zero_entropy` reranker, Mastra's
 * ZeroEntropy scorer. mem0 keeps the input order with scores of 0 when a call fails (it only
 * logs a warning), so an answer it cannot read would go unnoticed: the shape here is the SDK's.
 */
interface ZeroEntropyBody {
  model?: string;
  query: string;
  documents: string[];
  top_n?: number | null;
  latency?: string | null;
}

interface ZeroEntropyCall extends DialectCall {
  readonly latency: 'fast' | 'slow';
}

const schema = {
  type: 'object',
  additionalProperties: true,
  required: ['query', 'documents'],
  properties: {
    model,
    query,
    documents: texts,
    top_n: { type: 'integer', nullable: true },
    // ZeroEntropy's queueing mode; there is one way to call here, it is echoed in actual_latency_mode.
    latency: { type: 'string', nullable: true },
  },
} as const;

class ZeroEntropyResult {
  @ApiProperty({ type: 'integer' })
  index!: number;

  @ApiProperty()
  relevance_score!: number;
}

export class ZeroEntropyRerankResponse {
  @ApiProperty({ type: [ZeroEntropyResult], description: 'Best first' })
  results!: ZeroEntropyResult[];

  @ApiProperty({ enum: ['fast', 'slow'], description: 'The latency mode asked for (fast unless slow)' })
  actual_latency_mode!: 'fast' | 'slow';

  @ApiProperty({ description: 'Seconds from the request to the answer' })
  e2e_latency!: number;

  @ApiProperty({ description: 'Seconds spent waiting on the upstream' })
  inference_latency!: number;

  @ApiProperty({ type: 'integer', description: 'UTF-8 bytes of the query and documents' })
  total_bytes!: number;

  @ApiProperty({ type: 'integer', description: 'As the upstream reported, else estimated over what was sent' })
  total_tokens!: number;
}

export const zeroEntropy: Dialect<ZeroEntropyBody, ZeroEntropyCall> = {
  operationId: 'ZeroEntropyRerank',
  summary: 'ZeroEntropy rerank (zeroentropy SDK, mem0 zero_entropy, Mastra)',
  paths: ['/models/rerank', '/v1/models/rerank'],
  body: { schema, validate: ajv.compile<ZeroEntropyBody>(schema), messages: COMPAT_MESSAGES },
  ok: ZeroEntropyRerankResponse,
  parse: (body) => ({
    model: body.model,
    input: { query: body.query, documents: body.documents, topN: topNOf(body.top_n) },
    latency: body.latency === 'slow' ? 'slow' : 'fast',
  }),
  render: (outcome, call, { reply }): ZeroEntropyRerankResponse => ({
    results: outcome.results.map(({ index, score }) => ({ index, relevance_score: score })),
    actual_latency_mode: call.latency,
    e2e_latency: reply.elapsedTime / 1000,
    inference_latency: outcome.upstreamLatencyMs / 1000,
    total_bytes: (call.input.documents as readonly string[]).reduce((bytes, document) => bytes + Buffer.byteLength(document), Buffer.byteLength(call.input.query)),
    total_tokens: tokensOf(outcome, call.input.query),
  }),
};
