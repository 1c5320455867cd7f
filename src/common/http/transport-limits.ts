import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { DomainError } from '../errors/domain-error.js';

// What one client can hold of the HTTP server before any key is checked: time to send a
// request, connections, and the connection it is answered on early.

/** Node's own ceiling on waiting for headers, kept below the whole request's. */
const MAX_HEADERS_TIMEOUT_MS = 60_000;
/** How long the rest of an unread request body is read and dropped after an early error answer. */
export const LINGER_MS = 5_000;

/**
 * Options of the Node HTTP server (through Fastify): a request, headers and body, must
 * arrive within `requestTimeoutMs` or get 408 REQUEST_TIMEOUT (written by the client error
 * handler); Node checks at most every second. A request without Host is let through to
 * `requireHost`, which answers it with the error model instead of Node's empty 400.
 */
export function requestTimeoutOptions(requestTimeoutMs: number) {
  return {
    requestTimeout: requestTimeoutMs,
    http: {
      requireHostHeader: false,
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(requestTimeoutMs, MAX_HEADERS_TIMEOUT_MS),
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(requestTimeoutMs / 4))),
    },
  };
}

/** HTTP/1.1 requires Host (RFC 9112, section 3.2); an onRequest hook. */
export function requireHost(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const missing = request.headers.host === undefined && request.raw.httpVersionMajor === 1 && request.raw.httpVersionMinor === 1;
  done(missing ? DomainError.invalidArgument('The Host header is required in HTTP/1.1') : undefined);
}

/**
 * At most `max` open connections per client address. The connection past it is still read
 * (Node's parser owns it from the first byte), but its request is answered 429 RATE_LIMITED
 * before anything else runs, and the connection closed; one that sends nothing is closed
 * after the request timeout.
 */
export class ConnectionsPerAddress {
  private readonly open = new Map<string, number>();
  private readonly refused = new WeakSet<Socket>();

  constructor(
    private readonly max: number,
    private readonly idleRefusedMs: number,
  ) {}

  /** Counts the server's connections; does nothing when there is no cap. */
  attach(server: Server): void {
    if (this.max === 0) return;
    server.on('connection', (socket: Socket) => this.admit(socket));
  }

  /** An onRequest hook: refuses every request on a connection past the cap. */
  readonly refuseOverCap = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (!this.refused.has(request.raw.socket)) return done();
    done(
      new DomainError(
        'RATE_LIMITED',
        `This client address holds more than ${this.max} open connections; close some or reuse them`,
        { retryAfterMs: 1_000, limit: 'connectionsPerAddress', value: this.max },
        { connection: 'close' },
      ),
    );
  };

  private admit(socket: Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    const count = this.open.get(address) ?? 0;
    if (count >= this.max) {
      this.refused.add(socket);
      setTimeout(() => socket.destroy(), this.idleRefusedMs).unref();
      return;
    }
    this.open.set(address, count + 1);
    socket.once('close', () => {
      const left = (this.open.get(address) ?? 1) - 1;
      if (left > 0) this.open.set(address, left);
      else this.open.delete(address);
    });
  }
}

/**
 * An error answered before the request body was read (413 over the size limit, 415, ...):
 * the client may still be writing, and a connection closed under it resets before the
 * client reads the answer (EPIPE). So, as a lingering close does, the connection stays open
 * while the rest is read and dropped (Node discards a body nobody reads once the answer is
 * sent), for at most LINGER_MS; then it is closed. A body that ends in time leaves the
 * connection usable. An answer that asks for `connection: close` is left as it is.
 */
export function lingerIfBodyUnread(reply: FastifyReply, closing: boolean): void {
  const raw = reply.request.raw;
  if (closing || raw.complete || raw.destroyed) return;
  void reply.removeHeader('connection');
  const socket = raw.socket;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
  const stop = (): void => clearTimeout(timer);
  raw.once('end', stop);
  socket.once('close', stop);
}
