import { CREDENTIAL_KIND_API_KEY, credentialMetadata, type ApiKeyCredentialMetadata } from './credential.js';

const metadataFor = (inlineSecret: string) =>
  credentialMetadata({ kind: CREDENTIAL_KIND_API_KEY, headerName: 'Authorization', prefix: 'Bearer ', source: { inlineSecret } }) as ApiKeyCredentialMetadata;

describe('credentialMetadata secretHint', () => {
  it('shows the last 4 characters of a long secret', () => {
    expect(metadataFor('abcdefghijklmnopqrstuvwxyz').apiKey.secretHint).toBe('…wxyz');
  });

  it('never splits a surrogate pair (the hint is stored as jsonb)', () => {
    const hint = metadataFor(`${'x'.repeat(20)}a😀😀😀`).apiKey.secretHint!;
    expect(hint).toBe('…a😀😀😀');
    expect(hint).not.toMatch(/[\uD800-\uDFFF]/u);
  });

  it('shows nothing of a short secret', () => {
    expect(metadataFor('short').apiKey.secretHint).toBe('…');
  });
});
