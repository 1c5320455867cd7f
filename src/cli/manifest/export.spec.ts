import type { Schemas } from '../api.js';
import { endpointCell } from '../commands/rerankers.js';
import { rerankerManifest } from './export.js';
import { lexicalKey } from './plan.js';

type Reranker = Schemas['RerankerResponse'];

const lexical = {
  rerankerId: '5b0e4a8e-1c9f-4f43-9d0e-6f1f6b7c2a10',
  name: 'bm25',
  ownerId: '0d6f1a40-8b53-4c8e-9a43-4d6b0e9b7e21',
  displayName: 'BM25',
  description: null,
  providerType: 'LEXICAL',
  endpointUrl: null,
  apiPath: null,
  modelIdentifier: 'bm25',
  lexical: { k1: 1.2, b: 0.75 },
  supportedModalities: ['TEXT'],
  credentials: null,
  version: null,
  monitoringEndpoint: null,
  requestTimeoutMs: null,
  maxDocumentsPerRequest: null,
  maxTokensPerRequest: null,
  scoreNormalization: 'NONE',
  extraHeaders: null,
  pricing: null,
  labels: { team: 'search' },
  createdAt: 0,
  updatedAt: 0,
} as unknown as Reranker;

describe('built-in rerankers as manifests and tables', () => {
  it('exports a LEXICAL reranker without endpoint or API path (null in the API), with its BM25 parameters', () => {
    const manifest = rerankerManifest(lexical);
    expect(manifest).toEqual({
      apiVersion: 'rrctl/v1',
      kind: 'Reranker',
      metadata: { name: 'bm25', labels: { team: 'search' } },
      spec: { displayName: 'BM25', providerType: 'LEXICAL', modelIdentifier: 'bm25', lexical: { k1: 1.2, b: 0.75 }, supportedModalities: ['TEXT'], scoreNormalization: 'NONE' },
    });
    expect(rerankerManifest({ ...lexical, lexical: null } as unknown as Reranker).spec).not.toHaveProperty('lexical');
  });

  it('compares BM25 parameters whatever their order, an empty set as none', () => {
    expect(lexicalKey({ b: 0.75, k1: 1.2 })).toEqual(lexicalKey({ k1: 1.2, b: 0.75 }));
    expect(lexicalKey({})).toBeNull();
    expect(lexicalKey(undefined)).toBeNull();
    expect(lexicalKey({ k1: 1.2 })).not.toEqual(lexicalKey({ k1: 1.2, b: 0.75 }));
  });

  it('shows "built in" for a null endpoint in tables', () => {
    expect(endpointCell(lexical)).toBe('built in');
    expect(endpointCell({ endpointUrl: 'https://api.cohere.com', apiPath: '/v2/rerank' })).toBe('https://api.cohere.com/v2/rerank');
  });
});
