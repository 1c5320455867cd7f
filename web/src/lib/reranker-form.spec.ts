import { FormProblem, createBody, emptyForm, formFromReranker, patchBody, switchProvider, type ProviderInfo, type StoredReranker } from './reranker-form.js';
import { rebaseEdits } from './rebase.js';

const cohere: ProviderInfo = {
  providerType: 'COHERE',
  displayName: 'Cohere',
  defaultEndpointUrl: 'https://api.cohere.com',
  defaultApiPath: '/v2/rerank',
  credentialHeader: { headerName: 'Authorization', prefix: 'Bearer ' },
  credentialKinds: ['CREDENTIAL_KIND_API_KEY'],
  defaultScoreNormalization: 'NONE',
  maxDocumentsPerRequest: 1000,
};
const pinecone: ProviderInfo = { ...cohere, providerType: 'PINECONE', displayName: 'Pinecone', defaultEndpointUrl: 'https://api.pinecone.io', defaultApiPath: '/rerank', credentialHeader: { headerName: 'Api-Key', prefix: '' } };
const vertex: ProviderInfo = { ...cohere, providerType: 'VERTEX_AI', displayName: 'Vertex AI', defaultEndpointUrl: null, defaultApiPath: '/default_ranking_config:rank', credentialKinds: ['CREDENTIAL_KIND_GCP_ADC', 'CREDENTIAL_KIND_API_KEY'] };

const stored: StoredReranker = {
  displayName: 'Cohere',
  description: null,
  providerType: 'COHERE',
  endpointUrl: 'https://api.cohere.com',
  apiPath: '/v2/rerank',
  modelIdentifier: 'rerank-v3.5',
  credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { headerName: 'Authorization', prefix: 'Bearer ' } },
  labels: { env: 'prod' },
  requestTimeoutMs: 30000,
  scoreNormalization: 'NONE',
  pricing: null,
  ownerId: 'owner',
};

describe('reranker form', () => {
  it('fills a provider’s defaults and builds the create body', () => {
    const state = { ...emptyForm(cohere), displayName: 'C', modelIdentifier: 'rerank-v3.5', inlineSecret: 'sk', labels: 'env=prod\n' };
    expect(createBody(state)).toEqual({
      displayName: 'C',
      providerType: 'COHERE',
      endpointUrl: 'https://api.cohere.com',
      apiPath: '/v2/rerank',
      modelIdentifier: 'rerank-v3.5',
      labels: { env: 'prod' },
      credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { headerName: 'Authorization', prefix: 'Bearer ', inlineSecret: 'sk' } },
    });
  });

  it('switches provider defaults without overwriting what was typed', () => {
    const typed = { ...emptyForm(cohere), endpointUrl: 'https://my-proxy.example' };
    const next = switchProvider(typed, cohere, pinecone);
    expect(next).toMatchObject({ providerType: 'PINECONE', endpointUrl: 'https://my-proxy.example', apiPath: '/rerank', headerName: 'Api-Key', prefix: '' });
    expect(switchProvider(emptyForm(cohere), cohere, vertex)).toMatchObject({ credential: 'GCP_ADC', endpointUrl: '' });
  });

  it('names the field it cannot turn into a body', () => {
    expect(() => createBody({ ...emptyForm(cohere), labels: 'no-equals' })).toThrow(FormProblem);
    expect(() => createBody({ ...emptyForm(cohere), requestTimeoutMs: '3s' })).toThrow(expect.objectContaining({ field: 'requestTimeoutMs' }));
  });

  it('patches only what changed and keeps the stored credential', () => {
    const original = formFromReranker(stored, cohere);
    expect(original.credential).toBe('KEEP');
    expect(patchBody(original, original)).toEqual({});
    const edited = { ...original, displayName: 'Cohere v3.5', labels: 'env=prod\ntier=gold', requestTimeoutMs: '' };
    expect(patchBody(original, edited)).toEqual({ displayName: 'Cohere v3.5', replaceLabels: { env: 'prod', tier: 'gold' }, requestTimeoutMs: null });
    expect(patchBody(original, { ...original, credential: 'NONE' })).toEqual({ credentials: null });
    expect(patchBody(original, { ...original, priced: true, currency: 'USD', perSearchUnit: '0.002' })).toEqual({ pricing: { currency: 'USD', perSearchUnit: '0.002' } });
  });

  it('puts the user’s edits on top of a concurrent change', () => {
    const opened = formFromReranker(stored, cohere);
    const mine = { ...opened, displayName: 'Mine' };
    const theirs = { ...opened, modelIdentifier: 'rerank-v4.0', displayName: 'Theirs' };
    expect(rebaseEdits(opened, mine, theirs)).toMatchObject({ displayName: 'Mine', modelIdentifier: 'rerank-v4.0' });
  });
});
