import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import type { EnvReader } from './env-reader.js';

/** Cross-encoders known to work in the ONNX layout transformers.js reads; LOCAL_MODELS_ALLOWED replaces the list. */
export const DEFAULT_LOCAL_MODELS = [
  'Xenova/ms-marco-MiniLM-L-6-v2',
  'Xenova/ms-marco-TinyBERT-L-2-v2',
  'Xenova/bge-reranker-base',
  'mixedbread-ai/mxbai-rerank-xsmall-v1',
  'mixedbread-ai/mxbai-rerank-base-v1',
  'jinaai/jina-reranker-v1-tiny-en',
  'jinaai/jina-reranker-v1-turbo-en',
] as const;

/** The built-in rankers (LEXICAL and LOCAL): their worker pool, queue, model store and work bounds. */
export interface BuiltinConfig {
  /** Worker threads ranking off the event loop (LOCAL_WORKERS). */
  readonly workers: number;
  /** onnxruntime's intra-op threads in each worker, so the pool does not oversubscribe the cores. */
  readonly threadsPerWorker: number;
  /** Models each worker keeps loaded; the least recently used is unloaded beyond it. */
  readonly maxModels: number;
  /** Pairs (query x document) waiting for a worker, across owners; a call that would pass it gets 503. */
  readonly maxQueuedPairs: number;
  /** LEXICAL: distinct query terms x documents of one call at most; beyond it 413. */
  readonly lexicalMaxWork: number;
  readonly models: ModelStoreConfig;
}

export interface ModelStoreConfig {
  /** Where LOCAL models live, one folder per Hugging Face id (`owner/name`). */
  readonly dir: string;
  /** A missing model is fetched once from the hub; off, only models already in `dir` load (air-gapped). */
  readonly allowDownload: boolean;
  readonly hubUrl: string;
  /** Glob patterns (picomatch) a LOCAL model id must match. */
  readonly allowed: readonly string[];
  /** One model's files, downloaded, at most. */
  readonly maxBytes: number;
}

export function loadBuiltinConfig(env: EnvReader, dataDir: string, production: boolean): BuiltinConfig {
  const cores = availableParallelism();
  const workers = env.integer('LOCAL_WORKERS', Math.max(1, cores - 1), { min: 1, max: 256 });
  return {
    workers,
    threadsPerWorker: env.integer('LOCAL_THREADS_PER_WORKER', Math.max(1, Math.floor(cores / workers)), { min: 1, max: 256 }),
    maxModels: env.integer('LOCAL_MAX_MODELS', 2, { min: 1, max: 64 }),
    maxQueuedPairs: env.integer('LOCAL_MAX_QUEUED_PAIRS', 20_000, { min: 1, max: 10_000_000 }),
    lexicalMaxWork: env.integer('LEXICAL_MAX_WORK', 20_000_000, { min: 1, max: 1_000_000_000_000 }),
    models: {
      dir: resolve(env.string('MODELS_DIR', join(dataDir, 'models'))),
      // Outside production a developer who registers a LOCAL model expects it to arrive; in
      // production nothing is fetched unless an operator says so (air-gapped installs, reviewed models).
      allowDownload: env.boolean('MODELS_ALLOW_DOWNLOAD', !production),
      hubUrl: parseHubUrl(env.string('MODELS_HUB_URL', 'https://huggingface.co')),
      allowed: parsePatterns(env.raw('LOCAL_MODELS_ALLOWED')),
      maxBytes: env.integer('MODELS_MAX_BYTES', 4 * 1024 ** 3, { min: 1024, max: 1024 ** 4 }),
    },
  };
}

function parseHubUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('MODELS_HUB_URL', `is not a valid URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('MODELS_HUB_URL', 'must be an http:// or https:// URL');
  return url.href.replace(/\/+$/, '');
}

/** Comma-separated globs; unset (or empty) keeps the default list. */
function parsePatterns(value: string | undefined): readonly string[] {
  if (value === undefined) return DEFAULT_LOCAL_MODELS;
  return value
    .split(',')
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== '');
}
