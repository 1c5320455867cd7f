import { generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GoogleAuth, JWT } from 'google-auth-library';
import { createLogger } from '../common/logging/logger.js';
import { LogCapture } from '../../test/support/log-capture.js';
import { GoogleAdcTokenSource } from './gcp-token-source.js';

/**
 * The production token source over google-auth-library's real service-account flow: the
 * library signs an RS256 JWT assertion with the key and posts it to Google's token URL
 * (which it does not let a key file change). Its HTTP transport is injected
 * (`transporterOptions.fetchImplementation`, handed to gaxios) to forward that one URL to a
 * local fake token endpoint, which verifies the assertion's signature with the public key.
 */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const EMAIL = 'reranker@test-project.iam.gserviceaccount.com';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

interface Grant {
  readonly scope: string;
  readonly token: string;
}

/** Google's token endpoint as far as the JWT bearer grant goes: verify the assertion, answer a token. */
class FakeTokenEndpoint {
  readonly grants: Grant[] = [];
  refuse = false;
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const answer = this.answer(new URLSearchParams(body));
        response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/token`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }

  private answer(form: URLSearchParams): { status: number; body: unknown } {
    const invalid = (description: string) => ({ status: 400, body: { error: 'invalid_grant', error_description: description } });
    if (this.refuse) return invalid('Invalid JWT Signature.');
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return invalid('unsupported grant');
    const [header, payload, signature] = (form.get('assertion') ?? '').split('.');
    if (!header || !payload || !signature) return invalid('malformed assertion');
    if (JSON.parse(Buffer.from(header, 'base64url').toString()).alg !== 'RS256') return invalid('not RS256');
    if (!verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))) {
      return invalid('Invalid JWT Signature.');
    }
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const now = Date.now() / 1000;
    if (claims.iss !== EMAIL || claims.aud !== GOOGLE_TOKEN_URL || !(Number(claims.exp) > now) || typeof claims.scope !== 'string') {
      return invalid('bad claims');
    }
    const grant = { scope: claims.scope, token: `ya29.${randomBytes(12).toString('hex')}` };
    this.grants.push(grant);
    return { status: 200, body: { access_token: grant.token, expires_in: 3600, token_type: 'Bearer' } };
  }
}

describe('GoogleAdcTokenSource (google-auth-library service-account flow, real signing)', () => {
  const endpoint = new FakeTokenEndpoint();
  const logs = new LogCapture();
  const outside: string[] = [];
  let localTokenUrl: string;

  /** Only Google's token URL is answered, locally; anything else the library tries is recorded and refused. */
  const fetchImplementation: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url !== GOOGLE_TOKEN_URL) {
      outside.push(url);
      return Promise.reject(new Error(`refused: ${url}`));
    }
    return fetch(localTokenUrl, init);
  };

  /** A source whose GoogleAuth holds a service-account key; `refreshWithinMs` of issue, a token counts as expiring. */
  function source(refreshAfterMs?: number): GoogleAdcTokenSource {
    return new GoogleAdcTokenSource(createLogger('info', logs), (scopes) =>
      new GoogleAuth({
        authClient: new JWT({
          email: EMAIL,
          key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          scopes,
          transporterOptions: { fetchImplementation },
          ...(refreshAfterMs !== undefined ? { eagerRefreshThresholdMillis: 3_600_000 - refreshAfterMs } : {}),
        }),
      }),
    );
  }

  beforeAll(async () => {
    localTokenUrl = await endpoint.start();
  });

  afterAll(async () => {
    await endpoint.stop();
    expect(outside).toEqual([]);
  });

  it('gets a token with a signed assertion for the default scope, and caches it', async () => {
    const tokens = source();
    const first = await tokens.accessToken([]);
    expect(await tokens.accessToken([])).toBe(first);
    const grants = endpoint.grants.filter((grant) => grant.token === first);
    expect(grants).toEqual([{ scope: 'https://www.googleapis.com/auth/cloud-platform', token: first }]);
  });

  it('keeps one token per scope set, whatever the order the scopes were registered in', async () => {
    const tokens = source();
    const ab = await tokens.accessToken(['scope-b', 'scope-a']);
    expect(await tokens.accessToken(['scope-a', 'scope-b', 'scope-a'])).toBe(ab);
    expect(endpoint.grants.find((grant) => grant.token === ab)?.scope).toBe('scope-a scope-b');
    expect(await tokens.accessToken(['scope-c'])).not.toBe(ab);
  });

  it('refreshes before expiry: a token still valid for an hour is replaced once inside the refresh window', async () => {
    const tokens = source(1_000);
    const before = endpoint.grants.length;
    const first = await tokens.accessToken(['refresh-scope']);
    expect(await tokens.accessToken(['refresh-scope'])).toBe(first);
    expect(endpoint.grants.length - before).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const second = await tokens.accessToken(['refresh-scope']);
    expect(second).not.toBe(first);
    expect(endpoint.grants.length - before).toBe(2);
  });

  it("answers 503 UNAVAILABLE without Google's text when no token can be had, and logs why", async () => {
    endpoint.refuse = true;
    try {
      await expect(source().accessToken(['refused-scope'])).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: "The service's Google Application Default Credentials could not provide an access token",
      });
    } finally {
      endpoint.refuse = false;
    }
    expect(logs.text).toContain('GCP ADC token unavailable');
    expect(logs.text).not.toContain('PRIVATE KEY');
  });
});
