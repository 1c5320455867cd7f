import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ajv } from '../../../common/validation/validated-body.js';
import { COMPAT_MESSAGES, model, positiveInteger, query, texts } from '../../dto/rerank-body.schema.js';
import { bodyHas, tokensOf, type Dialect, type DialectCall } from '../dialect.js';

/**
 * Voyage, `POST {base}/rerank` with a base ending in `/v1`: the voyageai SDK and the AI SDK's
 * voyage-ai-provider. It shares `/v1/rerank` and `/rerank` with Jina and Cohere v1, where it is
 * told apart by the SDK's `X-Fern-SDK-Name: voyageai` or by `top_k` (the others say `top_n`);
 * `/dialects/voyage/v1/rerank` is its alone, for clients that send neither.
 */
interface VoyageBody {
  model?: string;
  query: string;
  documents: string[];
  top_k?: number | null;
  return_documents?: boolean | null;
  truncation?: boolean | null;
}

interface VoyageCall extends DialectCall {
  readonly documents: readonly string[];
  readonly returnDocuments: boolean;
}

const schema = {
  type: 'object',
  additionalProperties: true,
  required: ['query', 'documents'],
  properties: {
    model,
    query,
    documents: texts,
    top_k: positiveInteger,
    return_documents: { type: 'boolean', nullable: true },
    // Accepted and ignored: the reranker's own truncation applies.
    truncation: { type: 'boolean', nullable: true },
  },
} as const;

class VoyageRerankResult {
  @ApiProperty({ type: 'integer' })
  index!: number;

  @ApiProperty()
  relevance_score!: number;

  @ApiPropertyOptional({ description: 'With return_documents: true' })
  document?: string;
}

class VoyageUsage {
  @ApiProperty({ type: 'integer', description: 'As the upstream reported, else estimated over what was sent' })
  total_tokens!: number;
}

export class VoyageRerankResponse {
  @ApiProperty({ enum: ['list'] })
  object!: 'list';

  @ApiProperty({ type: [VoyageRerankResult], description: 'Best first, top_k of them' })
  data!: VoyageRerankResult[];

  @ApiProperty()
  model!: string;

  @ApiProperty({ type: VoyageUsage })
  usage!: VoyageUsage;
}

export const voyage: Dialect<VoyageBody, VoyageCall> = {
  operationId: 'VoyageRerank',
  summary: 'Voyage rerank (voyageai SDK, voyage-ai-provider)',
  paths: ['/dialects/voyage/v1/rerank', '/v1/rerank', '/rerank'],
  claim: {
    test: (request) => request.headers['x-fern-sdk-name'] === 'voyageai' || bodyHas(request, 'top_k'),
    detection: 'the voyageai SDK calls (X-Fern-SDK-Name: voyageai) or the body has top_k',
  },
  body: { schema, validate: ajv.compile<VoyageBody>(schema), messages: COMPAT_MESSAGES },
  ignoredFields: ['truncation'],
  ok: VoyageRerankResponse,
  parse: (body) => ({
    model: body.model,
    input: { query: body.query, documents: body.documents, topN: body.top_k ?? undefined },
    documents: body.documents,
    returnDocuments: body.return_documents ?? false,
  }),
  render: (outcome, call): VoyageRerankResponse => ({
    object: 'list',
    data: outcome.results.map(({ index, score }) => ({
      index,
      relevance_score: score,
      document: call.returnDocuments ? call.documents[index] : undefined,
    })),
    model: outcome.model,
    usage: { total_tokens: tokensOf(outcome, call.input.query) },
  }),
};
