import type { ProviderType } from '../generated/prisma/enums.js';
import { bedrockAdapter } from './bedrock.js';
import { cohereAdapter } from './cohere.js';
import { deepInfraAdapter } from './deepinfra.js';
import { jinaAdapter } from './jina.js';
import { llamaCppAdapter } from './llama-cpp.js';
import { mixedbreadAdapter } from './mixedbread.js';
import { nvidiaNimAdapter } from './nvidia-nim.js';
import { openAiCompatibleAdapter } from './openai-compatible.js';
import { pineconeAdapter } from './pinecone.js';
import type { ProviderAdapter } from './provider-adapter.js';
import { teiAdapter } from './tei.js';
import { vertexAiAdapter } from './vertex-ai.js';
import { vllmAdapter } from './vllm.js';
import { voyageAdapter } from './voyage.js';

/** Every wire format, by provider type. The Record type makes a missing one a compile error. */
const ADAPTERS: Record<ProviderType, ProviderAdapter> = {
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

export function adapterFor(providerType: ProviderType): ProviderAdapter {
  return ADAPTERS[providerType];
}
