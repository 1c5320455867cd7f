import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANY_OBJECT } from '../../../common/openapi/schema-properties.js';
import { ajv } from '../../../common/validation/validated-body.js';
import type { RerankDocument } from '../../document-text.js';
import { COMPAT_MESSAGES, documents, fieldNames, model, positiveInteger, query } from '../../dto/rerank-body.schema.js';
import { asDocumentObject, searchUnitsOf, type Dialect, type DialectCall } from '../dialect.js';

/**
 * Pinecone's inference API, `POST {host}/rerank`: @pinecone-database/pinecone's
 * `inference.rerank` with `controllerHostUrl` set to the service (and Pinecone's other SDKs).
 * Told apart on the shared `/rerank` by its `X-Pinecone-API-Version` header; the key comes in
 * `Api-Key`. Documents are objects ranked by `rank_fields` (default `text`).
 *
 * The SDK replaces a 404's message with a fixed text ("A call to ... returned HTTP status
 * 404"), so an unknown model answers 400 here (code NOT_FOUND), as Pinecone itself answers
 * an unknown model: its users then read which name was not found.
 */
interface PineconeBody {
  model?: string;
  query: string;
  documents: RerankDocument[];
  top_n?: number | null;
  return_documents?: boolean | null;
  rank_fields?: string[] | null;
  parameters?: Record<string, unknown> | null;
}

interface PineconeCall extends DialectCall {
  readonly returnDocuments: boolean;
}

const schema = {
  type: 'object',
  additionalProperties: true,
  required: ['query', 'documents'],
  properties: {
    model,
    query,
    documents,
    top_n: positiveInteger,
    return_documents: { type: 'boolean', nullable: true },
    rank_fields: fieldNames,
    // Model parameters (e.g. truncate): accepted and ignored, the reranker's own settings apply.
    parameters: { type: 'object', nullable: true, required: [], additionalProperties: true },
  },
} as const;

class PineconeRankedDocument {
  @ApiProperty({ type: 'integer' })
  index!: number;

  @ApiProperty()
  score!: number;

  @ApiPropertyOptional({ ...ANY_OBJECT, description: 'Unless return_documents: false: the document as sent, a string one as {text}' })
  document?: Record<string, unknown>;
}

class PineconeUsage {
  @ApiProperty({ type: 'integer', description: 'As the upstream reported them, else one per upstream request' })
  rerank_units!: number;
}

export class PineconeRerankResponse {
  @ApiProperty()
  model!: string;

  @ApiProperty({ type: [PineconeRankedDocument], description: 'Best first' })
  data!: PineconeRankedDocument[];

  @ApiProperty({ type: PineconeUsage })
  usage!: PineconeUsage;
}

export const pinecone: Dialect<PineconeBody, PineconeCall> = {
  operationId: 'PineconeRerank',
  summary: 'Pinecone inference rerank (@pinecone-database/pinecone)',
  paths: ['/rerank'],
  claim: {
    test: (request) => request.headers['x-pinecone-api-version'] !== undefined,
    detection: 'the request has an X-Pinecone-API-Version header',
  },
  keyHeader: 'api-key',
  body: { schema, validate: ajv.compile<PineconeBody>(schema), messages: COMPAT_MESSAGES },
  ignoredFields: ['parameters'],
  ok: PineconeRerankResponse,
  errorShape: { statuses: { NOT_FOUND: 400 } },
  parse: (body) => ({
    model: body.model,
    input: { query: body.query, documents: body.documents, topN: body.top_n ?? undefined, rankFields: body.rank_fields ?? undefined },
    returnDocuments: body.return_documents ?? true,
  }),
  render: (outcome, call): PineconeRerankResponse => ({
    model: outcome.model,
    data: outcome.results.map(({ index, score }) => ({
      index,
      score,
      document: call.returnDocuments ? asDocumentObject(call.input.documents[index]!) : undefined,
    })),
    usage: { rerank_units: searchUnitsOf(outcome) },
  }),
};
