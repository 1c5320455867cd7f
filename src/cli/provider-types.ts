import type { Schemas } from './api.js';

type ProviderType = Schemas['ProviderType'];

/** Every provider type the API takes, in the order rrctl lists them. */
export const PROVIDER_TYPES = [
  'OPENAI',
  'VLLM',
  'TEI',
  'LLAMA_CPP',
  'VOYAGE',
  'COHERE',
  'JINA',
  'NVIDIA_NIM',
  'PINECONE',
  'MIXEDBREAD',
  'VERTEX_AI',
  'BEDROCK',
  'DEEPINFRA',
  'LEXICAL',
  'LOCAL',
] as const satisfies readonly ProviderType[];

// A type the API gained and this list lacks fails to compile here.
const EVERY_TYPE_LISTED: [Exclude<ProviderType, (typeof PROVIDER_TYPES)[number]>] extends [never] ? true : never = true;
void EVERY_TYPE_LISTED;

/** Types that run inside the service: the API refuses an endpoint, API path, credential or extra headers for them. */
export const BUILTIN_PROVIDER_TYPES: readonly string[] = ['LEXICAL', 'LOCAL'] satisfies readonly ProviderType[];
