import type { FastifyReply } from 'fastify';
import type { RateLimitHeaders } from '../limits/rate-limits.js';

/**
 * `x-rerank-overhead-ms`: time spent in this service for the call, excluding the
 * upstream; `Server-Timing` gives both parts to browser devtools and tracing proxies.
 * Also the caller's RateLimit-* headers, when limits apply.
 */
export function setRerankTimingHeaders(reply: FastifyReply, outcome: { readonly upstreamLatencyMs: number; readonly rateLimitHeaders?: RateLimitHeaders }): void {
  const total = reply.elapsedTime;
  const overhead = Math.max(0, total - outcome.upstreamLatencyMs).toFixed(3);
  if (outcome.rateLimitHeaders) void reply.headers(outcome.rateLimitHeaders);
  void reply
    .header('x-rerank-overhead-ms', overhead)
    .header('server-timing', `upstream;dur=${outcome.upstreamLatencyMs.toFixed(3)}, overhead;dur=${overhead}`);
}
