import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

interface IssuedToken {
  /** Epoch ms; undefined: never expires (a root token). */
  expiresAt: number | undefined;
  leaseSeconds: number;
}

interface VersionedSecret {
  data: Record<string, unknown>;
  version: number;
  createdTime: string;
  deletionTime: string;
}

export interface FakeVaultOptions {
  /** A static token accepted everywhere (VAULT_TOKEN). */
  rootToken?: string;
  /** AppRole credentials accepted by /v1/auth/approle/login, and the lease of the tokens it issues. */
  appRole?: { roleId: string; secretId: string; tokenTtlSeconds: number };
  /** Requests must carry this X-Vault-Namespace (Vault Enterprise), else 403. */
  namespace?: string;
  /** KV version 2 mounts; default `secret` (the dev server's). */
  mounts?: string[];
}

/**
 * HashiCorp Vault on 127.0.0.1, speaking the parts of its HTTP API the service uses, with
 * Vault's own status codes and `{errors: [...]}` bodies: KV v2 reads
 * (`GET /v1/<mount>/data/<path>`: 404 `{"errors":[]}` when missing, 403 "permission denied"
 * for a bad token), AppRole login (400 "invalid role or secret ID"), token renew-self, and
 * a sealed state (503 "Vault is sealed"). Every request is recorded (tokens included, for
 * the test to check where they went).
 */
export class FakeVault {
  readonly requests: Array<{ method: string; path: string; headers: IncomingMessage['headers'] }> = [];
  sealed = false;
  private readonly secrets = new Map<string, VersionedSecret>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: FakeVaultOptions,
  ) {
    if (options.rootToken) this.tokens.set(options.rootToken, { expiresAt: undefined, leaseSeconds: 0 });
  }

  static async start(options: FakeVaultOptions = {}): Promise<FakeVault> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const vault = new FakeVault(server, `http://127.0.0.1:${port}`, options);
    server.on('connection', (socket) => {
      vault.sockets.add(socket);
      socket.on('close', () => vault.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => vault.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    return vault;
  }

  /** Writes a new version of a KV v2 secret (`vault kv put <mount>/<path> k=v`). */
  put(mount: string, path: string, data: Record<string, unknown>): void {
    const key = `${mount}/${path}`;
    const version = (this.secrets.get(key)?.version ?? 0) + 1;
    this.secrets.set(key, { data, version, createdTime: new Date().toISOString(), deletionTime: '' });
  }

  /** Soft-deletes the latest version (`vault kv delete`): reads answer 404 with the metadata. */
  deleteLatest(mount: string, path: string): void {
    const secret = this.secrets.get(`${mount}/${path}`);
    if (secret) secret.deletionTime = new Date().toISOString();
  }

  /** Revokes every token it issued (as `vault token revoke` would). */
  revokeIssuedTokens(): void {
    for (const token of this.tokens.keys()) if (token !== this.options.rootToken) this.tokens.delete(token);
  }

  count(method: string, pathPrefix: string): number {
    return this.requests.filter((request) => request.method === method && request.path.startsWith(pathPrefix)).length;
  }

  clear(): void {
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, text: string, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0]!;
    this.requests.push({ method, path, headers: req.headers });
    if (this.sealed) return reply(res, 503, { errors: ['Vault is sealed'] });
    if (this.options.namespace && req.headers['x-vault-namespace'] !== this.options.namespace) return denied(res);
    if (method === 'POST' && path === '/v1/auth/approle/login') return this.login(text, res);
    const token = this.validToken(req.headers['x-vault-token']);
    if (!token) return denied(res);
    if (method === 'POST' && path === '/v1/auth/token/renew-self') return this.renew(token, res);
    const kv = /^\/v1\/([^/]+)\/data\/(.+)$/.exec(path);
    if (method === 'GET' && kv) return this.read(kv[1]!, kv[2]!, res);
    reply(res, 404, { errors: [`no handler for route "${path.slice(4)}". route entry not found.`] });
  }

  private login(text: string, res: ServerResponse): void {
    const body = safeJson(text);
    const role = this.options.appRole;
    if (!role || body.role_id !== role.roleId || body.secret_id !== role.secretId) {
      return reply(res, 400, { errors: ['invalid role or secret ID'] });
    }
    const token = `hvs.${randomUUID().replaceAll('-', '')}`;
    this.tokens.set(token, { expiresAt: Date.now() + role.tokenTtlSeconds * 1000, leaseSeconds: role.tokenTtlSeconds });
    reply(res, 200, authAnswer(token, role.tokenTtlSeconds));
  }

  private renew(token: string, res: ServerResponse): void {
    const issued = this.tokens.get(token)!;
    if (issued.expiresAt !== undefined) issued.expiresAt = Date.now() + issued.leaseSeconds * 1000;
    reply(res, 200, authAnswer(token, issued.leaseSeconds));
  }

  private read(mount: string, path: string, res: ServerResponse): void {
    if (!(this.options.mounts ?? ['secret']).includes(mount)) {
      return reply(res, 404, { errors: [`no handler for route "${mount}/data/${path}". route entry not found.`] });
    }
    const secret = this.secrets.get(`${mount}/${path}`);
    if (!secret) return reply(res, 404, { errors: [] });
    const metadata = { created_time: secret.createdTime, custom_metadata: null, deletion_time: secret.deletionTime, destroyed: false, version: secret.version };
    if (secret.deletionTime) return reply(res, 404, { request_id: randomUUID(), data: { data: null, metadata } });
    reply(res, 200, { request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data: { data: secret.data, metadata }, wrap_info: null, warnings: null, auth: null });
  }

  private validToken(header: string | string[] | undefined): string | undefined {
    if (typeof header !== 'string') return undefined;
    const issued = this.tokens.get(header);
    if (!issued || (issued.expiresAt !== undefined && issued.expiresAt <= Date.now())) return undefined;
    return header;
  }
}

function authAnswer(token: string, leaseSeconds: number): Record<string, unknown> {
  return {
    request_id: randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: null,
    wrap_info: null,
    warnings: null,
    auth: {
      client_token: token,
      accessor: randomUUID(),
      policies: ['default', 'rerankers'],
      token_policies: ['default', 'rerankers'],
      metadata: { role_name: 'reranker-registry' },
      lease_duration: leaseSeconds,
      renewable: true,
      entity_id: randomUUID(),
      token_type: 'service',
      orphan: true,
    },
  };
}

function denied(res: ServerResponse): void {
  reply(res, 403, { errors: ['permission denied'] });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
