import { FormProblem, RERANKER_FIELDS, createBody, emptyForm, formFromReranker, patchBody, switchProvider, type ProviderInfo, type StoredReranker } from './reranker-form.js';
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

const lexical: ProviderInfo = {
  providerType: 'LEXICAL',
  displayName: 'Lexical (BM25, built in)',
  defaultEndpointUrl: null,
  defaultApiPath: null,
  credentialHeader: null,
  credentialKinds: [],
  defaultScoreNormalization: 'NONE',
  maxDocumentsPerRequest: 1000,
  builtin: true,
  requiresPermission: null,
};
const local: ProviderInfo = { ...lexical, providerType: 'LOCAL', displayName: 'Local cross-encoder (built in)', defaultScoreNormalization: 'SIGMOID', requiresPermission: 'USE_SERVER_RESOURCES' };

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
    expect(createBody(state, cohere)).toEqual({
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
    expect(() => createBody({ ...emptyForm(cohere), labels: 'no-equals' }, cohere)).toThrow(FormProblem);
    expect(() => createBody({ ...emptyForm(cohere), requestTimeoutMs: '3s' }, cohere)).toThrow(expect.objectContaining({ field: 'requestTimeoutMs' }));
  });

  it('patches only what changed and keeps the stored credential', () => {
    const original = formFromReranker(stored, cohere);
    expect(original.credential).toBe('KEEP');
    expect(patchBody(original, original, cohere)).toEqual({});
    const edited = { ...original, displayName: 'Cohere v3.5', labels: 'env=prod\ntier=gold', requestTimeoutMs: '' };
    expect(patchBody(original, edited, cohere)).toEqual({ displayName: 'Cohere v3.5', replaceLabels: { env: 'prod', tier: 'gold' }, requestTimeoutMs: null });
    expect(patchBody(original, { ...original, credential: 'NONE' }, cohere)).toEqual({ credentials: null });
    expect(patchBody(original, { ...original, priced: true, currency: 'USD', perSearchUnit: '0.002' }, cohere)).toEqual({ pricing: { currency: 'USD', perSearchUnit: '0.002' } });
  });

  it('puts the user’s edits on top of a concurrent change', () => {
    const opened = formFromReranker(stored, cohere);
    const mine = { ...opened, displayName: 'Mine' };
    const theirs = { ...opened, modelIdentifier: 'rerank-v4.0', displayName: 'Theirs' };
    expect(rebaseEdits(opened, mine, theirs)).toMatchObject({ displayName: 'Mine', modelIdentifier: 'rerank-v4.0' });
  });

  describe('built-in types', () => {
    it('prefills bm25, sends no endpoint, API path or credential, and k1 and b as numbers', () => {
      const state = { ...emptyForm(lexical), displayName: 'BM25', lexicalK1: '1.2', lexicalB: '0.75' };
      expect(state).toMatchObject({ modelIdentifier: 'bm25', endpointUrl: '', apiPath: '', credential: 'NONE', headerName: '', prefix: '' });
      expect(createBody(state, lexical)).toEqual({ displayName: 'BM25', providerType: 'LEXICAL', modelIdentifier: 'bm25', labels: {}, lexical: { k1: 1.2, b: 0.75 } });
      expect(createBody({ ...state, lexicalK1: '', lexicalB: '' }, lexical)).not.toHaveProperty('lexical');
      expect(createBody({ ...state, lexicalK1: '', lexicalB: '0' }, lexical).lexical).toEqual({ b: 0 });
    });

    it('never sends what a hidden field still holds from another type', () => {
      const typed = { ...emptyForm(cohere), displayName: 'X', endpointUrl: 'https://my-proxy.example', apiPath: '/rerank', inlineSecret: 'sk-typed', modelIdentifier: 'rerank-v3.5' };
      const switched = switchProvider(typed, cohere, lexical);
      expect(switched).toMatchObject({ providerType: 'LEXICAL', modelIdentifier: 'bm25', credential: 'NONE', endpointUrl: 'https://my-proxy.example' });
      const body = createBody({ ...switched, credential: 'API_KEY_INLINE' }, lexical);
      for (const field of ['endpointUrl', 'apiPath', 'credentials', 'extraHeaders']) expect(body).not.toHaveProperty(field);
      expect(JSON.stringify(body)).not.toContain('sk-typed');
      // Back to a remote type: the endpoint typed before comes back, bm25 goes.
      expect(switchProvider(switched, lexical, cohere)).toMatchObject({ endpointUrl: 'https://my-proxy.example', modelIdentifier: '', credential: 'API_KEY_INLINE' });
    });

    it('refuses k1 and b out of the API’s ranges, naming the field like the API', () => {
      const base = { ...emptyForm(lexical), displayName: 'BM25' };
      for (const [field, value] of [['lexicalK1', '101'], ['lexicalK1', '-1'], ['lexicalK1', 'one'], ['lexicalB', '1.5'], ['lexicalB', '0x1'], ['lexicalB', '1e-1']] as const) {
        expect(() => createBody({ ...base, [field]: value }, lexical)).toThrow(expect.objectContaining({ field }));
      }
      expect(() => createBody({ ...base, lexicalK1: '101' }, lexical)).toThrow('lexical.k1 must be a number from 0 to 100');
      expect(() => createBody({ ...base, lexicalB: '2' }, lexical)).toThrow('lexical.b must be a number from 0 to 1');
      expect(createBody({ ...base, lexicalK1: '100', lexicalB: '1' }, lexical).lexical).toEqual({ k1: 100, b: 1 });
      expect([RERANKER_FIELDS['lexical.k1'], RERANKER_FIELDS['lexical.b'], RERANKER_FIELDS.lexical]).toEqual(['lexicalK1', 'lexicalB', 'lexicalK1']);
    });

    it('ignores k1 and b on other types', () => {
      expect(createBody({ ...emptyForm(local), displayName: 'L', modelIdentifier: 'tiny', lexicalK1: '3' }, local)).toEqual({ displayName: 'L', providerType: 'LOCAL', modelIdentifier: 'tiny', labels: {} });
    });

    it('reads a stored built-in (null endpoint) and patches only its own fields', () => {
      const storedLexical: StoredReranker = { ...stored, providerType: 'LEXICAL', endpointUrl: null, apiPath: null, credentials: null, modelIdentifier: 'bm25', lexical: { k1: 1.5 } };
      const original = formFromReranker(storedLexical, lexical);
      expect(original).toMatchObject({ endpointUrl: '', apiPath: '', credential: 'NONE', lexicalK1: '1.5', lexicalB: '' });
      expect(patchBody(original, original, lexical)).toEqual({});
      expect(patchBody(original, { ...original, lexicalB: '0.5' }, lexical)).toEqual({ lexical: { k1: 1.5, b: 0.5 } });
      expect(patchBody(original, { ...original, lexicalK1: '' }, lexical)).toEqual({ lexical: null });
      expect(patchBody(original, { ...original, endpointUrl: 'https://x.example', credential: 'API_KEY_INLINE', inlineSecret: 's' }, lexical)).toEqual({});
      const storedLocal: StoredReranker = { ...storedLexical, providerType: 'LOCAL', modelIdentifier: 'tiny', lexical: null };
      const opened = formFromReranker(storedLocal, local);
      expect(patchBody(opened, { ...opened, modelIdentifier: 'tiny-2' }, local)).toEqual({ modelIdentifier: 'tiny-2' });
    });
  });
});
