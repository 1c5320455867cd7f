import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { readPrivateFile, writePrivateFile } from './private-files.js';

export interface Profile {
  server: string;
  apiKey: string;
}

export interface RrctlConfig {
  /** The profile used when neither --profile nor RRCTL_PROFILE names one. */
  current?: string;
  profiles: Record<string, Profile>;
}

export const PROFILE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** `$XDG_CONFIG_HOME/rrctl/config.yaml`, else `~/.config/rrctl/config.yaml`. */
export function configPath(io: CliIo): string {
  const base = io.env.XDG_CONFIG_HOME || join(io.homeDir, '.config');
  return join(base, 'rrctl', 'config.yaml');
}

export async function readConfig(io: CliIo): Promise<RrctlConfig> {
  const path = configPath(io);
  const text = await readPrivateFile(path, 'The rrctl config', true);
  if (text === undefined) return { profiles: {} };
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
  return checkedConfig(raw ?? {}, path);
}

export async function writeConfig(io: CliIo, config: RrctlConfig): Promise<void> {
  await writePrivateFile(configPath(io), stringify(config));
}

function checkedConfig(raw: unknown, path: string): RrctlConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError(`${path}: expected a mapping`);
  const { current, profiles = {} } = raw as { current?: unknown; profiles?: unknown };
  if (current !== undefined && typeof current !== 'string') throw new UsageError(`${path}: current must be a profile name`);
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) {
    throw new UsageError(`${path}: profiles must be a mapping of names to {server, apiKey}`);
  }
  const checked: Record<string, Profile> = {};
  for (const [name, profile] of Object.entries(profiles)) {
    const { server, apiKey } = (profile ?? {}) as { server?: unknown; apiKey?: unknown };
    if (!PROFILE_NAME.test(name) || typeof server !== 'string' || typeof apiKey !== 'string') {
      throw new UsageError(`${path}: profile ${JSON.stringify(name)} must have a server and an apiKey`);
    }
    checked[name] = { server, apiKey };
  }
  return { ...(current !== undefined ? { current } : {}), profiles: checked };
}

/** Adds or replaces a profile; it becomes the current one when asked, or when there is none yet. */
export async function saveProfile(io: CliIo, name: string, profile: Profile, makeCurrent: boolean): Promise<void> {
  if (!PROFILE_NAME.test(name)) throw new UsageError(`a profile name is 1-64 of A-Z a-z 0-9 . _ -, not ${JSON.stringify(name)}`);
  const config = await readConfig(io);
  config.profiles[name] = profile;
  if (makeCurrent || config.current === undefined || !(config.current in config.profiles)) config.current = name;
  await writeConfig(io, config);
}
