import { ApiProperty } from '@nestjs/swagger';
import { DomainError } from '../../../common/errors/domain-error.js';
import { ajv } from '../../../common/validation/validated-body.js';
import { MAX_QUERY_LENGTH } from '../../dto/rerank-body.schema.js';
import { bodyHas, type Dialect } from '../dialect.js';

/**
 * The Bedrock agent runtime's Rerank, `POST {base}/rerank`: the AI SDK's amazon-bedrock
 * provider with `baseURL` set to the service (and its `apiKey`, sent as a Bearer token).
 * Told apart on the shared `/rerank` by `queries` and `sources`. The model is the end of the
 * model ARN (`arn:aws:bedrock:<region>::foundation-model/<model>`); a JSON document is ranked
 * as its JSON text, as Bedrock ranks it.
 */
interface BedrockSource {
  type: string;
  inlineDocumentSource?: { type: string; textDocument?: { text: string }; jsonDocument?: Record<string, unknown> };
}

interface BedrockBody {
  queries: Array<{ type: string; textQuery: { text: string } }>;
  sources: BedrockSource[];
  rerankingConfiguration: {
    type: string;
    bedrockRerankingConfiguration: { numberOfResults?: number; modelConfiguration: { modelArn: string; additionalModelRequestFields?: Record<string, unknown> } };
  };
  nextToken?: string;
}

const text = { type: 'object', required: ['text'], properties: { text: { type: 'string' } } } as const;
const schema = {
  type: 'object',
  additionalProperties: true,
  required: ['queries', 'sources', 'rerankingConfiguration'],
  properties: {
    queries: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      items: { type: 'object', required: ['textQuery'], properties: { type: { type: 'string' }, textQuery: { ...text, properties: { text: { type: 'string', minLength: 1, maxLength: MAX_QUERY_LENGTH } } } } },
    },
    sources: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['inlineDocumentSource'],
        properties: {
          type: { type: 'string' },
          inlineDocumentSource: {
            type: 'object',
            required: ['type'],
            properties: { type: { enum: ['TEXT', 'JSON'] }, textDocument: text, jsonDocument: { type: 'object', additionalProperties: true } },
          },
        },
      },
    },
    rerankingConfiguration: {
      type: 'object',
      required: ['bedrockRerankingConfiguration'],
      properties: {
        type: { type: 'string' },
        bedrockRerankingConfiguration: {
          type: 'object',
          required: ['modelConfiguration'],
          properties: {
            numberOfResults: { type: 'integer', minimum: 1 },
            modelConfiguration: {
              type: 'object',
              required: ['modelArn'],
              // additionalModelRequestFields: accepted and ignored, the reranker's own settings apply.
              properties: { modelArn: { type: 'string', minLength: 1, maxLength: 2048 }, additionalModelRequestFields: { type: 'object', additionalProperties: true } },
            },
          },
        },
      },
    },
    // Bedrock pages long answers; every result is in the first page here.
    nextToken: { type: 'string' },
  },
} as const;

class BedrockRerankResult {
  @ApiProperty({ type: 'integer' })
  index!: number;

  @ApiProperty()
  relevanceScore!: number;
}

export class BedrockRerankResponse {
  @ApiProperty({ type: [BedrockRerankResult], description: 'Best first, numberOfResults of them' })
  results!: BedrockRerankResult[];
}

export const bedrock: Dialect<BedrockBody> = {
  operationId: 'BedrockRerank',
  summary: 'Bedrock agent runtime Rerank (@ai-sdk/amazon-bedrock)',
  paths: ['/rerank'],
  claim: { test: (request) => bodyHas(request, 'queries') && bodyHas(request, 'sources'), detection: 'the body has queries and sources' },
  body: { schema, validate: ajv.compile<BedrockBody>(schema) },
  ignoredFields: ['nextToken'],
  ok: BedrockRerankResponse,
  parse: (body) => {
    const configuration = body.rerankingConfiguration.bedrockRerankingConfiguration;
    return {
      model: modelOfArn(configuration.modelConfiguration.modelArn),
      input: { query: body.queries[0]!.textQuery.text, documents: body.sources.map(sourceText), topN: configuration.numberOfResults },
    };
  },
  render: (outcome): BedrockRerankResponse => ({ results: outcome.results.map(({ index, score }) => ({ index, relevanceScore: score })) }),
};

/** `arn:aws:bedrock:<region>::foundation-model/<model>` names `<model>`; anything else is taken as the model itself. */
function modelOfArn(arn: string): string {
  const marker = 'foundation-model/';
  const at = arn.indexOf(marker);
  return at === -1 ? arn : arn.slice(at + marker.length);
}

function sourceText(source: BedrockSource, index: number): string {
  const document = source.inlineDocumentSource!;
  if (document.type === 'JSON' && document.jsonDocument) return JSON.stringify(document.jsonDocument);
  if (document.type === 'TEXT' && document.textDocument) return document.textDocument.text;
  throw DomainError.invalidArgument(`sources.${index}.inlineDocumentSource: a ${document.type} document needs its ${document.type === 'TEXT' ? 'textDocument' : 'jsonDocument'}`);
}
