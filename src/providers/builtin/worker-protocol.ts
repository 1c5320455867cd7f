/** What the pool and its worker threads say to each other (structured-cloned, so plain data only). */

/** A LOCAL model as the worker loads it: the id (its folder under MODELS_DIR) and which ONNX file. */
export interface LocalModelRef {
  readonly id: string;
  /** transformers.js's dtype: `fp32` loads onnx/model.onnx, `q8` onnx/model_quantized.onnx. */
  readonly dtype: 'fp32' | 'q8';
}

export function onnxFile(dtype: LocalModelRef['dtype']): string {
  return dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx';
}

export type WorkerTask =
  | {
      readonly op: 'lexical';
      readonly query: string;
      readonly documents: readonly string[];
      readonly k1?: number;
      readonly b?: number;
      readonly maxWork: number;
    }
  | {
      readonly op: 'local';
      readonly model: LocalModelRef;
      readonly query: string;
      readonly documents: readonly string[];
      readonly maxTokens?: number;
    }
  /** Loads the model (into the worker's LRU) and reports whether it is usable as a reranker. */
  | { readonly op: 'check'; readonly model: LocalModelRef };

export interface WorkerSettings {
  readonly modelsDir: string;
  readonly maxModels: number;
  readonly threads: number;
}

export interface WorkerScores {
  readonly ok: true;
  readonly scores: readonly number[];
  readonly tokens: number;
  readonly batches: number;
  readonly work: number;
  /** The model was loaded for this task (not found in the worker's LRU). */
  readonly loadedModel: boolean;
}

/**
 * Why a task could not be done: `too-much-work` (the caller's input is over a bound), `model`
 * (files missing, corrupt or unusable: names the file), `engine` (transformers.js or
 * onnxruntime cannot be loaded here), `internal` (anything else).
 */
export interface WorkerFailure {
  readonly ok: false;
  readonly kind: 'too-much-work' | 'model' | 'engine' | 'internal';
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /** The thread cannot be trusted any more (a failed model load can poison transformers.js): the pool replaces it. */
  readonly retire?: boolean;
}

export type WorkerReply = WorkerScores | WorkerFailure;

export interface WorkerRequest {
  readonly id: number;
  readonly task: WorkerTask;
}

export interface WorkerResponse {
  readonly id: number;
  readonly reply: WorkerReply;
}
