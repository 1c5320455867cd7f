import { sigV4Problem } from '../../test/support/fake-bedrock.js';
import { sigV4Headers, type SignableRequest } from './aws-sigv4.js';

/** @smithy/signature-v4 as we drive it, checked by an independent SigV4 verifier (node:crypto). */
describe('sigV4Headers', () => {
  const keys = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
  const scope = { region: 'us-east-1', service: 'bedrock' };
  const request: SignableRequest = {
    origin: 'http://127.0.0.1:4566',
    path: '/rerank',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'reranker-registry/test', 'x-team': 'search' },
    body: JSON.stringify({ queries: [{ type: 'TEXT', textQuery: { text: 'q é' } }] }),
  };

  /** The request as the server receives it: our headers, the signature's, and Host as undici sends it. */
  function received(signed: Record<string, string>, body = request.body, origin = request.origin) {
    const headers = { ...request.headers, ...signed, host: new URL(origin).host };
    return (verifyKeys = [keys]) => sigV4Problem('POST', request.path, headers, body, verifyKeys, scope);
  }

  it('signs the exact body and the headers sent, host with its port included', async () => {
    const signed = await sigV4Headers(keys, scope, request);
    expect(Object.keys(signed).sort()).toEqual(expect.arrayContaining(['authorization', 'x-amz-date']));
    expect(signed.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=[^,]*host[^,]*x-team[^,]*, Signature=[0-9a-f]{64}$/);
    expect(signed.authorization).not.toContain('user-agent');
    expect(received(signed)()).toBeUndefined();
  });

  it('does not verify for another body, another secret, or another scope', async () => {
    const signed = await sigV4Headers(keys, scope, request);
    expect(received(signed, `${request.body} `)()).toMatchObject({ type: 'InvalidSignatureException' });
    expect(received(signed)([{ ...keys, secretAccessKey: 'other' }])).toMatchObject({ type: 'InvalidSignatureException' });
    const elsewhere = await sigV4Headers(keys, { ...scope, region: 'eu-west-1' }, request);
    expect(received(elsewhere)()).toMatchObject({ type: 'InvalidSignatureException' });
  });

  it('sends and signs the session token of temporary keys', async () => {
    const temporary = { ...keys, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN' };
    const signed = await sigV4Headers(temporary, scope, request);
    expect(signed['x-amz-security-token']).toBe(temporary.sessionToken);
    expect(signed.authorization).toContain('x-amz-security-token');
    expect(received(signed)([temporary])).toBeUndefined();
  });
});
