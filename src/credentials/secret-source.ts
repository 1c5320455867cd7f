import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { BoundedTtlCache } from '../common/cache/bounded-ttl-cache.js';
import { LOGGER } from '../common/logging/logger.token.js';
import { AppConfig } from '../config/app-config.js';
import { isUnderAny, parseSecretRef, type SecretRef } from './secret-ref.js';
import { VaultClient, VaultError } from './vault-client.js';

/** A reference that cannot be read here now; `reason` names the reference's target, never a secret. */
export class SecretUnavailable extends Error {
  constructor(
    readonly uri: string,
    readonly reason: string,
  ) {
    super(`${uri}: ${reason}`);
  }
}

const MAX_FILE_BYTES = 64 * 1024;
const MAX_CACHED_SECRETS = 10_000;

/**
 * Reads the secrets that secret references name: env variables (read each time, they are
 * in memory), Vault KV v2 secrets and files under SECRET_FILE_DIRS (cached for
 * SECRET_REF_CACHE_TTL_MS, one read per reference at a time; a re-read after an upstream
 * 401 at most once per SECRET_REF_REREAD_COOLDOWN_MS; a file read within
 * SECRET_FILE_TIMEOUT_MS, never blocking on a FIFO). Values never leave memory.
 */
@Injectable()
export class SecretSource implements OnModuleDestroy {
  private readonly cache: BoundedTtlCache<string, string>;
  /** References read again at the source within the cooldown. */
  private readonly rereadAt: BoundedTtlCache<string, true>;
  private readonly vault: VaultClient | undefined;

  constructor(
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.cache = new BoundedTtlCache(MAX_CACHED_SECRETS, config.secretSources.cacheTtlMs);
    this.rereadAt = new BoundedTtlCache(MAX_CACHED_SECRETS, config.secretSources.rereadCooldownMs);
    const vault = config.secretSources.vault;
    this.vault = vault ? new VaultClient(vault) : undefined;
  }

  /** How long a target built from a reference may keep its secret. */
  get ttlMs(): number {
    return this.config.secretSources.cacheTtlMs;
  }

  /** The secret `uri` names, from the cache while it is fresh. */
  async read(uri: string): Promise<string> {
    if (isEnvRef(uri)) return this.readAtSource(uri);
    return this.cache.getOrFill(uri, () => this.readAtSource(uri));
  }

  /**
   * The secret read again at its source (the upstream refused the cached one), at most once
   * per reference per cooldown (issue 19 item 20: every 401 of a wrong key read Vault again):
   * within it, the value read last.
   */
  async reread(uri: string): Promise<string> {
    if (isEnvRef(uri)) return this.readAtSource(uri);
    if (this.rereadAt.get(uri)) return this.read(uri);
    this.rereadAt.set(uri, true);
    this.cache.delete(uri);
    return this.cache.getOrFill(uri, () => this.readAtSource(uri));
  }

  async onModuleDestroy(): Promise<void> {
    await this.vault?.close();
  }

  private async readAtSource(uri: string): Promise<string> {
    const ref = parseSecretRef(uri);
    if (!ref) throw new SecretUnavailable(uri, 'the reference is not valid');
    try {
      return await this.readRef(ref);
    } catch (error) {
      if (!(error instanceof SecretUnavailable || error instanceof VaultError)) throw error;
      const reason = error instanceof SecretUnavailable ? error.reason : error.message;
      this.logger.warn({ secretRef: uri, reason }, 'secret reference could not be read');
      throw new SecretUnavailable(uri, reason);
    }
  }

  private async readRef(ref: SecretRef): Promise<string> {
    switch (ref.scheme) {
      case 'env':
        return nonEmpty(process.env[ref.name], `env://${ref.name}`, `${ref.name} is not set on this server`);
      case 'vault':
        return this.readVault(ref.mount, ref.path, ref.field);
      case 'file':
        return this.readFile(ref.path);
    }
  }

  private async readVault(mount: string, path: string, field: string | undefined): Promise<string> {
    const uri = `vault://${mount}/${path}${field ? `#${field}` : ''}`;
    if (!this.vault) throw new SecretUnavailable(uri, 'Vault is not configured on this server (VAULT_ADDR)');
    const data = await this.vault.readKv(mount, path);
    const keys = Object.keys(data);
    // Without #field (GoodMem's vault://path/to/secret): the secret's only key, else its `value` key.
    const key = field ?? (keys.length === 1 ? keys[0]! : 'value');
    const value = data[key];
    if (value === undefined) {
      const hint = field ? '' : ` and has ${keys.length} keys: name one with #<field>`;
      throw new SecretUnavailable(uri, `the secret at ${mount}/${path} has no field ${key}${hint}`);
    }
    if (typeof value !== 'string') throw new SecretUnavailable(uri, `field ${key} of the secret at ${mount}/${path} is not a string`);
    return nonEmpty(value, uri, `field ${key} of the secret at ${mount}/${path} is empty`);
  }

  /**
   * The file's text, trailing line breaks trimmed, if it really lies (symlinks resolved)
   * under an allowed directory and is a regular file; within SECRET_FILE_TIMEOUT_MS.
   */
  private async readFile(path: string): Promise<string> {
    const uri = `file://${path}`;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      const timeoutMs = this.config.secretSources.fileTimeoutMs;
      timer = setTimeout(() => reject(new SecretUnavailable(uri, `the file could not be read within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.readFileNow(uri, path), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async readFileNow(uri: string, path: string): Promise<string> {
    const dirs = this.config.secretSources.fileDirs;
    if (!isUnderAny(path, dirs)) throw new SecretUnavailable(uri, 'the file is outside SECRET_FILE_DIRS');
    const real = await realpath(path).catch(() => undefined);
    if (!real) throw new SecretUnavailable(uri, 'the file does not exist or cannot be read');
    const realDirs = await Promise.all(dirs.map((dir) => realpath(dir).catch(() => undefined)));
    if (!isUnderAny(real, realDirs.filter((dir) => dir !== undefined))) {
      throw new SecretUnavailable(uri, 'the file resolves (through a symlink) outside SECRET_FILE_DIRS');
    }
    // Non-blocking: opening a FIFO for reading would wait (holding a libuv thread) for a writer.
    const handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
    if (!handle) throw new SecretUnavailable(uri, 'the file cannot be opened');
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new SecretUnavailable(uri, 'the path is not a regular file');
      if (stats.size > MAX_FILE_BYTES) throw new SecretUnavailable(uri, `the file is larger than ${MAX_FILE_BYTES} bytes`);
      const text = (await handle.readFile('utf8')).replace(/[\r\n]+$/, '');
      return nonEmpty(text, uri, 'the file is empty');
    } finally {
      await handle.close();
    }
  }
}

/** env:// secrets are in memory already: read each time, never cached. */
function isEnvRef(uri: string): boolean {
  return uri.startsWith('env://');
}

function nonEmpty(value: string | undefined, uri: string, reason: string): string {
  if (value === undefined || value === '') throw new SecretUnavailable(uri, reason);
  return value;
}
