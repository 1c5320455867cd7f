import type { Dispatcher } from 'undici';
import type { ByteBudget } from './byte-budget.js';
import type { ShareScope, Tenant } from './fair-shares.js';

type DispatchController = Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestStart']>>[0];

/** One upstream answer as read: the status, its text and the bytes it holds in the budget. */
export interface RawAnswer {
  readonly status: number;
  readonly text: string;
  /** Bytes taken from the budget (for the tenant); the caller gives them back once the text is parsed. */
  readonly bytes: number;
  readonly retryAfter?: string;
}

/** Why an exchange was cut short by this side (the upstream's own failures arrive as undici errors). */
export class AnswerTooLargeError extends Error {}
export class DeadlineExceededError extends Error {}
export class ByteBudgetExhaustedError extends Error {
  /** `service`: every caller's answers fill the budget; `user`, `key`: the caller's own fill its share. */
  constructor(
    readonly scope: ShareScope,
    readonly capBytes: number,
  ) {
    super(`byte budget exhausted (${scope})`);
  }
}

/**
 * An undici dispatch handler that collects one answer within the per-answer cap and the
 * global byte budget, under one deadline timer. It stands in for `pool.request()`, whose
 * AbortSignal, body stream and async iterator cost more per call than the exchange's
 * own parsing (see bench/README.md, the hot-path budget).
 */
export class CappedAnswer implements Dispatcher.DispatchHandler {
  private controller?: DispatchController;
  private failure?: Error;
  private status = 0;
  private retryAfter?: string;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly budget: ByteBudget,
    private readonly tenant: Tenant,
    private readonly maxBytes: number,
    timeoutMs: number,
    private readonly resolve: (answer: RawAnswer) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.timer = setTimeout(() => this.fail(new DeadlineExceededError()), timeoutMs);
  }

  onRequestStart(controller: DispatchController): void {
    this.controller = controller;
    // The deadline passed while the request waited for a connection: it is never sent.
    if (this.failure) controller.abort(this.failure);
  }

  onResponseStart(_controller: DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void {
    if (Number(headers['content-length']) > this.maxBytes) return this.fail(new AnswerTooLargeError());
    this.status = status;
    const retryAfter = headers['retry-after'];
    if (typeof retryAfter === 'string') this.retryAfter = retryAfter;
  }

  onResponseData(_controller: DispatchController, chunk: Buffer): void {
    if (this.failure) return;
    if (this.size + chunk.length > this.maxBytes) return this.fail(new AnswerTooLargeError());
    const refusedBy = this.budget.take(this.tenant, chunk.length, this.size);
    if (refusedBy) return this.fail(new ByteBudgetExhaustedError(refusedBy, this.budget.caps[refusedBy]));
    this.size += chunk.length;
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.failure) return;
    clearTimeout(this.timer);
    const text = this.chunks.length === 1 ? this.chunks[0]!.toString('utf8') : Buffer.concat(this.chunks, this.size).toString('utf8');
    this.resolve({ status: this.status, text, bytes: this.size, ...(this.retryAfter === undefined ? {} : { retryAfter: this.retryAfter }) });
  }

  onResponseError(_controller: DispatchController | undefined, error: Error): void {
    this.fail(error);
  }

  /** Settles once with `error`, gives back what the answer held and stops the exchange. */
  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    clearTimeout(this.timer);
    this.budget.give(this.tenant, this.size);
    this.size = 0;
    this.chunks.length = 0;
    this.reject(error);
    if (this.controller && !this.controller.aborted) this.controller.abort(error);
  }
}
