import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface CacheStats {
  hits: number;
  misses: number;
}

/** The process's Prometheus registry and the service's own series. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly upstreamDuration = new Histogram({
    name: 'upstream_request_duration_seconds',
    help: 'Upstream rerank call latency (retries included) by provider and outcome',
    labelNames: ['provider', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly upstreamRetries = new Counter({
    name: 'upstream_retries_total',
    help: 'Upstream requests that were retries, by provider',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });

  private readonly compatIgnoredFields = new Counter({
    name: 'compat_ignored_fields_total',
    help: 'Body fields the drop-in rerank routes accepted and ignored, by route and field (unknown names as "other")',
    labelNames: ['route', 'field'] as const,
    registers: [this.registry],
  });

  private readonly usageDropped = new Counter({
    name: 'usage_records_dropped_total',
    help: 'Rerank calls whose usage was not booked: the pending buffer was full (USAGE_MAX_PENDING_KEYS), the database refused their rollup row, or the last flush at shutdown failed',
    registers: [this.registry],
  });

  private readonly usageFlushes = new Counter({
    name: 'usage_flushes_total',
    help: 'Statements writing usage rollups, by outcome (a batch the database could not take stays pending and is retried; one it refused is written row by row)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly usageRejected = new Counter({
    name: 'usage_rollups_rejected_total',
    help: 'Usage rollup rows the database refused on their own (a value out of range): dropped, not retried; their calls are in usage_records_dropped_total',
    registers: [this.registry],
  });

  private readonly unitsClamped = new Counter({
    name: 'usage_units_clamped_total',
    help: 'Upstream answers that reported more search units or tokens than their call could bill, booked at that bound instead, by provider',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });

  private readonly limitStoreFailures = new Counter({
    name: 'rate_limit_store_failures_total',
    help: 'Rate-limit counter operations the Redis store failed, by what was done instead (open: counted in process; closed: call refused)',
    labelNames: ['mode'] as const,
    registers: [this.registry],
  });

  private readonly limitRefusals = new Counter({
    name: 'rate_limit_refusals_total',
    help: 'Calls refused by a rate limit or a monthly quota, by subject (USER or APIKEY) and limit',
    labelNames: ['subject', 'limit'] as const,
    registers: [this.registry],
  });

  private readonly builtinPairs = new Counter({
    name: 'builtin_ranker_pairs_total',
    help: 'Pairs (query x document) the built-in rankers scored, by kind (LEXICAL, LOCAL); rate() gives pairs per second',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  private readonly builtinBatches = new Histogram({
    name: 'builtin_ranker_batch_duration_seconds',
    help: 'Time a worker of the built-in rankers spent on one unit of work (a LOCAL batch of pairs, a LEXICAL call), by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly builtinModelLoads = new Counter({
    name: 'builtin_ranker_model_loads_total',
    help: 'LOCAL models loaded into a worker (each worker loads its own; LOCAL_MAX_MODELS per worker), by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly builtinWorkerExits = new Counter({
    name: 'builtin_ranker_worker_exits_total',
    help: 'Worker threads of the built-in rankers that ended unexpectedly (each is replaced), by whether they were running work',
    labelNames: ['running'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  observeHttp(route: string, method: string, status: number, seconds: number): void {
    const labels = { route, method, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  observeUpstream(provider: string, outcome: string, seconds: number): void {
    this.upstreamDuration.observe({ provider, outcome }, seconds);
  }

  countIgnoredField(route: string, field: string): void {
    this.compatIgnoredFields.inc({ route, field });
  }

  countRetry(provider: string): void {
    this.upstreamRetries.inc({ provider });
  }

  countUsageDropped(calls: number): void {
    this.usageDropped.inc(calls);
  }

  countUsageFlush(outcome: 'ok' | 'failed'): void {
    this.usageFlushes.inc({ outcome });
  }

  /** Rollup rows the database refused, and the calls they held. */
  countUsageRejected(rows: number, calls: number): void {
    this.usageRejected.inc(rows);
    this.usageDropped.inc(calls);
  }

  countUnitsClamped(provider: string): void {
    this.unitsClamped.inc({ provider });
  }

  /** Rollup rows waiting to be written, read at scrape time. */
  registerUsagePending(size: () => number): void {
    new Gauge({
      name: 'usage_pending_rollups',
      help: 'Usage rollup rows aggregated in memory, not yet written',
      registers: [this.registry],
      collect() {
        this.set(size());
      },
    });
  }

  countLimitStoreFailure(mode: 'open' | 'closed'): void {
    this.limitStoreFailures.inc({ mode });
  }

  countLimitRefusal(subject: string, limit: string): void {
    this.limitRefusals.inc({ subject, limit });
  }

  /** Hit ratio, hits and misses of an in-process cache, read at scrape time. */
  registerCache(cache: string, stats: () => CacheStats): void {
    new Gauge({
      name: `cache_${cache}_hit_ratio`,
      help: `Hit ratio of the ${cache} cache since start`,
      registers: [this.registry],
      collect() {
        const { hits, misses } = stats();
        this.set(hits + misses === 0 ? 0 : hits / (hits + misses));
      },
    });
    new Gauge({
      name: `cache_${cache}_lookups`,
      help: `Lookups of the ${cache} cache since start, by result`,
      labelNames: ['result'] as const,
      registers: [this.registry],
      collect() {
        const { hits, misses } = stats();
        this.set({ result: 'hit' }, hits);
        this.set({ result: 'miss' }, misses);
      },
    });
  }

  /** Rerankers per circuit-breaker state, read at scrape time. */
  registerCircuits(counts: () => Record<string, number>): void {
    new Gauge({
      name: 'circuit_breakers',
      help: 'Rerankers by circuit-breaker state (closed ones with no recent failure are not counted)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        for (const [state, count] of Object.entries(counts())) this.set({ state }, count);
      },
    });
  }

  countBuiltinPairs(kind: string, pairs: number): void {
    this.builtinPairs.inc({ kind }, pairs);
  }

  observeBuiltinBatch(kind: string, outcome: string, seconds: number): void {
    this.builtinBatches.observe({ kind, outcome }, seconds);
  }

  countModelLoad(outcome: 'ok' | 'failed'): void {
    this.builtinModelLoads.inc({ outcome });
  }

  countBuiltinWorkerExit(running: boolean): void {
    this.builtinWorkerExits.inc({ running: String(running) });
  }

  /** The built-in rankers' queue (pairs waiting for a worker) and live workers, read at scrape time. */
  registerBuiltinQueue(queuedPairs: () => number, workers: () => number): void {
    new Gauge({
      name: 'builtin_ranker_queued_pairs',
      help: 'Pairs waiting for a worker of the built-in rankers (bounded by LOCAL_MAX_QUEUED_PAIRS)',
      registers: [this.registry],
      collect() {
        this.set(queuedPairs());
      },
    });
    new Gauge({
      name: 'builtin_ranker_workers',
      help: 'Worker threads of the built-in rankers running (started on demand, up to LOCAL_WORKERS)',
      registers: [this.registry],
      collect() {
        this.set(workers());
      },
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
