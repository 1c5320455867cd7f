import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError } from '../../common/errors/domain-error.js';
import { LOGGER } from '../../common/logging/logger.token.js';
import { AppConfig } from '../../config/app-config.js';
import type { BuiltinConfig } from '../../config/builtin-config.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import type { BuiltinProviderType } from '../provider-catalog.js';
import { ModelStore, ModelUnavailable } from './model-store.js';
import { workerEntry } from './worker-entry.js';
import { WorkerPool, type PoolUnit } from './worker-pool.js';
import type { LocalModelRef, WorkerFailure, WorkerReply, WorkerTask } from './worker-protocol.js';

/** Which built-in ranker: the provider type of a built-in reranker. */
export type BuiltinKind = BuiltinProviderType;

export interface RankJob {
  /** The fairness key: the reranker's owner, or the caller. */
  readonly ownerId: string;
  readonly kind: BuiltinKind;
  /** `bm25` for LEXICAL; a Hugging Face id for LOCAL. */
  readonly model: string;
  /** BM25 tuning; Okapi defaults k1 1.2, b 0.75. */
  readonly lexical?: { readonly k1?: number; readonly b?: number };
  readonly query: string;
  /** Already rendered to text. */
  readonly documents: readonly string[];
  /** LOCAL: pairs per unit of work (the fairness step and the largest inference batch); default 32. */
  readonly maxDocumentsPerBatch?: number;
  /** LOCAL: padded tokens (pairs x longest pair) of one inference batch at most; a longer pair runs alone. */
  readonly maxTokensPerRequest?: number;
  /** Epoch ms: work not started by then is dropped and the call fails with UPSTREAM_TIMEOUT. */
  readonly deadline: number;
  /** The client went away: its pending batches are cancelled. */
  readonly signal?: AbortSignal;
}

export interface RankResult {
  /** One raw score per document, in input order (LOCAL: the logit; LEXICAL: BM25). */
  readonly scores: readonly number[];
  /** LOCAL: the tokenizer's count of every pair, truncation applied; LEXICAL: 0. */
  readonly tokens: number;
  /** LOCAL: inference batches run; LEXICAL: 1. */
  readonly batches: number;
  /**
   * What the call cost the server, for the caller's limits: LEXICAL, distinct query terms x
   * documents (the LEXICAL_MAX_WORK measure); LOCAL, tokens.
   */
  readonly work: number;
}

/** Pairs per LOCAL unit when the reranker sets no batch size: the step of fairness between owners. */
export const LOCAL_PAIRS_PER_BATCH = 32;
/** Loading a model at registration may take a while (a large file, a cold disk). */
const CHECK_TIMEOUT_MS = 120_000;
/** Registration checks queue as one owner of their own. */
const REGISTRATION_OWNER = '\u0000registration';
const RETRY_AFTER_MIN_MS = 1_000;
const RETRY_AFTER_MAX_MS = 60_000;

/**
 * The built-in rankers: BM25 (LEXICAL) and ONNX cross-encoders (LOCAL), run on a pool of
 * worker threads, never on the event loop. A call is cut into units (LOCAL: batches of
 * pairs; LEXICAL: the whole call) queued fairly between owners and bounded in pairs
 * (LOCAL_MAX_QUEUED_PAIRS: 503 beyond it); its deadline and its client's abort drop what
 * has not started; a worker that dies fails its call with 503 and is replaced.
 */
@Injectable()
export class BuiltinRankers implements OnModuleDestroy {
  private readonly settings: BuiltinConfig;
  private readonly pool: WorkerPool<Unit>;
  private readonly store: ModelStore;
  /** Recent milliseconds of worker time per pair (a moving average), for Retry-After. */
  private msPerPair = 1;

  constructor(
    config: AppConfig,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.settings = config.builtin;
    this.store = new ModelStore(this.settings.models);
    this.pool = new WorkerPool<Unit>({
      entry: workerEntry(),
      size: this.settings.workers,
      settings: { modelsDir: this.settings.models.dir, maxModels: this.settings.maxModels, threads: this.settings.threadsPerWorker },
      onWorkerExit: (running) => {
        metrics.countBuiltinWorkerExit(running);
        logger.warn({ running }, 'A worker thread of the built-in rankers ended; it is replaced when work waits');
      },
    });
    metrics.registerBuiltinQueue(
      () => this.pool.queuedPairs,
      () => this.pool.workers,
    );
  }

