import type { JSONSchemaType } from 'ajv';
import { UUID_PATTERN } from '../../common/validation/canonical-uuid.js';
import { ajv } from '../../common/validation/validated-body.js';
import type { RerankDocument } from '../document-text.js';

/**
 * The rerank bodies, as JSON schemas compiled once: on the hot route this costs a fraction
 * of class-transformer + class-validator (see bench/validation.mjs); the pieces here are
 * shared with the client dialects' bodies (src/rerank/http/dialects). The document count
 * limit (RERANK_MAX_DOCUMENTS) is enforced by the service for every route.
 */
export const MAX_QUERY_LENGTH = 100_000;
export const MAX_RANK_FIELDS = 100;

/** POST /v1/rerankers/{id}/rerank */
export interface RerankBody {
  query: string;
  documents: RerankDocument[];
  topN?: number;
  returnDocuments?: boolean;
  rankFields?: string[];
  maxTokensPerDoc?: number;
  /** Tried in order when the reranker fails (connection, timeout, 5xx, 429, open circuit). */
  fallbackRerankerIds?: string[];
}

/**
 * POST /v1/rerank, /rerank (Jina / Cohere v1) and /v2/rerank (Cohere v2): one body, as
 * lenient as real clients need. `null` means unset for every optional field, `top_n` <= 0
 * means all, no `model` means the key's default (Cohere v1's SDK makes it optional), and
 * fields not listed here are accepted and ignored (see CompatFieldAudit).
 */
export interface CompatBody {
  model?: string;
  query: string;
  documents: RerankDocument[];
  top_n?: number | null;
  return_documents?: boolean | null;
  rank_fields?: string[] | null;
  max_tokens_per_doc?: number | null;
}

export const query = { type: 'string', minLength: 1, maxLength: MAX_QUERY_LENGTH } as const;
export const positiveInteger = { type: 'integer', minimum: 1, nullable: true } as const;
export const documents = {
  type: 'array',
  minItems: 1,
  items: { anyOf: [{ type: 'string' }, { type: 'object', additionalProperties: true, description: 'A structured document: its rank fields are what is ranked' }] },
} as unknown as JSONSchemaType<RerankDocument[]>;
/** Documents for clients whose API takes text only (Voyage, TEI, ZeroEntropy). */
export const texts = { type: 'array', minItems: 1, items: { type: 'string' } } as const;
export const fieldNames = { type: 'array', minItems: 1, maxItems: MAX_RANK_FIELDS, items: { type: 'string', minLength: 1, maxLength: 255 }, nullable: true } as const;
/**
 * A reranker id, an alias name, or a modelIdentifier (at most 255 characters). Optional in
 * the drop-in bodies (absent: the key's defaultModel) but never null, which names nothing:
 * so those bodies are plain schemas, not JSONSchemaType (which wants an optional field nullable).
 */
export const model = { type: 'string', minLength: 1, maxLength: 255 } as const;
const MAX_FALLBACKS = 15;

export const rerankBodySchema: JSONSchemaType<RerankBody> = {
  type: 'object',
  additionalProperties: false,
  required: ['query', 'documents'],
  properties: {
    query,
    documents,
    topN: positiveInteger,
    returnDocuments: { type: 'boolean', nullable: true },
    rankFields: fieldNames,
    maxTokensPerDoc: positiveInteger,
    fallbackRerankerIds: {
      type: 'array',
      maxItems: MAX_FALLBACKS,
      uniqueItems: true,
      items: { type: 'string', pattern: UUID_PATTERN },
      nullable: true,
    },
  },
};

/** POST /v1/aliases/{name}/rerank: the native body; the alias itself says what to fall back to. */
export type AliasRerankBody = Omit<RerankBody, 'fallbackRerankerIds'>;

const { fallbackRerankerIds: _perCallFallbacks, ...aliasRerankProperties } = rerankBodySchema.properties!;
export const aliasRerankBodySchema = { ...rerankBodySchema, properties: aliasRerankProperties } as unknown as JSONSchemaType<AliasRerankBody>;

export const compatBodySchema = {
  type: 'object',
  additionalProperties: true,
  required: ['query', 'documents'],
  properties: {
    model,
    query,
    documents,
    top_n: { type: 'integer', nullable: true },
    return_documents: { type: 'boolean', nullable: true },
    rank_fields: fieldNames,
    max_tokens_per_doc: positiveInteger,
  },
} as const;

export const validateRerankBody = ajv.compile(rerankBodySchema);
export const validateAliasRerankBody = ajv.compile(aliasRerankBodySchema);
export const validateCompatBody = ajv.compile<CompatBody>(compatBodySchema);

/** `model` is where Cohere and Jina clients put a model name. */
export const COMPAT_MESSAGES = { model: 'model must be a reranker id, an alias name or a modelIdentifier of yours' };
