import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { scoreOf } from './fake-upstream.js';

export interface FakeAwsKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface BedrockRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  readonly body: {
    queries?: Array<{ type: string; textQuery: { text: string } }>;
    sources?: Array<{ type: string; inlineDocumentSource: { type: string; textDocument: { text: string } } }>;
    rerankingConfiguration?: { type: string; bedrockRerankingConfiguration: { numberOfResults?: number; modelConfiguration: { modelArn: string } } };
  };
}

interface AwsError {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

const MAX_SOURCES = 1000;
const MAX_SKEW_MS = 5 * 60_000;

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const rfc3986 = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Verifies a SigV4 `Authorization` header from scratch (node:crypto, written from AWS's
 * "Create a signed AWS API request" steps, independent of the signer under test): the
 * canonical request over the received method, path (segments encoded twice, as for every
 * service but S3), query, the signed headers as received and the exact body bytes; the
 * string to sign with the credential scope; the HMAC chain of the signing key.
 */
export function sigV4Problem(method: string, path: string, headers: IncomingHttpHeaders, body: string, keys: readonly FakeAwsKeys[], scope: { region: string; service: string }): AwsError | undefined {
  const denied = (type: string, message: string): AwsError => ({ status: 403, type, message });
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
    String(headers.authorization ?? ''),
  );
  if (!match) return denied('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const [, accessKeyId, day, region, service, signedHeaders, signature] = match as unknown as string[];
  const key = keys.find((candidate) => candidate.accessKeyId === accessKeyId);
  if (!key) return denied('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (key.sessionToken !== undefined && headers['x-amz-security-token'] !== key.sessionToken) {
    return denied('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (region !== scope.region || service !== scope.service) {
    return denied('InvalidSignatureException', `Credential should be scoped to a valid region and service (${scope.region}/${scope.service}).`);
  }
  const amzDate = String(headers['x-amz-date'] ?? '');
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!amzDate.startsWith(day!) || !(Math.abs(Date.now() - signedAt) <= MAX_SKEW_MS)) {
    return denied('InvalidSignatureException', 'Signature expired or not yet current.');
  }
  const names = signedHeaders!.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date')) return denied('InvalidSignatureException', 'host and x-amz-date must be signed.');
  const url = new URL(path, 'http://x');
  const canonicalPath = url.pathname.split('/').map((segment) => rfc3986(rfc3986(decodeURIComponent(segment)))).join('/');
  const canonicalQuery = [...url.searchParams].map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).sort().join('&');
  const canonicalHeaders = names.map((name) => `${name}:${String(headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders, sha256(body)].join('\n');
  const credentialScope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, sha256(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, day!), region!), service!), 'aws4_request');
  if (createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex') !== signature) {
    return denied(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return undefined;
}

/**
 * bedrock-agent-runtime's `POST /rerank` on 127.0.0.1: SigV4 verified against `keys`
 * (scope `region`/bedrock), ValidationException for more than 1,000 sources or
 * numberOfResults outside 1..sources, results sorted by score and cut to numberOfResults.
 * Errors are AWS's: `{message}` with `x-amzn-ErrorType`. Scores as the other fakes compute them.
 */
export class FakeBedrock {
  readonly requests: BedrockRequest[] = [];
  private failures: AwsError[] = [];
  private readonly sockets = new Set<Socket>();
  private server!: Server;
  url = '';

  private constructor(
    private readonly keys: FakeAwsKeys[],
    readonly region: string,
  ) {}

  static async start(keys: FakeAwsKeys[], region = 'us-east-1'): Promise<FakeBedrock> {
    const fake = new FakeBedrock(keys, region);
    fake.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => fake.handle(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    fake.server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** Answers the next signed request with this AWS error. */
  failNext(status: number, type: string, message: string): void {
    this.failures.push({ status, type, message });
  }

  clear(): void {
    this.requests.length = 0;
    this.failures = [];
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(method: string, path: string, headers: IncomingHttpHeaders, raw: string, res: ServerResponse): void {
    const request: BedrockRequest = { path, headers, raw, body: JSON.parse(raw || '{}') as BedrockRequest['body'] };
    this.requests.push(request);
    const error = sigV4Problem(method, path, headers, raw, this.keys, { region: this.region, service: 'bedrock' }) ?? this.failures.shift() ?? this.invalid(path, request);
    if (error) {
      res.writeHead(error.status, { 'content-type': 'application/json', 'x-amzn-errortype': `${error.type}:http://internal.amazon.com/coral/com.amazon.bedrock/` });
      res.end(JSON.stringify({ message: error.message }));
      return;
    }
    const sources = request.body.sources!;
    const wanted = request.body.rerankingConfiguration!.bedrockRerankingConfiguration.numberOfResults ?? sources.length;
    const results = sources
      .map((source, index) => ({ index, relevanceScore: scoreOf(source.inlineDocumentSource.textDocument.text) }))
      .sort((a, b) => b.relevanceScore - a.relevanceScore)
      .slice(0, wanted);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
  }

  private invalid(path: string, request: BedrockRequest): AwsError | undefined {
    const validation = (message: string): AwsError => ({ status: 400, type: 'ValidationException', message });
    if (path !== '/rerank') return { status: 404, type: 'UnknownOperationException', message: `Unknown operation ${path}` };
    const { queries, sources, rerankingConfiguration } = request.body;
    if (queries?.length !== 1 || queries[0]!.type !== 'TEXT') return validation('queries must hold exactly 1 TEXT query');
    if (!sources || sources.length < 1 || sources.length > MAX_SOURCES) {
      return validation(`1 validation error detected: Value at 'sources' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SOURCES}`);
    }
    const config = rerankingConfiguration?.bedrockRerankingConfiguration;
    if (rerankingConfiguration?.type !== 'BEDROCK_RERANKING_MODEL' || !config?.modelConfiguration?.modelArn) return validation('rerankingConfiguration is invalid');
    const wanted = config.numberOfResults;
    if (wanted !== undefined && (wanted < 1 || wanted > sources.length)) return validation('numberOfResults must be between 1 and the number of sources');
    return undefined;
  }
}
