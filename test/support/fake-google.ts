import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { scoreOf } from './fake-upstream.js';

type Handler = (path: string, headers: IncomingHttpHeaders, body: string, res: ServerResponse) => void;

/** An HTTP server on 127.0.0.1 that closes its keep-alive sockets when stopped. */
class LocalServer {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(handler: Handler): Promise<LocalServer> {
    const server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => handler(req.url ?? '/', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new LocalServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(JSON.stringify(body));
}

/** google.rpc.Status as Google's JSON APIs answer it. */
export function googleError(code: number, status: string, message: string): { error: { code: number; message: string; status: string } } {
  return { error: { code, message, status } };
}

/**
 * The GCE metadata server, as far as google-auth-library's ADC uses it (point it here with
 * `GCE_METADATA_HOST`): the detection ping on `/computeMetadata/v1/instance` and the default
 * service account's token, both only with `Metadata-Flavor: Google`, answered with that header.
 */
export class FakeMetadataServer {
  readonly issued: Array<{ token: string; scopes: string | null }> = [];
  /** Answer token requests with 500, as a metadata server without a service account. */
  refuse = false;
  /** Never answer token requests (until closed). */
  hang = false;
  private server!: LocalServer;

  static async start(): Promise<FakeMetadataServer> {
    const fake = new FakeMetadataServer();
    fake.server = await LocalServer.start((path, headers, _body, res) => fake.handle(path, headers, res));
    return fake;
  }

  /** host:port, the form GCE_METADATA_HOST takes. */
  get host(): string {
    return this.server.url.replace('http://', '');
  }

  isValid(token: string): boolean {
    return this.issued.some((grant) => grant.token === token);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(path: string, headers: IncomingHttpHeaders, res: ServerResponse): void {
    const flavor = { 'metadata-flavor': 'Google' };
    if (headers['metadata-flavor'] !== 'Google') return sendJson(res, 403, 'Missing Metadata-Flavor:Google header.', flavor);
    const url = new URL(path, 'http://metadata');
    if (url.pathname === '/computeMetadata/v1/instance' || url.pathname === '/computeMetadata/v1/instance/') {
      return sendJson(res, 200, { id: 1 }, flavor);
    }
    if (url.pathname === '/computeMetadata/v1/instance/service-accounts/default/token') {
      if (this.hang) return;
      if (this.refuse) return sendJson(res, 500, 'service account not enabled', flavor);
      const grant = { token: `ya29.c.${randomBytes(24).toString('base64url')}`, scopes: url.searchParams.get('scopes') };
      this.issued.push(grant);
      return sendJson(res, 200, { access_token: grant.token, expires_in: 3599, token_type: 'Bearer' }, flavor);
    }
    sendJson(res, 404, 'Not Found', flavor);
  }
}

export interface VertexRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: { model?: string; query?: string; records?: Array<{ id: string; title?: string; content?: string }>; topN?: number };
}

const MAX_RECORDS = 200;
const RANK_PATH = /^\/v1\/projects\/[^/]+\/locations\/[^/]+\/rankingConfigs\/[^/:]+:rank$/;

/**
 * Discovery Engine's `rankingConfigs.rank`: Bearer tokens checked against what `tokens`
 * issued (401 UNAUTHENTICATED otherwise), at most 200 records and a title or content in
 * each (400 INVALID_ARGUMENT), `topN` honoured, records sorted by descending score, only
 * id and score with ignoreRecordDetailsInResponse. Scores as the other fakes compute them
 * (`score=<n>` in the content). `failNext` answers a Google error body instead.
 */
export class FakeVertex {
  readonly requests: VertexRequest[] = [];
  private failures: Array<(req: VertexRequest) => { status: number; body: unknown }> = [];
  private server!: LocalServer;

  private constructor(private readonly tokens: FakeMetadataServer) {}

  static async start(tokens: FakeMetadataServer): Promise<FakeVertex> {
    const fake = new FakeVertex(tokens);
    fake.server = await LocalServer.start((path, headers, body, res) => fake.handle(path, headers, body, res));
    return fake;
  }

  /** endpointUrl for a reranker: the project's and location's ranking configs. */
  rankingConfigs(project = 'test-project', location = 'global'): string {
    return `${this.server.url}/v1/projects/${project}/locations/${location}/rankingConfigs`;
  }

  failNext(answer: (req: VertexRequest) => { status: number; body: unknown }): void {
    this.failures.push(answer);
  }

  clear(): void {
    this.requests.length = 0;
    this.failures = [];
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(path: string, headers: IncomingHttpHeaders, raw: string, res: ServerResponse): void {
    const request: VertexRequest = { path, headers, body: JSON.parse(raw || '{}') as VertexRequest['body'] };
    this.requests.push(request);
    const answer = this.answer(request);
    sendJson(res, answer.status, answer.body);
  }

  private answer(request: VertexRequest): { status: number; body: unknown } {
    if (!RANK_PATH.test(request.path)) return { status: 404, body: googleError(404, 'NOT_FOUND', `Method not found: ${request.path}`) };
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!token || !this.tokens.isValid(token)) {
      return {
        status: 401,
        body: googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.'),
      };
    }
    const failure = this.failures.shift();
    if (failure) return failure(request);
    const records = request.body.records ?? [];
    if (records.length === 0 || records.length > MAX_RECORDS) {
      return { status: 400, body: googleError(400, 'INVALID_ARGUMENT', `Number of records must be between 1 and ${MAX_RECORDS}, got ${records.length}.`) };
    }
    const empty = records.findIndex((record) => !record.title && !record.content);
    if (empty >= 0) return { status: 400, body: googleError(400, 'INVALID_ARGUMENT', `Record ${records[empty]!.id} has neither title nor content.`) };
    const ranked = records
      .map((record) => ({ id: record.id, score: scoreOf(record.content ?? record.title ?? '') }))
      .sort((a, b) => b.score - a.score);
    const topN = request.body.topN && request.body.topN > 0 ? request.body.topN : ranked.length;
    return { status: 200, body: { records: ranked.slice(0, topN) } };
  }
}
