import type { ProviderAdapter } from './provider-adapter.js';
import { classifyByStatus, isObject, readScores, requireObject } from './wire-format.js';

/**
 * Amazon Bedrock `Rerank` (bedrock-agent-runtime, `POST https://bedrock-agent-runtime.{region}.amazonaws.com/rerank`,
 * SigV4 with signing name `bedrock`): one TEXT query, INLINE TEXT sources (1-1000), the
 * model ARN and numberOfResults; answers `{results: [{index, relevanceScore}], nextToken?}`.
 * Errors are `{message}` with the type in `x-amzn-ErrorType` (ValidationException 400,
 * AccessDeniedException 403, ThrottlingException 429, ...). Credentials:
 * CREDENTIAL_KIND_AWS_SIGV4; modelIdentifier holds the model ARN.
 */
export const bedrockAdapter: ProviderAdapter = {
  providerType: 'BEDROCK',
  defaultApiPath: '/rerank',
  maxDocumentsPerRequest: 1000,
  buildRequestBody: (batch) => ({
    queries: [{ type: 'TEXT', textQuery: { text: batch.query } }],
    sources: batch.documents.map((text) => ({ type: 'INLINE', inlineDocumentSource: { type: 'TEXT', textDocument: { text } } })),
    rerankingConfiguration: {
      type: 'BEDROCK_RERANKING_MODEL',
      bedrockRerankingConfiguration: {
        numberOfResults: batch.topN ?? batch.documents.length,
        modelConfiguration: { modelArn: batch.model },
      },
    },
  }),
  parseResponse: (body) => ({ scores: readScores(requireObject(body).results, ['relevanceScore']) }),
  errorMessage: awsErrorMessage,
  classifyError: classifyByStatus,
  defaultScoreNormalization: 'NONE',
};

/** restJson1 errors carry `message`; some AWS front ends answer `Message`, or plain text. */
function awsErrorMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() || undefined;
  if (!isObject(body)) return undefined;
  const message = body.message ?? body.Message;
  return typeof message === 'string' && message.trim() ? message : undefined;
}
