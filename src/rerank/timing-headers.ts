import type { FastifyReply } from 'fastify';

/**
 * `x-rerank-overhead-ms`: time spent in this service for the call, excluding the
 * upstream; `Server-Timing` gives both parts to browser devtools and tracing proxies.
 */
export function setRerankTimingHeaders(reply: FastifyReply, outcome: { readonly upstreamLatencyMs: number }): void {
  const total = reply.elapsedTime;
  const overhead = Math.max(0, total - outcome.upstreamLatencyMs).toFixed(3);
  void reply
    .header('x-rerank-overhead-ms', overhead)
    .header('server-timing', `upstream;dur=${outcome.upstreamLatencyMs.toFixed(3)}, overhead;dur=${overhead}`);
}
