import { ConfigError } from './config-error.js';
import type { EnvReader } from './env-reader.js';

/** The admin console (/console/) and its sign-in sessions. */
export interface ConsoleConfig {
  /** false: /console/ answers 404 and no session can be opened (the API stays as it is). */
  readonly enabled: boolean;
  /** A session unused this long ends. */
  readonly sessionIdleMs: number;
  /** A session ends this long after sign-in, however busy. */
  readonly sessionMaxMs: number;
  /** Open sessions per API key; a sign-in beyond it ends the oldest, so sign-in loops cannot grow the table. */
  readonly maxSessionsPerKey: number;
}

const MINUTE_MS = 60_000;

export function loadConsoleConfig(env: EnvReader): ConsoleConfig {
  const sessionIdleMs = env.integer('CONSOLE_SESSION_IDLE_MS', 30 * MINUTE_MS, { min: MINUTE_MS, max: 7 * 24 * 60 * MINUTE_MS });
  const sessionMaxMs = env.integer('CONSOLE_SESSION_MAX_MS', 12 * 60 * MINUTE_MS, { min: MINUTE_MS, max: 30 * 24 * 60 * MINUTE_MS });
  if (sessionIdleMs > sessionMaxMs) throw new ConfigError('CONSOLE_SESSION_IDLE_MS', `must not exceed CONSOLE_SESSION_MAX_MS (${sessionMaxMs})`);
  return {
    enabled: env.boolean('CONSOLE_ENABLED', true),
    sessionIdleMs,
    sessionMaxMs,
    maxSessionsPerKey: env.integer('CONSOLE_MAX_SESSIONS_PER_KEY', 10, { min: 1, max: 1000 }),
  };
}
