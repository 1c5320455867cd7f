import { parseSecretRef, validateSecretRef, type SecretRefPolicy } from './secret-ref.js';

const policy: SecretRefPolicy = { envPrefixes: ['RERANKER_SECRET_'], vaultConfigured: true, fileDirs: ['/var/run/secrets'] };
const bare: SecretRefPolicy = { envPrefixes: ['RERANKER_SECRET_'], vaultConfigured: false, fileDirs: [] };

describe('parseSecretRef', () => {
  it.each([
    ['env://RERANKER_SECRET_COHERE', { scheme: 'env', name: 'RERANKER_SECRET_COHERE' }],
    ['vault://secret/rerankers/cohere#api_key', { scheme: 'vault', mount: 'secret', path: 'rerankers/cohere', field: 'api_key' }],
    ['vault://path/to/secret', { scheme: 'vault', mount: 'path', path: 'to/secret' }],
    ['vault://kv-v2/a.b/c_d#x.y', { scheme: 'vault', mount: 'kv-v2', path: 'a.b/c_d', field: 'x.y' }],
    ['file:///var/run/secrets/cohere/api-key', { scheme: 'file', path: '/var/run/secrets/cohere/api-key' }],
  ])('reads %s', (uri, parsed) => {
    expect(parseSecretRef(uri)).toEqual(parsed);
  });

  it.each([
    'env://1BAD',
    'vault://secret',
    'vault://secret/',
    'vault://secret//x',
    'vault://secret/../sys',
    'vault://secret/a/..',
    'vault://secret/a#',
    'vault://secret/a#b#c',
    'vault://secret/a?version=1',
    'vault://secret/a b',
    'file://relative',
    'file://host/etc/x',
    'file:///var/run/secrets/../../etc/passwd',
    'file:///var/run/secrets/./x',
    'file:///var/run/secrets//x',
    'file:///var/run/secrets/dir/',
    'file:///var/run/secrets/x%2F..',
    'file:///var/run/secrets/x?y',
    'file:///var/run/secrets/x#y',
  ])('refuses %s', (uri) => {
    expect(parseSecretRef(uri)).toBeUndefined();
  });
});

describe('validateSecretRef', () => {
  it('accepts each scheme this server is configured for', () => {
    for (const uri of ['env://RERANKER_SECRET_X', 'vault://secret/a#b', 'file:///var/run/secrets/x/key']) expect(validateSecretRef(uri, policy)).toBe(uri);
  });

  it.each<[string, SecretRefPolicy, RegExp]>([
    ['gcp-sm://projects/p/secrets/s', policy, /gcp-sm:\/\/ scheme is not supported; use env:\/\/NAME, vault:\/\//],
    ['not a uri', policy, /this reference is not supported/],
    ['env://DATABASE_URL', policy, /outside the allowed prefixes/],
    ['vault://secret', policy, /not a valid vault:\/\/ reference/],
    ['vault://secret/a#b', bare, /vault:\/\/ references are not configured on this server \(VAULT_ADDR\)/],
    ['file:///var/run/secrets/x', bare, /file:\/\/ references are not configured on this server \(SECRET_FILE_DIRS\)/],
    ['file:///etc/passwd', policy, /outside the allowed directories/],
    ['file:///var/run/secretsX/key', policy, /outside the allowed directories/],
    ['file:///var/run/secrets', policy, /outside the allowed directories/],
  ])('refuses %s with 400', (uri, given, message) => {
    expect(() => validateSecretRef(uri, given)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) }));
  });
});
