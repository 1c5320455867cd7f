import pino, { type Logger } from 'pino';
import type { LogLevel } from '../../config/app-config.js';

/** Paths that must never reach a log line, whatever logs them. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.inlineSecret',
  '*.*.inlineSecret',
  '*.apiKey.inlineSecret',
  'rawApiKey',
  '*.rawApiKey',
  'secret',
  '*.secret',
];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'reranker-registry' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