  /** Scores in input order; throws INVALID_ARGUMENT for a bad job, before anything is queued. */
  async rank(job: RankJob): Promise<RankResult> {
    if (job.documents.length === 0) return { scores: [], tokens: 0, batches: 0, work: 0 };
    const lexical = job.kind === 'LEXICAL' ? this.lexicalTask(job) : undefined;
    const call = new Call(job.documents.length, job.deadline, job.signal, () => this.pool.cancel(job.ownerId, (unit) => unit.call === call));
    if (lexical) this.enqueue(job.ownerId, call, [lexical]);
    else {
      void this.store.resolve(job.model).then(
        (model) => this.enqueue(job.ownerId, call, this.localTasks(job, model)),
        (error: unknown) => call.fail(unavailable(error, 'call')),
      );
    }
    return call.result;
  }

  /** Registration check for LOCAL: allowed (LOCAL_MODELS_ALLOWED), files present (or fetched) and loadable. */
  async checkModel(model: string): Promise<void> {
    let ref: LocalModelRef;
    try {
      ref = await this.store.resolve(model);
    } catch (error) {
      throw unavailable(error, 'check');
    }
    const call = new Call(1, Date.now() + CHECK_TIMEOUT_MS, undefined, () => this.pool.cancel(REGISTRATION_OWNER, (unit) => unit.call === call), 'check');
    this.enqueue(REGISTRATION_OWNER, call, [{ task: { op: 'check', model: ref }, offset: 0, pairs: 1 }]);
    await call.result;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }

  private lexicalTask(job: RankJob): PlannedTask {
    if (job.model !== 'bm25') throw DomainError.invalidArgument(`LEXICAL model "${job.model}" is not known: the one LEXICAL model is bm25`);
    const k1 = job.lexical?.k1;
    const b = job.lexical?.b;
    if (k1 !== undefined && !(Number.isFinite(k1) && k1 >= 0 && k1 <= 100)) throw DomainError.invalidArgument('lexical.k1 must be a number from 0 to 100');
    if (b !== undefined && !(Number.isFinite(b) && b >= 0 && b <= 1)) throw DomainError.invalidArgument('lexical.b must be a number from 0 to 1');
    return {
      task: { op: 'lexical', query: job.query, documents: job.documents, k1, b, maxWork: this.settings.lexicalMaxWork },
      offset: 0,
      pairs: job.documents.length,
    };
  }

  private localTasks(job: RankJob, model: LocalModelRef): PlannedTask[] {
    const size = Math.max(1, job.maxDocumentsPerBatch ?? LOCAL_PAIRS_PER_BATCH);
    const tasks: PlannedTask[] = [];
    for (let offset = 0; offset < job.documents.length; offset += size) {
      const documents = job.documents.slice(offset, offset + size);
      tasks.push({ task: { op: 'local', model, query: job.query, documents, maxTokens: job.maxTokensPerRequest }, offset, pairs: documents.length });
    }
    return tasks;
  }

  /** Queues a call's units whole, or refuses it: over the queue's bound, 503 with a Retry-After. */
  private enqueue(ownerId: string, call: Call, planned: readonly PlannedTask[]): void {
    if (call.settled) return;
    const pairs = planned.reduce((sum, { pairs }) => sum + pairs, 0);
    const max = this.settings.maxQueuedPairs;
    if (pairs > max) {
      return call.fail(
        new DomainError('PAYLOAD_TOO_LARGE', `This call needs ${pairs} pairs ranked, more than the built-in rankers queue at once (LOCAL_MAX_QUEUED_PAIRS ${max})`, {
          limit: 'LOCAL_MAX_QUEUED_PAIRS',
          pairs,
          max,
        }),
      );
    }
    const queued = this.pool.queuedPairs;
    if (queued + pairs > max) {
      const retryAfterMs = Math.round(Math.min(RETRY_AFTER_MAX_MS, Math.max(RETRY_AFTER_MIN_MS, (queued * this.msPerPair) / this.settings.workers)));
      return call.fail(
        new DomainError('UNAVAILABLE', `The built-in rankers are busy: ${queued} pairs are waiting (LOCAL_MAX_QUEUED_PAIRS ${max}); retry later`, {
          limit: 'LOCAL_MAX_QUEUED_PAIRS',
          queuedPairs: queued,
          retryAfterMs,
        }),
      );
    }
    call.expect(planned.length);
    this.pool.enqueue(planned.map((plan) => this.unit(ownerId, call, plan)));
  }

  private unit(ownerId: string, call: Call, { task, offset, pairs }: PlannedTask): Unit {
    const kind = task.op === 'lexical' ? 'LEXICAL' : 'LOCAL';
    let started = 0;
    return {
      ownerId,
      pairs,
      task,
      call,
      start: () => {
        if (!call.startable()) return false;
        started = performance.now();
        return true;
      },
      finish: (outcome) => {
        const seconds = (performance.now() - started) / 1000;
        if ('died' in outcome) {
          this.metrics.observeBuiltinBatch(kind, 'died', seconds);
          return call.fail(
            new DomainError('UNAVAILABLE', `The built-in ranker's worker stopped while ranking (${outcome.died.message}); it is replaced, retry the call`, {
              retryAfterMs: RETRY_AFTER_MIN_MS,
            }),
          );
        }
        this.observe(kind, task, outcome.reply, pairs, seconds);
        if (outcome.reply.ok) call.add(offset, outcome.reply);
        else call.fail(this.failure(task, outcome.reply, call.purpose));
      },
    };
  }

