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
});
