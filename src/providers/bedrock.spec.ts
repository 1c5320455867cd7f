/**
 * Amazon Bedrock Rerank (bedrock-agent-runtime `Rerank`), as verified against the AWS API
 * reference (RerankSource, RerankingConfiguration, BedrockRerankingConfiguration) and the
 * JavaScript SDK v3 `RerankCommand` input/output syntax:
 * - `POST /rerank` on `https://bedrock-agent-runtime.{region}.amazonaws.com`, SigV4 with the
 *   signing name `bedrock`.
 * - Body: `queries: [{type: "TEXT", textQuery: {text}}]`, `sources: [{type: "INLINE",
 *   inlineDocumentSource: {type: "TEXT", textDocument: {text}}}]` (1-1000),
 *   `rerankingConfiguration: {type: "BEDROCK_RERANKING_MODEL", bedrockRerankingConfiguration:
 *   {numberOfResults, modelConfiguration: {modelArn, additionalModelRequestFields?}}}`.
 * - Answer: `{results: [{index, relevanceScore, document?}], nextToken?}` (document only when
 *   asked for; nextToken only past what fits, which numberOfResults <= sources avoids).
 * - Errors: `{message}` with `x-amzn-ErrorType` (ValidationException 400,
 *   AccessDeniedException 403, ResourceNotFoundException 404, ThrottlingException 429,
 *   ServiceQuotaExceededException 400, InternalServerException 500).
 */
import { UpstreamFormatError } from './provider-adapter.js';
import { adapterFor } from './provider-catalog.js';

const bedrock = adapterFor('BEDROCK');
const ARN = 'arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0';

describe('BEDROCK adapter', () => {
  it('sends one TEXT query, inline TEXT sources and the model ARN with numberOfResults', () => {
    expect(bedrock.buildRequestBody({ model: ARN, query: 'q', documents: ['a', 'b'], topN: 1, maxTokensPerDoc: 9 })).toEqual({
      queries: [{ type: 'TEXT', textQuery: { text: 'q' } }],
      sources: [
        { type: 'INLINE', inlineDocumentSource: { type: 'TEXT', textDocument: { text: 'a' } } },
        { type: 'INLINE', inlineDocumentSource: { type: 'TEXT', textDocument: { text: 'b' } } },
      ],
      rerankingConfiguration: {
        type: 'BEDROCK_RERANKING_MODEL',
        bedrockRerankingConfiguration: { numberOfResults: 1, modelConfiguration: { modelArn: ARN } },
      },
    });
  });

  it('asks for every result of the batch when no cut is given, and batches at most 1,000 sources', () => {
    const body = bedrock.buildRequestBody({ model: ARN, query: 'q', documents: ['a', 'b', 'c'] }) as { rerankingConfiguration: { bedrockRerankingConfiguration: { numberOfResults: number } } };
    expect(body.rerankingConfiguration.bedrockRerankingConfiguration.numberOfResults).toBe(3);
    expect(bedrock.maxDocumentsPerRequest).toBe(1000);
    expect(bedrock.defaultApiPath).toBe('/rerank');
  });

  it('reads results', () => {
    expect(bedrock.parseResponse({ results: [{ index: 1, relevanceScore: 0.9 }, { index: 0, relevanceScore: 0.1 }] }).scores).toEqual([
      { index: 1, score: 0.9 },
      { index: 0, score: 0.1 },
    ]);
  });

  it.each([[{}], [{ results: [{ index: 0 }] }], [{ results: [{ index: '0', relevanceScore: 0.5 }] }], ['nope']])('refuses a malformed answer %j', (body) => {
    expect(() => bedrock.parseResponse(body)).toThrow(UpstreamFormatError);
  });

  it("reads AWS's error body", () => {
    expect(bedrock.errorMessage({ message: 'User is not authorized to perform: bedrock:Rerank' })).toBe('User is not authorized to perform: bedrock:Rerank');
    expect(bedrock.errorMessage({ Message: 'Missing Authentication Token' })).toBe('Missing Authentication Token');
    expect(bedrock.errorMessage({ error: 'x' })).toBeUndefined();
  });
});
