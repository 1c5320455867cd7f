import { auditDiff, SECRET_MARKER } from './audit-diff.js';

describe('auditDiff', () => {
  const reranker = {
    rerankerId: 'r1',
    displayName: 'Cohere',
    labels: { env: 'prod' },
    credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { headerName: 'Authorization', hasInlineSecret: true, secretHint: '…Qx9a' } },
    updatedAt: 1,
    updatedById: 'u1',
  };

  it('keeps the whole snapshot of a create or a delete, secrets replaced', () => {
    const created = auditDiff(null, reranker);
    expect(created.before).toBeNull();
    expect(created.after).toEqual({ ...reranker, credentials: { ...reranker.credentials, apiKey: { ...reranker.credentials.apiKey, secretHint: SECRET_MARKER } } });
    expect(auditDiff(reranker, null)).toEqual({ before: created.after, after: null });
  });

  it('keeps only the fields an update changed, without the bookkeeping every update changes', () => {
    const after = { ...reranker, displayName: 'Cohere v2', updatedAt: 2, updatedById: 'u2' };
    expect(auditDiff(reranker, after)).toEqual({ before: { displayName: 'Cohere' }, after: { displayName: 'Cohere v2' } });
    expect(auditDiff(reranker, { ...reranker, labels: { env: 'prod' } })).toEqual({ before: {}, after: {} });
  });

  it('compares nested values by content and shows a field missing on one side as null', () => {
    const { labels: _labels, ...withoutLabels } = reranker;
    expect(auditDiff(withoutLabels, { ...withoutLabels, labels: { team: 'search' } })).toEqual({ before: { labels: null }, after: { labels: { team: 'search' } } });
    expect(auditDiff(reranker, { ...reranker, labels: { env: 'dev' } })).toEqual({ before: { labels: { env: 'prod' } }, after: { labels: { env: 'dev' } } });
  });

  it('reports a field the caller says changed although its snapshots look alike, still redacted', () => {
    const diff = auditDiff(reranker, reranker, ['credentials']);
    expect(Object.keys(diff.after!)).toEqual(['credentials']);
    expect(JSON.stringify(diff)).not.toContain('Qx9a');
  });

  it('replaces every secret-bearing field at any depth, in arrays too, and leaves an unset one null', () => {
    const secrets = {
      inlineSecret: 'sk-1',
      keys: [{ accessKeyId: 'AKIA1', secretAccessKey: 'aws-2', sessionToken: 'tok-3' }],
      nested: { secretHash: '$argon2id$4', rawApiKey: 'rrk_5', rootApiKey: 'rrk_6', credentialsCiphertext: 'c-7', credentialsFingerprint: 'f-8' },
      awsSigV4: { accessKeyIdHint: '…KIA9', hasInlineKeys: true },
      hint: { secretHint: null },
    };
    const diff = auditDiff(null, secrets);
    const text = JSON.stringify(diff);
    for (const secret of ['sk-1', 'AKIA1', 'aws-2', 'tok-3', '$argon2id$4', 'rrk_5', 'rrk_6', 'c-7', 'f-8', 'KIA9']) expect(text).not.toContain(secret);
    expect(diff.after).toMatchObject({ keys: [{ accessKeyId: SECRET_MARKER }], awsSigV4: { hasInlineKeys: true }, hint: { secretHint: null } });
  });

  it('stores plain JSON: undefined fields are dropped', () => {
    expect(auditDiff(null, { a: 1, b: undefined })).toEqual({ before: null, after: { a: 1 } });
  });
});
