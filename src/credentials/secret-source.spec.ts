import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { FakeVault } from '../../test/support/fake-vault.js';
import { SecretSource, SecretUnavailable } from './secret-source.js';

const KEY = Buffer.alloc(32, 3).toString('base64');

describe('SecretSource', () => {
  let vault: FakeVault;
  let dir: string;
  let source: SecretSource;

  beforeAll(async () => {
    vault = await FakeVault.start({ rootToken: 'hvs.root' });
    dir = mkdtempSync(join(tmpdir(), 'secret-source-'));
  });

  afterAll(async () => {
    await vault.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    vault.clear();
    const config = AppConfig.fromEnv({
      SECRETS_ENCRYPTION_KEY: KEY,
      SECRETS_FINGERPRINT_KEY: KEY,
      VAULT_ADDR: vault.url,
      VAULT_TOKEN: 'hvs.root',
      SECRET_FILE_DIRS: dir,
      SECRET_REF_CACHE_TTL_MS: '200',
    });
    source = new SecretSource(config, pino({ level: 'silent' }));
  });

  afterEach(() => source.onModuleDestroy());

  it('shares one Vault read among concurrent readers and serves the cache until the TTL', async () => {
    vault.put('secret', 'a', { key: 'one' });
    const values = await Promise.all(Array.from({ length: 10 }, () => source.read('vault://secret/a#key')));
    expect(new Set(values)).toEqual(new Set(['one']));
    vault.put('secret', 'a', { key: 'two' });
    expect(await source.read('vault://secret/a#key')).toBe('one');
    expect(vault.count('GET', '/v1/secret/data/a')).toBe(1);
    await sleep(250);
    expect(await source.read('vault://secret/a#key')).toBe('two');
  });

  it('reread goes to the source and refreshes the cache', async () => {
    vault.put('secret', 'b', { key: 'old' });
    await source.read('vault://secret/b#key');
    vault.put('secret', 'b', { key: 'new' });
    expect(await source.reread('vault://secret/b#key')).toBe('new');
    expect(await source.read('vault://secret/b#key')).toBe('new');
  });

  it('reads a reference again at the source at most once per cooldown, however many 401s ask (issue 19 item 20)', async () => {
    vault.put('secret', 'c', { key: 'first' });
    await source.read('vault://secret/c#key');
    vault.put('secret', 'c', { key: 'second' });
    expect(await source.reread('vault://secret/c#key')).toBe('second');
    vault.put('secret', 'c', { key: 'third' });
    expect(await source.reread('vault://secret/c#key')).toBe('second');
    expect(await source.reread('vault://secret/c#key')).toBe('second');
    expect(vault.count('GET', '/v1/secret/data/c')).toBe(2);
  });

  it('reads env:// each time (no cache), and files with trailing line breaks trimmed', async () => {
    process.env.RERANKER_SECRET_SOURCE_SPEC = 'first';
    expect(await source.read('env://RERANKER_SECRET_SOURCE_SPEC')).toBe('first');
    process.env.RERANKER_SECRET_SOURCE_SPEC = 'second';
    expect(await source.read('env://RERANKER_SECRET_SOURCE_SPEC')).toBe('second');
    delete process.env.RERANKER_SECRET_SOURCE_SPEC;
    await expect(source.read('env://RERANKER_SECRET_SOURCE_SPEC')).rejects.toBeInstanceOf(SecretUnavailable);
    writeFileSync(join(dir, 'key'), 'sk-file\r\n\n');
    expect(await source.read(`file://${dir}/key`)).toBe('sk-file');
  });

  it('refuses a file outside SECRET_FILE_DIRS even if the reference was stored before the setting changed', async () => {
    await expect(source.read('file:///etc/hostname')).rejects.toMatchObject({ reason: 'the file is outside SECRET_FILE_DIRS' });
  });
});
