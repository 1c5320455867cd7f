import { Worker } from 'node:worker_threads';
import { FairQueue, type QueuedUnit } from './fair-queue.js';
import type { WorkerReply, WorkerResponse, WorkerSettings, WorkerTask } from './worker-protocol.js';

/** A unit of work the pool runs on one worker, and how it tells its caller. */
export interface PoolUnit extends QueuedUnit {
  readonly task: WorkerTask;
  /** Called as the unit leaves the queue; false drops it (its call is over or past its deadline). */
  start(): boolean;
  /** The worker's answer, or the worker died running it. */
  finish(outcome: { readonly reply: WorkerReply } | { readonly died: Error }): void;
}

export interface WorkerPoolOptions {
  /** The compiled worker module (see worker-entry.ts). */
  readonly entry: URL;
  readonly size: number;
  readonly settings: WorkerSettings;
  /** A worker ended while the pool was open (it is replaced when work is waiting). */
  readonly onWorkerExit?: (running: boolean) => void;
}

interface Slot {
  readonly worker: Worker;
  online: boolean;
  retired?: boolean;
  running?: { readonly id: number; readonly unit: PoolUnit };
}

/** After a worker dies before it is even online (a broken install), the next one waits this long. */
const RESPAWN_DELAY_MS = 1_000;

/**
 * Worker threads, started on demand up to `size`, each running one unit at a time from a
 * fair queue. Hand-written rather than piscina's: the queue is fair per owner and bounded in
 * pairs (piscina's custom queues see neither), and a unit that has started is never aborted
 * (piscina aborts a running task by terminating its worker, which would drop its loaded
 * models); what is left of a pool is the few lines below.
 */
export class WorkerPool<U extends PoolUnit> {
  private readonly queue = new FairQueue<U>();
  private readonly slots = new Set<Slot>();
  private nextId = 0;
  private closed = false;
  private respawnAt = 0;
  private respawnTimer?: NodeJS.Timeout;

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Pairs waiting for a worker. */
  get queuedPairs(): number {
    return this.queue.pairs;
  }

  get workers(): number {
    return this.slots.size;
  }

  enqueue(units: readonly U[]): void {
    if (this.closed) throw new Error('The built-in rankers pool is closed');
    this.queue.push(units);
    this.dispatch();
  }

  /** Drops waiting units of an owner that match; started ones run to their end. */
  cancel(ownerId: string, matches: (unit: U) => boolean): void {
    this.queue.remove(ownerId, matches);
  }

  /** Ends every worker; units running or waiting are finished as died. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.respawnTimer);
    const reason = new Error('The built-in rankers are shutting down');
    for (let unit = this.queue.shift(); unit; unit = this.queue.shift()) unit.finish({ died: reason });
    await Promise.all(
      [...this.slots].map((slot) => {
        const running = slot.running;
        slot.running = undefined;
        running?.unit.finish({ died: reason });
        return slot.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    while (!this.queue.isEmpty) {
      const slot = this.idleSlot();
      if (!slot) return;
      const unit = this.queue.shift()!;
      if (!unit.start()) continue;
      const id = ++this.nextId;
      slot.running = { id, unit };
      slot.worker.postMessage({ id, task: unit.task });
    }
  }

  private idleSlot(): Slot | undefined {
    for (const slot of this.slots) if (!slot.running) return slot;
    if (this.slots.size >= this.options.size || this.closed) return undefined;
    const wait = this.respawnAt - Date.now();
    if (wait > 0) {
      this.respawnTimer ??= setTimeout(() => {
        this.respawnTimer = undefined;
        this.dispatch();
      }, wait);
      return undefined;
    }
    return this.spawn();
  }

  /** Ends a worker that asked to be replaced; the next dispatch starts another. */
  private retire(slot: Slot): void {
    slot.retired = true;
    this.slots.delete(slot);
    void slot.worker.terminate();
  }

  private spawn(): Slot {
    const worker = new Worker(this.options.entry, { workerData: this.options.settings });
    const slot: Slot = { worker, online: false };
    this.slots.add(slot);
    worker.on('online', () => (slot.online = true));
    worker.on('message', ({ id, reply }: WorkerResponse) => {
      if (slot.running?.id !== id) return;
      const { unit } = slot.running;
      slot.running = undefined;
      if (!reply.ok && reply.retire) this.retire(slot);
      unit.finish({ reply });
      this.dispatch();
    });
    let failure: Error | undefined;
    worker.on('error', (error) => (failure = error));
    worker.on('exit', (code) => {
      this.slots.delete(slot);
      if (this.closed || slot.retired) return;
      if (!slot.online) this.respawnAt = Date.now() + RESPAWN_DELAY_MS;
      const running = slot.running;
      slot.running = undefined;
      this.options.onWorkerExit?.(running !== undefined);
      running?.unit.finish({ died: failure ?? new Error(`the worker exited with code ${code}`) });
      this.dispatch();
    });
    return slot;
  }
}
