import { ManifestError, parseManifest } from './load.js';
import { KEPT_SECRET } from './schema.js';
import { secretValue, withSecrets, type SecretSlot } from './secrets.js';
import { validateManifests, type ValidateOptions } from './validate.js';

const options = (overrides: Partial<ValidateOptions> = {}): ValidateOptions => ({ env: {}, allowInlineSecrets: false, ...overrides });

const reranker = (spec: string, metadata = 'name: cohere') => `apiVersion: rrctl/v1
kind: Reranker
metadata:
  ${metadata}
spec:
  displayName: Cohere
  providerType: COHERE
  endpointUrl: https://api.cohere.com
  modelIdentifier: rerank-v3.5
${spec}`;

function problems(text: string, opts = options()): string[] {
  try {
    validateManifests(parseManifest(text, 'm.yaml'), opts);
  } catch (error) {
    if (error instanceof ManifestError) return error.message.split('\n').slice(1).map((line) => line.trim());
    throw error;
  }
  return [];
}

describe('manifest validation', () => {
  it('accepts a reranker, an alias and limits, with their names and labels', () => {
    const text = `${reranker('', 'name: cohere\n  labels: {team: search}\n  protected: true')}
---
apiVersion: rrctl/v1
kind: Alias
metadata: {name: rerank-english}
spec:
  targets: [{reranker: cohere, weight: 3}]
---
apiVersion: rrctl/v1
kind: Limits
metadata: {name: me}
spec: {user: me, requestsPerMinute: 600, monthlyCost: null}
`;
    const objects = validateManifests(parseManifest(text, 'm.yaml'), options());
    expect(objects.map((o) => [o.kind, o.name, o.protected])).toEqual([
      ['Reranker', 'cohere', true],
      ['Alias', 'rerank-english', false],
      ['Limits', 'me', false],
    ]);
    expect(objects[0]!.labels).toEqual({ team: 'search' });
  });

  it('names file, document, line and field for an unknown kind, an unknown field and a wrong type', () => {
    const text = `${reranker('  colour: blue\n  requestTimeoutMs: fast')}
---
apiVersion: rrctl/v1
kind: Router
metadata: {name: x}
spec: {}
`;
    expect(problems(text)).toEqual([
      'm.yaml, document 1 (line 10): spec.colour: unknown field',
      'm.yaml, document 1 (line 11): spec.requestTimeoutMs: must be an integer, or must be null',
      'm.yaml, document 2 (line 14): kind: unknown kind "Router"; one of Reranker, Alias, Limits',
    ]);
  });

  it('reports a missing required field and a wrong apiVersion', () => {
    const text = `apiVersion: rrctl/v1
kind: Alias
metadata: {name: a}
spec: {strategy: WEIGHTED}
---
apiVersion: v1
kind: Alias
metadata: {name: b}
spec: {targets: [{reranker: x}]}
`;
    expect(problems(text)).toEqual(['m.yaml, document 1 (line 4): spec.targets: is required', 'm.yaml, document 2 (line 6): apiVersion: must be rrctl/v1']);
  });

  it('refuses an inline secret unless allowed, and never keeps its value in the spec', () => {
    const text = reranker('  credentials: {kind: CREDENTIAL_KIND_API_KEY, apiKey: {inlineSecret: sk-live-123456789abcdef}}');
    expect(problems(text)).toEqual([
      'm.yaml, document 1 (line 10): spec.credentials.apiKey.inlineSecret: is an inline secret: give ${ENV_VAR} or a secretRef (or pass --allow-inline-secrets)',
    ]);
    const [object] = validateManifests(parseManifest(text, 'm.yaml'), options({ allowInlineSecrets: true }));
    const slot = (object!.spec.credentials as { apiKey: { inlineSecret: SecretSlot } }).apiKey.inlineSecret;
    expect(JSON.stringify(object!.spec)).not.toContain('sk-live');
    expect(String(slot)).toBe('<inline secret>');
    expect(secretValue(slot)).toBe('sk-live-123456789abcdef');
    expect(JSON.stringify(withSecrets(object!.spec))).toContain('sk-live-123456789abcdef');
  });

  it('reads ${ENV} secrets from the environment, and says which variable is missing without any value', () => {
    const text = reranker('  credentials: {kind: CREDENTIAL_KIND_API_KEY, apiKey: {inlineSecret: "${COHERE_KEY}"}}');
    expect(problems(text)).toEqual(['m.yaml, document 1 (line 10): spec.credentials.apiKey.inlineSecret: ${COHERE_KEY} is not set in rrctl\'s environment']);
    const [object] = validateManifests(parseManifest(text, 'm.yaml'), options({ env: { COHERE_KEY: 'the-value' } }));
    expect(JSON.stringify(object!.spec)).toContain('"inlineSecret":"${COHERE_KEY}"');
    expect(JSON.stringify(object!.spec)).not.toContain('the-value');
  });

  it('keeps ${…} for secret fields only, and whole', () => {
    const text = reranker('  description: "${HOME}"\n  credentials: {kind: CREDENTIAL_KIND_API_KEY, apiKey: {inlineSecret: "Bearer ${KEY}"}}');
    expect(problems(text, options({ env: { KEY: 'x' } }))).toEqual([
      'm.yaml, document 1 (line 10): spec.description: ${…} is only read in secret fields (inlineSecret, accessKeyId, secretAccessKey, sessionToken)',
      'm.yaml, document 1 (line 11): spec.credentials.apiKey.inlineSecret: a secret is one whole ${ENV_VAR}, with nothing around it',
    ]);
  });

  it('takes the export placeholder as a kept secret', () => {
    const text = reranker(`  credentials: {kind: CREDENTIAL_KIND_API_KEY, apiKey: {inlineSecret: "${KEPT_SECRET}"}}`);
    const [object] = validateManifests(parseManifest(text, 'm.yaml'), options());
    const slot = (object!.spec.credentials as { apiKey: { inlineSecret: SecretSlot } }).apiKey.inlineSecret;
    expect(slot.origin).toEqual({ kind: 'kept' });
  });

  it('refuses the protection label, and an owner set other than --owner-set', () => {
    const text = reranker('', 'name: cohere\n  labels: {rrctl.protected: "true", rrctl.owner-set: blue}');
    expect(problems(text, options({ ownerSet: 'green' }))).toEqual([
      'm.yaml, document 1 (line 5): metadata.labels.rrctl.protected: is managed by rrctl: set metadata.protected instead',
      'm.yaml, document 1 (line 5): metadata.labels.rrctl.owner-set: says owner set "blue", but --owner-set is "green"',
    ]);
  });

  it('refuses the same object twice, by name or by limits subject', () => {
    const limits = (name: string) => `apiVersion: rrctl/v1\nkind: Limits\nmetadata: {name: ${name}}\nspec: {user: me}\n`;
    expect(problems(`${reranker('')}\n---\n${reranker('')}\n---\n${limits('a')}---\n${limits('b')}`)).toEqual([
      'm.yaml, document 2: metadata.name: Reranker "cohere" already declared in m.yaml, document 1',
      'm.yaml, document 4: spec: these limits already declared in m.yaml, document 3',
    ]);
  });

  it('reads JSON arrays and YAML lists as one manifest per item, and reports invalid YAML with its line', () => {
    const json = JSON.stringify([
      { apiVersion: 'rrctl/v1', kind: 'Limits', metadata: { name: 'a' }, spec: { user: 'me', requestsPerMinute: 5 } },
      { apiVersion: 'rrctl/v1', kind: 'Limits', metadata: { name: 'b' }, spec: { apiKey: '00000000-0000-4000-8000-000000000000' } },
    ]);
    expect(validateManifests(parseManifest(json, 'm.json'), options()).map((o) => o.name)).toEqual(['a', 'b']);
    expect(() => parseManifest('kind: [unclosed\n', 'bad.yaml')).toThrow(/bad\.yaml, document 1 \(line \d\): not valid YAML or JSON/);
    const broken = 'spec:\n  credentials: {apiKey: {inlineSecret: sk-live-0123456789}\n  x: [\n';
    expect(() => parseManifest(broken, 'secret.yaml')).toThrow(ManifestError);
    expect(() => parseManifest(broken, 'secret.yaml')).not.toThrow(/sk-live/);
  });

  it('asks for exactly one subject of limits', () => {
    const text = 'apiVersion: rrctl/v1\nkind: Limits\nmetadata: {name: a}\nspec: {requestsPerMinute: 5}\n';
    expect(problems(text)).toEqual(['m.yaml, document 1 (line 4): spec: give exactly one of user and apiKey']);
  });

  describe('built-in provider types', () => {
    const builtin = (type: string, spec: string) => `apiVersion: rrctl/v1
kind: Reranker
metadata: {name: ${type.toLowerCase()}}
spec:
  displayName: ${type}
  providerType: ${type}
  modelIdentifier: ${type === 'LEXICAL' ? 'bm25' : 'tiny-cross-encoder'}
${spec}`;

    it('accepts LEXICAL and LOCAL without an endpoint, and BM25 parameters on LEXICAL', () => {
      const text = `${builtin('LEXICAL', '  lexical: {k1: 1.2, b: 0.75}\n  scoreNormalization: NONE\n')}---\n${builtin('LOCAL', '  credentials: null\n  extraHeaders: null\n')}`;
      const objects = validateManifests(parseManifest(text, 'm.yaml'), options());
      expect(objects.map((o) => [o.name, o.spec.lexical ?? null])).toEqual([
        ['lexical', { k1: 1.2, b: 0.75 }],
        ['local', null],
      ]);
    });

    it('refuses an endpoint, API path, credential or extra headers on a built-in, with the reason', () => {
      const text = builtin(
        'LEXICAL',
        '  endpointUrl: https://api.cohere.com\n  apiPath: /rerank\n  credentials: {kind: CREDENTIAL_KIND_API_KEY, apiKey: {secretRef: {uri: env://X}}}\n  extraHeaders: {x-a: b}\n',
      );
      expect(problems(text)).toEqual([
        'm.yaml, document 1 (line 8): spec.endpointUrl: is not accepted for LEXICAL: it runs inside the service',
        'm.yaml, document 1 (line 9): spec.apiPath: is not accepted for LEXICAL: it runs inside the service',
        'm.yaml, document 1 (line 10): spec.credentials: is not accepted for LEXICAL: it runs inside the service',
        'm.yaml, document 1 (line 11): spec.extraHeaders: is not accepted for LEXICAL: it runs inside the service',
      ]);
      expect(problems(builtin('LOCAL', '  endpointUrl: http://127.0.0.1:8080\n'))).toEqual([
        'm.yaml, document 1 (line 8): spec.endpointUrl: is not accepted for LOCAL: it runs inside the service',
      ]);
    });

    it('still asks every other type for its endpoint, and keeps lexical to LEXICAL', () => {
      const noEndpoint = reranker('').replace(/ {2}endpointUrl: .*\n/, '');
      expect(problems(noEndpoint)).toEqual(['m.yaml, document 1 (line 6): spec.endpointUrl: is required for COHERE (only LEXICAL and LOCAL run without one)']);
      expect(problems(reranker('  lexical: {k1: 1}'))).toEqual(['m.yaml, document 1 (line 10): spec.lexical: is only for LEXICAL, not COHERE']);
      expect(problems(builtin('LOCAL', '  lexical: {b: 0.5}\n'))).toEqual(['m.yaml, document 1 (line 8): spec.lexical: is only for LEXICAL, not LOCAL']);
    });

    it('names the field inside a mapping that may be null, and checks k1 and b against the API’s ranges', () => {
      expect(problems(reranker('  pricing: {currency: usd, perSearchUnit: cheap}'))).toEqual([
        'm.yaml, document 1 (line 10): spec.pricing.currency: must match pattern "^[A-Z]{3}$"',
        'm.yaml, document 1 (line 10): spec.pricing.perSearchUnit: must be a number, or must match pattern "^\\d{1,7}(\\.\\d{1,9})?$"',
      ]);
      expect(problems(builtin('LEXICAL', '  lexical: {k1: 101, b: -0.1, c: 1}\n'))).toEqual([
        'm.yaml, document 1 (line 8): spec.lexical.c: unknown field',
        'm.yaml, document 1 (line 8): spec.lexical.k1: must be <= 100',
        'm.yaml, document 1 (line 8): spec.lexical.b: must be >= 0',
      ]);
    });
  });
});
