import { CREDENTIAL_KIND_API_KEY, CREDENTIAL_KIND_AWS_SIGV4, CREDENTIAL_KIND_GCP_ADC, DEFAULT_CREDENTIAL_HEADER, type CredentialKind } from '../credentials/credential.js';
import type { ProviderType, ScoreNormalization } from '../generated/prisma/enums.js';
import type { Permission } from '../auth/permissions.js';
import { LOCAL_PAIRS_PER_BATCH } from '../providers/builtin/builtin-rankers.js';
import { defaultApiPathFor, type CredentialHeaderDefaults } from '../providers/provider-adapter.js';
import { adapterFor, defaultScoreNormalizationFor, isBuiltinProvider } from '../providers/provider-catalog.js';

/** What a registration form needs beyond the wire format: a name, the hosted endpoint if there is one, the credentials that fit. */
interface ProviderListing {
  readonly displayName: string;
  /** The vendor's hosted API; null for servers people run themselves (TEI, vLLM, ...) or per-project hosts (Vertex, Bedrock). */
  readonly defaultEndpointUrl: string | null;
  /** The credential kinds that fit, the usual one first (the API accepts any kind for any type). */
  readonly credentialKinds: readonly CredentialKind[];
}

const API_KEY: readonly CredentialKind[] = [CREDENTIAL_KIND_API_KEY];

/** By provider type; the Record type makes a missing one a compile error. */
const LISTINGS: Record<ProviderType, ProviderListing> = {
  COHERE: { displayName: 'Cohere', defaultEndpointUrl: 'https://api.cohere.com', credentialKinds: API_KEY },
  JINA: { displayName: 'Jina AI', defaultEndpointUrl: 'https://api.jina.ai', credentialKinds: API_KEY },
  VOYAGE: { displayName: 'Voyage AI', defaultEndpointUrl: 'https://api.voyageai.com/v1', credentialKinds: API_KEY },
  TEI: { displayName: 'Hugging Face TEI', defaultEndpointUrl: null, credentialKinds: API_KEY },
  VLLM: { displayName: 'vLLM', defaultEndpointUrl: null, credentialKinds: API_KEY },
  LLAMA_CPP: { displayName: 'llama.cpp server', defaultEndpointUrl: null, credentialKinds: API_KEY },
  OPENAI: { displayName: 'OpenAI-style /rerank server', defaultEndpointUrl: null, credentialKinds: API_KEY },
  NVIDIA_NIM: { displayName: 'NVIDIA NIM', defaultEndpointUrl: null, credentialKinds: API_KEY },
  PINECONE: { displayName: 'Pinecone', defaultEndpointUrl: 'https://api.pinecone.io', credentialKinds: API_KEY },
  MIXEDBREAD: { displayName: 'Mixedbread', defaultEndpointUrl: 'https://api.mixedbread.com', credentialKinds: API_KEY },
  VERTEX_AI: { displayName: 'Google Vertex AI ranking', defaultEndpointUrl: null, credentialKinds: [CREDENTIAL_KIND_GCP_ADC, CREDENTIAL_KIND_API_KEY] },
  BEDROCK: { displayName: 'AWS Bedrock', defaultEndpointUrl: null, credentialKinds: [CREDENTIAL_KIND_AWS_SIGV4] },
  DEEPINFRA: { displayName: 'DeepInfra', defaultEndpointUrl: 'https://api.deepinfra.com', credentialKinds: API_KEY },
  LEXICAL: { displayName: 'Built-in BM25', defaultEndpointUrl: null, credentialKinds: [] },
  LOCAL: { displayName: 'Built-in ONNX cross-encoder', defaultEndpointUrl: null, credentialKinds: [] },
};

const MODEL_PLACEHOLDER = '{model}';

export interface ProviderInfo extends ProviderListing {
  readonly providerType: ProviderType;
  /** Runs inside the service: no endpoint, path or credential. */
  readonly builtin: boolean;
  /** What registering one needs beyond CREATE_RERANKER (LOCAL: USE_SERVER_RESOURCES); null: nothing more. */
  readonly requiresPermission: Permission | null;
  /** The path used when a registration names none; `{model}` stands for the model identifier; null for a built-in type. */
  readonly defaultApiPath: string | null;
  readonly credentialHeader: CredentialHeaderDefaults | null;
  readonly defaultScoreNormalization: ScoreNormalization;
  /** Documents per upstream request (LOCAL: per inference batch); null: the whole call at once (LEXICAL). */
  readonly maxDocumentsPerRequest: number | null;
}

/** Every provider type with the defaults a registration gets (GET /v1/providers). */
export function providerInfos(): ProviderInfo[] {
  return (Object.keys(LISTINGS) as ProviderType[]).map((providerType) => {
    const common = { providerType, ...LISTINGS[providerType], defaultScoreNormalization: defaultScoreNormalizationFor(providerType) };
    if (isBuiltinProvider(providerType)) {
      const local = providerType === 'LOCAL';
      return {
        ...common,
        builtin: true,
        requiresPermission: local ? 'USE_SERVER_RESOURCES' : null,
        defaultApiPath: null,
        credentialHeader: null,
        maxDocumentsPerRequest: local ? LOCAL_PAIRS_PER_BATCH : null,
      };
    }
    const adapter = adapterFor(providerType);
    return {
      ...common,
      builtin: false,
      requiresPermission: null,
      defaultApiPath: defaultApiPathFor(adapter, MODEL_PLACEHOLDER).replaceAll(encodeURIComponent(MODEL_PLACEHOLDER), MODEL_PLACEHOLDER),
      credentialHeader: adapter.credentialHeader ?? DEFAULT_CREDENTIAL_HEADER,
      maxDocumentsPerRequest: adapter.maxDocumentsPerRequest,
    };
  });
}
