import pino, { type Logger } from 'pino';
import type { LogLevel } from '../../config/app-config.js';

/** Paths that must never reach a log line, whatever logs them. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  // Pinecone's clients send the key here (the Pinecone dialect reads it, as Pinecone's upstream does).
  'req.headers["api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
  '*.inlineSecret',
  '*.*.inlineSecret',
  '*.apiKey.inlineSecret',
  '*.awsSigV4.secretAccessKey',
  '*.awsSigV4.sessionToken',
  'rawApiKey',
  '*.rawApiKey',
  'secret',
  '*.secret',
];

/** Lines are written once this many bytes are pending, or every LOG_FLUSH_INTERVAL_MS. */
const LOG_BATCH_BYTES = 4096;
const LOG_FLUSH_INTERVAL_MS = 200;

/**
 * The process logger. By default it writes to stdout asynchronously and in batches: a
 * write per access line cost ~10% of CPU under load when synchronous and ~4% when not
 * (bench/README.md), so lines are written 4 KiB at a time, at least every 200 ms, and
 * whatever is pending is flushed at exit.
 */
export function createLogger(level: LogLevel, destination: pino.DestinationStream = bufferedStdout()): Logger {
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

function bufferedStdout(): pino.DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, minLength: LOG_BATCH_BYTES, periodicFlush: LOG_FLUSH_INTERVAL_MS });
  process.once('exit', () => stream.flushSync());
  return stream;
}

/**
 * For the one access line per request, whose fields (id, method, route, status, latency)
 * are never secret: skips the redaction pass, which is costly with wildcard paths.
 */
export function accessLogger(logger: Logger): Logger {
  return logger.child({}, { redact: { paths: [] } });
}
