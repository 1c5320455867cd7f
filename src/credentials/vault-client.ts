import { Pool } from 'undici';
import type { VaultConfig } from '../config/secret-sources-config.js';

/** Vault could not give the secret: unreachable, sealed, refused, or no such secret. The reason names no token. */
export class VaultError extends Error {}

interface ClientToken {
  readonly value: string;
  /** Epoch ms after which the token is renewed (two thirds of its lease), or re-obtained when not renewable. */
  readonly renewAt: number;
  /** Epoch ms after which the token is not used any more (90% of its lease). */
  readonly expiresAt: number;
  readonly renewable: boolean;
}

interface VaultReply {
  readonly status: number;
  readonly body: unknown;
}

const MAX_ANSWER_BYTES = 1024 * 1024;
const NO_EXPIRY = Number.POSITIVE_INFINITY;

/**
 * Reads HashiCorp Vault KV v2 secrets over HTTP. The pool is bound to VAULT_ADDR's origin
 * and follows no redirect, so the token can reach no other host. With AppRole, the client
 * token is obtained at first use, renewed (renew-self) once two thirds of its lease have
 * passed, and obtained again by a new login when renewal fails or the lease nears its end.
 */
export class VaultClient {
  private readonly pool: Pool;
  private token: ClientToken | undefined;
  private pendingToken: Promise<ClientToken> | undefined;

  constructor(
    private readonly config: VaultConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.pool = new Pool(config.address, { connections: 4, headersTimeout: config.timeoutMs, bodyTimeout: config.timeoutMs });
  }

  /** The `data` map of the latest version of KV v2 secret `path` under `mount`. */
  async readKv(mount: string, path: string): Promise<Record<string, unknown>> {
    const location = `${mount}/${path}`;
    let reply = await this.read(location);
    if (reply.status === 403 && this.config.auth.kind === 'approle') {
      // The token may have been revoked before its lease ended: log in again, once.
      this.token = undefined;
      reply = await this.read(location);
    }
    const errors = errorsOf(reply.body);
    if (reply.status === 404) throw new VaultError(`Vault has no secret at ${location}${deletedNote(reply.body)}${errors ? `: ${errors}` : ''}`);
    if (reply.status !== 200) throw new VaultError(`Vault answered ${reply.status} reading ${location}: ${errors || 'no message'}`);
    const data = field(field(reply.body, 'data'), 'data');
    if (!isRecord(data)) throw new VaultError(`Vault's answer for ${location} is not a KV v2 secret (is ${mount} a KV version 2 mount?)`);
    return data;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async read(location: string): Promise<VaultReply> {
    const token = await this.clientToken();
    const [mount, ...rest] = location.split('/');
    return this.call('GET', `/v1/${mount}/data/${rest.join('/')}`, token.value);
  }

  private async clientToken(): Promise<ClientToken> {
    const auth = this.config.auth;
    if (auth.kind === 'token') return { value: auth.token.reveal(), renewAt: NO_EXPIRY, expiresAt: NO_EXPIRY, renewable: false };
    const current = this.token;
    if (current && this.now() < current.renewAt) return current;
    // One login or renewal at a time; concurrent reads wait for it.
    this.pendingToken ??= this.nextToken(current).finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  private async nextToken(current: ClientToken | undefined): Promise<ClientToken> {
    if (current?.renewable && this.now() < current.expiresAt) {
      const renewed = await this.call('POST', '/v1/auth/token/renew-self', current.value, {}).catch(() => undefined);
      if (renewed?.status === 200) return (this.token = this.tokenFrom(renewed.body, 'renewal'));
    }
    return (this.token = await this.login());
  }

  private async login(): Promise<ClientToken> {
    const auth = this.config.auth;
    if (auth.kind !== 'approle') throw new VaultError('no AppRole configured');
    const reply = await this.call('POST', '/v1/auth/approle/login', undefined, { role_id: auth.roleId.reveal(), secret_id: auth.secretId.reveal() });
    if (reply.status !== 200) throw new VaultError(`Vault refused the AppRole login (${reply.status}): ${errorsOf(reply.body) || 'no message'}`);
    return this.tokenFrom(reply.body, 'login');
  }

  private tokenFrom(body: unknown, what: string): ClientToken {
    const auth = field(body, 'auth');
    const value = field(auth, 'client_token');
    const lease = field(auth, 'lease_duration');
    if (typeof value !== 'string' || value === '' || typeof lease !== 'number') throw new VaultError(`Vault's ${what} answer has no client token`);
    const obtained = this.now();
    // A lease of 0 is a token that does not expire.
    const leaseMs = lease > 0 ? lease * 1000 : NO_EXPIRY;
    return { value, renewAt: obtained + (leaseMs * 2) / 3, expiresAt: obtained + leaseMs * 0.9, renewable: field(auth, 'renewable') === true };
  }

  private async call(method: 'GET' | 'POST', path: string, token: string | undefined, body?: unknown): Promise<VaultReply> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined) headers['x-vault-token'] = token;
    if (this.config.namespace) headers['x-vault-namespace'] = this.config.namespace;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await this.pool.request({ method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: response.statusCode, body: await boundedJson(response.body) };
    } catch (error) {
      if (error instanceof VaultError) throw error;
      throw new VaultError(`Vault at ${this.config.address} is unreachable (${(error as NodeJS.ErrnoException).code ?? (error as Error).name})`);
    }
  }
}

async function boundedJson(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy();
      throw new VaultError(`Vault's answer is larger than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Vault's `{errors: [...]}`, joined ('' when none); its messages name paths and reasons, never tokens. */
function errorsOf(body: unknown): string {
  const errors = field(body, 'errors');
  const messages = Array.isArray(errors) ? errors.filter((item): item is string => typeof item === 'string') : [];
  return messages.join('; ').slice(0, 300);
}

/** KV v2 answers 404 with the metadata when the latest version is deleted or destroyed. */
function deletedNote(body: unknown): string {
  const metadata = field(field(body, 'data'), 'metadata');
  if (field(metadata, 'destroyed') === true) return ' (its latest version is destroyed)';
  return typeof field(metadata, 'deletion_time') === 'string' && field(metadata, 'deletion_time') !== '' ? ' (its latest version is deleted)' : '';
}

function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
