import { apiClient, type ApiClient, type Connection } from './api.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { configPath, readConfig, type Profile } from './profiles.js';
import { readSecret, StdinClaim } from './secret-input.js';

/** The options every command takes (before or after its name). */
export interface GlobalOptions {
  server?: string;
  profile?: string;
  apiKeyStdin?: boolean;
  apiKeyFile?: string;
  requestTimeout?: string;
}

export const API_KEY_FLAGS = { stdin: '--api-key-stdin', file: '--api-key-file', prompt: '--api-key-prompt' } as const;
const DEFAULT_REQUEST_TIMEOUT_S = 120;

/** One run of rrctl: its streams, its global options, and the server and key they lead to. */
export class CliContext {
  readonly stdin: StdinClaim;
  private resolved: Promise<Connection> | undefined;

  constructor(
    readonly io: CliIo,
    readonly globals: GlobalOptions,
  ) {
    this.stdin = new StdinClaim(io);
  }

  /** A client with the caller's API key (most commands). */
  async api(): Promise<ApiClient> {
    const connection = await this.connection();
    if (!connection.apiKey) {
      throw new UsageError(
        `no API key for ${connection.server}: run rrctl login, or pass it with ${API_KEY_FLAGS.stdin}, ${API_KEY_FLAGS.file} or RRCTL_API_KEY`,
      );
    }
    return apiClient(connection);
  }

  /** A client without a key, for the public routes (health, system init and info). */
  async publicApi(): Promise<ApiClient> {
    const { server, timeoutMs } = await this.connection();
    return apiClient({ server, timeoutMs });
  }

  /** A line on stderr: notes, warnings and progress, never mixed into what stdout answers. */
  note(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  connection(): Promise<Connection> {
    this.resolved ??= this.resolve();
    return this.resolved;
  }

  /**
   * Server: --server, RRCTL_SERVER, the profile. Key: --api-key-stdin/--api-key-file,
   * RRCTL_API_KEY, the profile's; a profile's key is only ever sent to that profile's server,
   * so pointing --server elsewhere cannot leak it.
   */
  private async resolve(): Promise<Connection> {
    const { io, globals } = this;
    const timeoutMs = requestTimeoutMs(globals.requestTimeout);
    const explicitServer = globals.server ?? io.env.RRCTL_SERVER;
    const explicitKey =
      (await readSecret(io, this.stdin, { stdin: globals.apiKeyStdin, file: globals.apiKeyFile }, API_KEY_FLAGS, 'API key')) ??
      (io.env.RRCTL_API_KEY || undefined);
    const profile = explicitServer !== undefined && explicitKey !== undefined ? undefined : await this.profile();
    const server = explicitServer ?? profile?.server;
    if (server === undefined) throw new UsageError('no server: pass --server URL, set RRCTL_SERVER, or run rrctl login');
    checkServerUrl(server);
    const profileKey = profile && sameServer(profile.server, server) ? profile.apiKey : undefined;
    const apiKey = explicitKey ?? profileKey;
    const warning = plainHttpWarning(server, apiKey !== undefined);
    if (warning) this.note(warning);
    return { server, apiKey, timeoutMs };
  }

  /** The profile named by --profile or RRCTL_PROFILE (which must exist), else the current one if any. */
  private async profile(): Promise<Profile | undefined> {
    const named = this.globals.profile ?? (this.io.env.RRCTL_PROFILE || undefined);
    const config = await readConfig(this.io);
    const name = named ?? config.current;
    if (name === undefined) return undefined;
    const profile = config.profiles[name];
    if (!profile && named !== undefined) throw new UsageError(`no profile ${JSON.stringify(name)} in ${configPath(this.io)}; see rrctl profiles`);
    return profile;
  }
}

export function checkServerUrl(server: string): void {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`the server ${JSON.stringify(server)} is not a URL (e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`the server must be an http or https URL, not ${server}`);
  if (url.username || url.password) throw new UsageError('the server URL must not hold credentials; use an API key');
}

export function sameServer(a: string, b: string): boolean {
  const canonical = (server: string) => URL.parse(server)?.href.replace(/\/+$/, '');
  return canonical(a) !== undefined && canonical(a) === canonical(b);
}

/** An API key sent in clear text over a network is a key given away: say so (loopback is fine). */
function plainHttpWarning(server: string, hasKey: boolean): string | undefined {
  const url = new URL(server);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.startsWith('127.');
  return hasKey && url.protocol === 'http:' && !loopback ? `warning: the API key goes to ${url.host} over plain http; use https` : undefined;
}

export function requestTimeoutMs(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_REQUEST_TIMEOUT_S * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new UsageError('--request-timeout must be a number of seconds, 1-3600');
  return seconds * 1000;
}
