import type { Dialect, DialectCall } from '../dialect.js';
import { bedrock } from './bedrock.js';
import { cohereV2 } from './cohere-v2.js';
import { jina } from './jina.js';
import { mixedbread } from './mixedbread.js';
import { pinecone } from './pinecone.js';
import { tei } from './tei.js';
import { vllmScore } from './vllm-score.js';
import { voyage } from './voyage.js';
import { zeroEntropy } from './zeroentropy.js';

/**
 * Every client dialect the service speaks (docs/clients.md). On a path several share, their
 * claims are tried in this order and Jina / Cohere v1 takes the rest: a header is the surest
 * sign (Pinecone), then the body's shape (Bedrock's queries + sources, TEI's texts, Voyage's top_k).
 */
export const DIALECTS: ReadonlyArray<Dialect<object, DialectCall>> = [pinecone, bedrock, tei, voyage, jina, cohereV2, mixedbread, vllmScore, zeroEntropy] as ReadonlyArray<
  Dialect<object, DialectCall>
>;
