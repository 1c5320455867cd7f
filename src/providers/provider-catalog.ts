import type { ProviderType, ScoreNormalization } from '../generated/prisma/enums.js';
import { bedrockAdapter } from './bedrock.js';
import { cohereAdapter } from './cohere.js';
import { deepInfraAdapter } from './deepinfra.js';
import { jinaAdapter } from './jina.js';
import { llamaCppAdapter } from './llama-cpp.js';
import { mixedbreadAdapter } from './mixedbread.js';
import { nvidiaNimAdapter } from './nvidia-nim.js';
import { openAiCompatibleAdapter } from './openai-compatible.js';
import { pineconeAdapter } from './pinecone.js';
import type { CredentialHeaderDefaults, ProviderAdapter } from './provider-adapter.js';
import { teiAdapter } from './tei.js';
import { vertexAiAdapter } from './vertex-ai.js';
import { vllmAdapter } from './vllm.js';
import { voyageAdapter } from './voyage.js';

/** Provider types that run inside the service (src/providers/builtin/): no endpoint, no credential, no wire format. */
export type BuiltinProviderType = Extract<ProviderType, 'LEXICAL' | 'LOCAL'>;
/** Provider types reached over HTTP, each through its adapter. */
export type WireProviderType = Exclude<ProviderType, BuiltinProviderType>;

export function isBuiltinProvider(providerType: ProviderType): providerType is BuiltinProviderType {
  return providerType === 'LEXICAL' || providerType === 'LOCAL';
}

/** Every wire format, by provider type. The Record type makes a missing one a compile error. */
const ADAPTERS: Record<WireProviderType, ProviderAdapter> = {
  COHERE: cohereAdapter,
  JINA: jinaAdapter,
  VOYAGE: voyageAdapter,
  TEI: teiAdapter,
  VLLM: vllmAdapter,
  LLAMA_CPP: llamaCppAdapter,
  OPENAI: openAiCompatibleAdapter,
  NVIDIA_NIM: nvidiaNimAdapter,
  PINECONE: pineconeAdapter,
  MIXEDBREAD: mixedbreadAdapter,
  VERTEX_AI: vertexAiAdapter,
  BEDROCK: bedrockAdapter,
  DEEPINFRA: deepInfraAdapter,
};

export function adapterFor(providerType: WireProviderType): ProviderAdapter {
  return ADAPTERS[providerType];
}

/** Where an API key goes for this type unless the creator says otherwise; none for a built-in type (it takes no credential). */
export function credentialHeaderFor(providerType: ProviderType): CredentialHeaderDefaults | undefined {
  return isBuiltinProvider(providerType) ? undefined : ADAPTERS[providerType].credentialHeader;
}

/**
 * Stored on new rerankers of this type unless the creator chooses: the adapter's, and for
 * the built-in types SIGMOID over a cross-encoder's logits (LOCAL) and BM25's raw scores (LEXICAL).
 */
export function defaultScoreNormalizationFor(providerType: ProviderType): ScoreNormalization {
  if (providerType === 'LOCAL') return 'SIGMOID';
  if (providerType === 'LEXICAL') return 'NONE';
  return ADAPTERS[providerType].defaultScoreNormalization;
}