  private observe(kind: BuiltinKind, task: WorkerTask, reply: WorkerReply, pairs: number, seconds: number): void {
    this.metrics.observeBuiltinBatch(kind, reply.ok ? 'ok' : reply.kind, seconds);
    if (reply.ok) {
      if (task.op !== 'check') {
        this.metrics.countBuiltinPairs(kind, pairs);
        this.msPerPair = 0.8 * this.msPerPair + 0.2 * ((seconds * 1000) / pairs);
      }
      if (reply.loadedModel) this.metrics.countModelLoad('ok');
    } else if (reply.kind === 'model') {
      this.metrics.countModelLoad('failed');
    }
  }

  private failure(task: WorkerTask, reply: WorkerFailure, purpose: Purpose): DomainError {
    switch (reply.kind) {
      case 'too-much-work':
        return new DomainError('PAYLOAD_TOO_LARGE', reply.message, reply.details);
      case 'model':
        if (task.op !== 'lexical') this.store.forget(task.model.id);
        this.logger.warn({ details: reply.details }, reply.message);
        return purpose === 'check' ? DomainError.invalidArgument(reply.message, reply.details) : new DomainError('UNAVAILABLE', reply.message, reply.details);
      case 'engine':
        this.logger.error(reply.message);
        return new DomainError('UNAVAILABLE', reply.message);
      case 'internal':
        this.logger.error({ op: task.op }, `A built-in ranker failed: ${reply.message}`);
        return new DomainError('UNAVAILABLE', `The built-in ranker failed: ${reply.message}`);
    }
  }
}

type Purpose = 'call' | 'check';

interface PlannedTask {
  readonly task: WorkerTask;
  /** Index of the unit's first document among the call's. */
  readonly offset: number;
  readonly pairs: number;
}

interface Unit extends PoolUnit {
  readonly call: Call;
}

/** A model that cannot be used: 400 when registering it, 503 when a call needs it. */
function unavailable(error: unknown, purpose: Purpose): unknown {
  if (!(error instanceof ModelUnavailable)) return error;
  return purpose === 'check' ? DomainError.invalidArgument(error.message, error.details) : new DomainError('UNAVAILABLE', error.message, error.details);
}

/**
 * One call in progress: its scores filled in as units finish; settled once, by the last
 * unit, the first failure, its deadline or its client's abort, which drops its waiting units.
 */
class Call {
  readonly result: Promise<RankResult>;
  settled = false;
  private resolve!: (result: RankResult) => void;
  private reject!: (error: unknown) => void;
  private readonly scores: number[];
  private tokens = 0;
  private batches = 0;
  private work = 0;
  private remaining = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort?: () => void;

  constructor(
    documents: number,
    private readonly deadline: number,
    private readonly signal: AbortSignal | undefined,
    private readonly dropWaiting: () => void,
    readonly purpose: Purpose = 'call',
  ) {
    this.scores = new Array<number>(documents);
    this.result = new Promise<RankResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.timer = setTimeout(() => this.fail(this.timeout()), Math.max(0, deadline - Date.now()));
    if (signal) {
      this.onAbort = () => this.fail(new DomainError('UNAVAILABLE', 'The call was cancelled: its client went away before its documents were ranked', { cancelled: true }));
      if (signal.aborted) this.onAbort();
      else signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  expect(units: number): void {
    this.remaining = units;
  }

  /** Whether a unit may start now; past the deadline the call fails instead. */
  startable(): boolean {
    if (this.settled) return false;
    if (Date.now() < this.deadline) return true;
    this.fail(this.timeout());
    return false;
  }

  add(offset: number, reply: Extract<WorkerReply, { ok: true }>): void {
    if (this.settled) return;
    reply.scores.forEach((score, index) => (this.scores[offset + index] = score));
    this.tokens += reply.tokens;
    this.batches += reply.batches;
    this.work += reply.work;
    if (--this.remaining > 0) return;
    this.settle();
    this.resolve({ scores: this.scores, tokens: this.tokens, batches: this.batches, work: this.work });
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settle();
    this.dropWaiting();
    this.reject(error);
  }

  private settle(): void {
    this.settled = true;
    clearTimeout(this.timer);
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
  }

  private timeout(): DomainError {
    return new DomainError('UPSTREAM_TIMEOUT', "The built-in ranker did not get to these documents before the call's deadline; retry with fewer documents or later");
  }
}
