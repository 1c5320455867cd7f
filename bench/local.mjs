// The built-in rankers: LOCAL (an ONNX cross-encoder with MiniLM-L6's shapes, random
// weights, generated here) through the service's worker pool, against the same model run
// directly by transformers.js in a plain script, in the same run; and LEXICAL (BM25).
//   npm run build && node bench/local.mjs
// LOCAL: pairs/s and per-call p50/p99 for 20 and 100 documents (sequential calls), and the
// event loop's delay (p99) while the service ranks. Goal: >= 0.85x the direct run's pairs/s,
// event-loop p99 < 20 ms. LEXICAL: documents/s for 100 and 1,000 documents of 500 characters.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { AppConfig } from '../dist/config/app-config.js';
import { MetricsService } from '../dist/metrics/metrics.service.js';
import { BuiltinRankers } from '../dist/providers/builtin/builtin-rankers.js';
import { percentiles } from './lib/load.mjs';
import { benchWord, BENCH_WORDS, writeMiniLmShapedModel } from './lib/minilm-model.mjs';
import { report, round } from './lib/report.mjs';

const MODEL = 'bench/minilm-l6-shaped';
const WORDS_PER_DOCUMENT = Number(process.env.BENCH_LOCAL_WORDS ?? 60);
const CALLS = { 20: Number(process.env.BENCH_LOCAL_CALLS_20 ?? 10), 100: Number(process.env.BENCH_LOCAL_CALLS_100 ?? 4) };

const root = mkdtempSync(join(tmpdir(), 'rr-bench-local-'));
const modelsDir = join(root, 'models');
try {
  writeMiniLmShapedModel(modelsDir, MODEL);
  const documents = (count, seed) =>
    Array.from({ length: count }, (_, i) => Array.from({ length: WORDS_PER_DOCUMENT }, (_, k) => benchWord((seed + i * 131 + k * 17) % BENCH_WORDS)).join(' '));
  const query = Array.from({ length: 8 }, (_, k) => benchWord(k * 101)).join(' ');
  const shapes = [20, 100].map((count) => ({ name: `${count} documents`, documents: documents(count, count), calls: CALLS[count], warmup: 1 }));

  const callsFile = join(root, 'calls.json');
  writeFileSync(callsFile, JSON.stringify({ query, shapes }));
  const direct = JSON.parse(execFileSync(process.execPath, [fileURLToPath(new URL('./lib/local-direct.mjs', import.meta.url)), modelsDir, MODEL, callsFile], { encoding: 'utf8' }));

  const config = AppConfig.fromEnv({ ...process.env, MODELS_DIR: modelsDir, LOCAL_MODELS_ALLOWED: 'bench/*', MODELS_ALLOW_DOWNLOAD: 'false', LOCAL_MAX_QUEUED_PAIRS: '100000' });
  const rankers = new BuiltinRankers(config, new MetricsService(), pino({ level: 'silent' }));
  const rows = [];
  try {
    const delay = monitorEventLoopDelay({ resolution: 5 });
    for (const shape of shapes) {
      const latencies = [];
      for (let call = 0; call < shape.warmup + shape.calls; call++) {
        if (call === shape.warmup) delay.enable();
        const started = performance.now();
        await rankers.rank({ ownerId: 'bench', kind: 'LOCAL', model: MODEL, query, documents: shape.documents, deadline: Date.now() + 600_000 });
        if (call >= shape.warmup) latencies.push(performance.now() - started);
      }
      delay.disable();
      const pairs = shape.documents.length;
      const service = summary(latencies, pairs);
      const baseline = summary(direct[shape.name], pairs);
      rows.push({ kind: 'LOCAL', shape: shape.name, run: 'direct transformers.js', pairsPerSecond: baseline.pairsPerSecond, p50Ms: baseline.p50, p99Ms: baseline.p99 });
      rows.push({
        kind: 'LOCAL',
        shape: shape.name,
        run: `service (${config.builtin.workers} worker x ${config.builtin.threadsPerWorker} threads)`,
        pairsPerSecond: service.pairsPerSecond,
        p50Ms: service.p50,
        p99Ms: service.p99,
        vsDirect: round(service.pairsPerSecond / baseline.pairsPerSecond, 2),
        eventLoopP99Ms: round(delay.percentile(99) / 1e6, 1),
      });
      delay.reset();
    }

    const lexicalText = (i) => {
      let text = '';
      for (let k = 0; text.length < 500; k++) text += `${benchWord((i * 37 + k * 13) % 5_000)} `;
      return text.slice(0, 500);
    };
    for (const count of [100, 1_000]) {
      const docs = Array.from({ length: count }, (_, i) => lexicalText(i));
      const calls = count === 100 ? 200 : 40;
      const latencies = [];
      for (let call = 0; call < calls + 5; call++) {
        const started = performance.now();
        await rankers.rank({ ownerId: 'bench', kind: 'LEXICAL', model: 'bm25', query: 'w1 w26 w39 w1300', documents: docs, deadline: Date.now() + 60_000 });
        if (call >= 5) latencies.push(performance.now() - started);
      }
      const { p50, p99, pairsPerSecond } = summary(latencies, count);
      rows.push({ kind: 'LEXICAL', shape: `${count} documents of 500 characters`, run: 'service', documentsPerSecond: pairsPerSecond, p50Ms: p50, p99Ms: p99 });
    }
  } finally {
    await rankers.onModuleDestroy();
  }
  report('local', rows, { wordsPerDocument: WORDS_PER_DOCUMENT, calls: CALLS });
} finally {
  rmSync(root, { recursive: true, force: true });
}

function summary(latencies, pairs) {
  const { p50, p99 } = percentiles(latencies);
  const total = latencies.reduce((sum, ms) => sum + ms, 0);
  return { p50: round(p50, 1), p99: round(p99, 1), pairsPerSecond: round((pairs * latencies.length * 1000) / total, 1) };
}
