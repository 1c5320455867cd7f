import { ApiProperty } from '@nestjs/swagger';
import { DomainError } from '../../../common/errors/domain-error.js';
import { ajv } from '../../../common/validation/validated-body.js';
import { COMPAT_MESSAGES, MAX_QUERY_LENGTH, model } from '../../dto/rerank-body.schema.js';
import { tokenUsage, TokenUsage, type Dialect } from '../dialect.js';

/**
 * vLLM's score API, `POST /score` and `/v1/score` (vLLM's example client
 * openai_cross_encoder_score.py, and any client of a vLLM cross-encoder): one query against
 * texts, as `text_1` + `text_2` or, in newer vLLM, `queries` + `documents` (also `queries` +
 * `items`, `data_1` + `data_2`). The first side is one query (a string, or a list of one);
 * several different queries in one call, which vLLM pairs one to one, are refused: a rerank
 * is one query. Scores come back in input order, not best first.
 */
type Texts = string | string[];

interface ScoreBody {
  model?: string;
  text_1?: Texts;
  text_2?: Texts;
  queries?: Texts;
  documents?: Texts;
  items?: Texts;
  data_1?: Texts;
  data_2?: Texts;
  truncate_prompt_tokens?: number | null;
}

/** The pairs of fields a score request may use, in the order vLLM tries them. */
const SIDES = [
  ['queries', 'documents'],
  ['queries', 'items'],
  ['data_1', 'data_2'],
  ['text_1', 'text_2'],
] as const;

const side = { anyOf: [{ type: 'string', maxLength: MAX_QUERY_LENGTH }, { type: 'array', minItems: 1, items: { type: 'string' } }] } as const;
const schema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    model,
    text_1: side,
    text_2: side,
    queries: side,
    documents: side,
    items: side,
    data_1: side,
    data_2: side,
    // vLLM's truncation of each pair: read as the most tokens per document (-1, the model's maximum, as unset).
    truncate_prompt_tokens: { type: 'integer', minimum: -1, nullable: true },
  },
} as const;

class ScoreData {
  @ApiProperty({ type: 'integer', description: 'Position of the text in the request' })
  index!: number;

  @ApiProperty({ enum: ['score'] })
  object!: 'score';

  @ApiProperty()
  score!: number;
}

export class VllmScoreResponse {
  @ApiProperty({ description: 'The request id' })
  id!: string;

  @ApiProperty({ enum: ['list'] })
  object!: 'list';

  @ApiProperty({ type: 'integer', description: 'Epoch seconds' })
  created!: number;

  @ApiProperty()
  model!: string;

  @ApiProperty({ type: [ScoreData], description: 'In input order' })
  data!: ScoreData[];

  @ApiProperty({ type: TokenUsage })
  usage!: TokenUsage;
}

export const vllmScore: Dialect<ScoreBody> = {
  operationId: 'VllmScore',
  summary: 'vLLM score (text_1 + text_2, or queries + documents)',
  paths: ['/score', '/v1/score'],
  body: { schema, validate: ajv.compile<ScoreBody>(schema), messages: COMPAT_MESSAGES },
  ok: VllmScoreResponse,
  parse: (body) => {
    const [queries, texts] = sidesOf(body);
    const truncate = body.truncate_prompt_tokens;
    return {
      model: body.model,
      input: { query: oneQuery(queries), documents: typeof texts === 'string' ? [texts] : texts, maxTokensPerDoc: truncate && truncate > 0 ? truncate : undefined },
    };
  },
  render: (outcome, call, { request }): VllmScoreResponse => {
    const data = new Array<ScoreData>(outcome.results.length);
    for (const { index, score } of outcome.results) data[index] = { index, object: 'score', score };
    return {
      id: String(request.id),
      object: 'list',
      created: Math.floor(Date.now() / 1000),
      model: outcome.model,
      data,
      usage: tokenUsage(outcome, call.input.query),
    };
  },
};

function sidesOf(body: ScoreBody): [Texts, Texts] {
  for (const [first, second] of SIDES) {
    const queries = body[first];
    const texts = body[second];
    if (queries !== undefined && texts !== undefined) return [queries, texts];
  }
  throw DomainError.invalidArgument('body: text_1 and text_2 (or queries and documents) are required');
}

function oneQuery(queries: Texts): string {
  if (typeof queries === 'string') {
    if (queries.length === 0) throw DomainError.invalidArgument('text_1: the query must not be empty');
    return queries;
  }
  const [query] = queries;
  if (queries.some((other) => other !== query)) {
    throw DomainError.invalidArgument('text_1: one query per call (several different queries are scored one call each)');
  }
  if (query!.length === 0 || query!.length > MAX_QUERY_LENGTH) throw DomainError.invalidArgument(`text_1: the query must have 1 to ${MAX_QUERY_LENGTH} characters`);
  return query!;
}
