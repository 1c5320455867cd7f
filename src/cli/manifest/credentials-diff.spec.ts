import { compareCredentials } from './credentials-diff.js';
import { SecretSlot } from './secrets.js';

const apiKeyMetadata = (apiKey: Record<string, unknown>) =>
  ({ kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { headerName: 'Authorization', prefix: 'Bearer ', hasInlineSecret: false, ...apiKey } }) as never;
const env = (value: string) => new SecretSlot({ kind: 'env', variable: 'KEY' }, value);

describe('comparing a manifest credential with the stored metadata', () => {
  it('compares secret references by uri and hints, with the provider defaults for the header', () => {
    const stored = apiKeyMetadata({ secretRef: { uri: 'env://A' } });
    expect(compareCredentials({ kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { secretRef: { uri: 'env://A' } } }, stored, 'COHERE').outcome).toBe('same');
    expect(compareCredentials({ kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { secretRef: { uri: 'env://B' } } }, stored, 'COHERE')).toEqual({
      outcome: 'changed',
      note: 'secretRef env://A -> secretRef env://B',
    });
    expect(compareCredentials({ kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { secretRef: { uri: 'env://A' } } }, stored, 'PINECONE').outcome).toBe('changed');
  });

  it('proves an inline secret changed by its hint, and says unknown (never unchanged) when the hint matches', () => {
    const stored = apiKeyMetadata({ hasInlineSecret: true, secretHint: '…cdef' });
    const differs = compareCredentials({ kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { inlineSecret: env('0123456789abcxyz') } }, stored, 'JINA');
    expect(differs.outcome).toBe('changed');
    const unknown = compareCredentials({ kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { inlineSecret: env('0123456789abcdef') } }, stored, 'JINA');
    expect(unknown).toEqual({ outcome: 'unknown', note: 'the inline secret from ${KEY} cannot be compared with the stored one without its value: it will be re-supplied' });
    for (const result of [differs, unknown]) expect(result.note).not.toMatch(/0123|cdef|xyz/);
  });

  it('keeps a stored inline secret for the export placeholder', () => {
    const stored = apiKeyMetadata({ hasInlineSecret: true, secretHint: '…' });
    expect(compareCredentials({ kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { inlineSecret: new SecretSlot({ kind: 'kept' }) } }, stored, 'JINA').outcome).toBe('same');
  });

  it('compares GCP scopes as sets and AWS region, service and key presence', () => {
    const gcp = { kind: 'CREDENTIAL_KIND_GCP_ADC', gcpAdc: { scopes: ['b', 'a'], quotaProjectId: 'p' } } as never;
    expect(compareCredentials({ kind: 'CREDENTIAL_KIND_GCP_ADC', gcpAdc: { scopes: ['a', 'b', 'a'], quotaProjectId: 'p' } }, gcp, 'VERTEX_AI').outcome).toBe('same');
    const aws = { kind: 'CREDENTIAL_KIND_AWS_SIGV4', awsSigV4: { region: 'us-east-1', service: 'bedrock', hasInlineKeys: false } } as never;
    expect(compareCredentials({ kind: 'CREDENTIAL_KIND_AWS_SIGV4', awsSigV4: { region: 'us-east-1' } }, aws, 'BEDROCK').outcome).toBe('same');
    expect(compareCredentials({ kind: 'CREDENTIAL_KIND_AWS_SIGV4', awsSigV4: { region: 'eu-west-1' } }, aws, 'BEDROCK').outcome).toBe('changed');
  });

  it('sees credentials added, removed and of another kind', () => {
    const stored = apiKeyMetadata({ secretRef: { uri: 'env://A' } });
    expect(compareCredentials(null, stored, 'COHERE')).toEqual({ outcome: 'changed', note: 'secretRef env://A -> none' });
    expect(compareCredentials(null, null, 'COHERE').outcome).toBe('same');
    expect(compareCredentials({ kind: 'CREDENTIAL_KIND_GCP_ADC' }, stored, 'COHERE').outcome).toBe('changed');
  });
});
