/**
 * LOCAL cross-encoders inside a worker thread: transformers.js (its tokenizers and model
 * loading) on onnxruntime-node, imported on the first LOCAL task only, so the service starts
 * and serves LEXICAL without either package installed.
 */
import { readFile } from 'node:fs/promises';
import { register } from 'node:module';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { onnxFile, type LocalModelRef, type WorkerSettings } from './worker-protocol.js';

/** A model file is missing, corrupt or not a reranker; `file` names it (relative to the model's folder). */
export class ModelFailure extends Error {
  constructor(
    readonly file: string,
    message: string,
    /** The failure happened inside transformers.js, which may stay broken in this thread. */
    readonly poisoned = false,
  ) {
    super(message);
    this.name = 'ModelFailure';
  }
}

/** transformers.js or onnxruntime-node cannot be loaded on this server. */
export class EngineMissing extends Error {
  override readonly name = 'EngineMissing';
}

/**
 * The part of transformers.js used here, typed by hand: the package is optional (it may be
 * absent where the service is built), so its own types cannot be required at compile time.
 */
interface Tensor {
  readonly dims: readonly number[];
  readonly data: ArrayLike<number>;
}
interface Encoding {
  readonly input_ids: number[];
  readonly attention_mask: number[];
  readonly token_type_ids?: number[];
}
interface Tokenizer {
  (texts: string[], options: { text_pair: string[]; truncation: true; max_length: number; padding: false; return_tensor: false }): {
    input_ids: number[][];
    attention_mask: number[][];
    token_type_ids?: number[][];
  };
  readonly model_max_length?: number;
  readonly pad_token_id?: number | null;
}
interface SequenceClassifier {
  (inputs: Record<string, Tensor>): Promise<{ logits: Tensor }>;
  dispose(): Promise<unknown>;
}
interface Transformers {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string; useFSCache: boolean };
  AutoTokenizer: { from_pretrained(id: string, options: object): Promise<Tokenizer> };
  AutoModelForSequenceClassification: { from_pretrained(id: string, options: object): Promise<SequenceClassifier> };
  Tensor: new (type: 'int64', data: BigInt64Array, dims: number[]) => Tensor;
}

export interface LocalRanking {
  readonly scores: number[];
  readonly tokens: number;
  readonly batches: number;
  readonly loadedModel: boolean;
}

interface LoadedModel {
  readonly tokenizer: Tokenizer;
  readonly classifier: SequenceClassifier;
  /** Tokens of one pair at most: the tokenizer's and the position embeddings' limit, whichever is smaller. */
  readonly maxLength: number;
  readonly padId: number;
}

/**
 * A model whose files state no length limit is still truncated: an unbounded document would
 * make an unbounded tensor. 8,192 is the longest context of the rerankers this runs.
 */
const UNSTATED_MAX_LENGTH = 8192;

/** Package names held in variables: both are optional, so neither may be required to compile. */
const SHARP = 'sharp';
const TRANSFORMERS = '@huggingface/transformers';

/** Files transformers.js reads for a cross-encoder besides the ONNX graph. */
const JSON_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** The models this worker has loaded, least recently used unloaded first (LOCAL_MAX_MODELS). */
export class LocalModels {
  private readonly loaded: LRUCache<string, Promise<LoadedModel>>;
  private engine?: Promise<Transformers>;

  constructor(private readonly settings: WorkerSettings) {
    this.loaded = new LRUCache({
      max: settings.maxModels,
      dispose: (model) => void model.then((m) => m.classifier.dispose()).catch(() => undefined),
    });
  }

  /** Loads the model if needed; true when this call loaded it. */
  async check(ref: LocalModelRef): Promise<boolean> {
    const { loadedModel } = await this.model(ref);
    return loadedModel;
  }

  /**
   * Logits of (query, document) pairs in input order. The pairs are tokenized once (truncated
   * to the model's max length), sorted by length so each batch pads little, and run in
   * batches whose padded size (pairs x longest pair) stays within `maxTokens`; a pair alone
   * over it runs alone.
   */
  async rank(ref: LocalModelRef, query: string, documents: readonly string[], maxTokens?: number): Promise<LocalRanking> {
    const { model, loadedModel } = await this.model(ref);
    const { Tensor } = await this.transformers();
    const encoded = model.tokenizer(new Array<string>(documents.length).fill(query), {
      text_pair: [...documents],
      truncation: true,
      max_length: model.maxLength,
      padding: false,
      return_tensor: false,
    });
    const pairs: Encoding[] = encoded.input_ids.map((input_ids, index) => ({
      input_ids,
      attention_mask: encoded.attention_mask[index]!,
      token_type_ids: encoded.token_type_ids?.[index],
    }));
    const order = pairs.map((_, index) => index).sort((a, b) => pairs[a]!.input_ids.length - pairs[b]!.input_ids.length);
    const scores = new Array<number>(documents.length);
    let tokens = 0;
    let batches = 0;
    for (const batch of batchesOf(order, (index) => pairs[index]!.input_ids.length, maxTokens)) {
      const width = pairs[batch[batch.length - 1]!]!.input_ids.length;
      const inputs: Record<string, Tensor> = {
        input_ids: padded(Tensor, batch.map((i) => pairs[i]!.input_ids), width, model.padId),
        attention_mask: padded(Tensor, batch.map((i) => pairs[i]!.attention_mask), width, 0),
      };
      if (pairs[0]!.token_type_ids) inputs.token_type_ids = padded(Tensor, batch.map((i) => pairs[i]!.token_type_ids!), width, 0);
      const { logits } = await model.classifier(inputs);
      batch.forEach((pair, row) => (scores[pair] = Number(logits.data[row])));
      tokens += batch.reduce((sum, i) => sum + pairs[i]!.input_ids.length, 0);
      batches++;
    }
    return { scores, tokens, batches, loadedModel };
  }

  private async model(ref: LocalModelRef): Promise<{ model: LoadedModel; loadedModel: boolean }> {
    const key = `${ref.id}:${ref.dtype}`;
    const cached = this.loaded.get(key);
    if (cached) return { model: await cached, loadedModel: false };
    const loading = this.load(ref);
    this.loaded.set(key, loading);
    try {
      return { model: await loading, loadedModel: true };
    } catch (error) {
      // A failed load is not kept: the files may be fixed or fetched before the next call.
      if (this.loaded.peek(key) === loading) this.loaded.delete(key);
      throw error;
    }
  }

  private async load(ref: LocalModelRef): Promise<LoadedModel> {
    const folder = join(this.settings.modelsDir, ref.id);
    const [config, , tokenizerConfig] = await Promise.all(JSON_FILES.map((file) => readJson(folder, file)));
    const labels = labelCount(config);
    if (labels !== 1) {
      throw new ModelFailure('config.json', `Model ${ref.id} has ${labels} output labels; a reranker (cross-encoder) outputs one relevance logit`);
    }
    const { AutoTokenizer, AutoModelForSequenceClassification } = await this.transformers();
    let tokenizer: Tokenizer;
    try {
      tokenizer = await AutoTokenizer.from_pretrained(ref.id, { local_files_only: true });
    } catch (error) {
      throw new ModelFailure('tokenizer.json', `Model ${ref.id}: tokenizer.json could not be loaded (${messageOf(error)})`, true);
    }
    const file = onnxFile(ref.dtype);
    let classifier: SequenceClassifier;
    try {
      classifier = await AutoModelForSequenceClassification.from_pretrained(ref.id, {
        dtype: ref.dtype,
        device: 'cpu',
        local_files_only: true,
        session_options: { intraOpNumThreads: this.settings.threads, interOpNumThreads: 1 },
      });
    } catch (error) {
      // transformers.js 3 keeps the first session's promise and awaits it before every later
      // session (wasmInitPromise), so after this failure no model would load in this thread.
      throw new ModelFailure(file, `Model ${ref.id}: ${file} could not be loaded (${messageOf(error)})`, true);
    }
    const positions = numberField(config, 'max_position_embeddings');
    const tokenizerMax = numberField(tokenizerConfig, 'model_max_length');
    return {
      tokenizer,
      classifier,
      maxLength: Math.min(tokenizerMax ?? Infinity, positions ?? Infinity, tokenizer.model_max_length ?? Infinity, UNSTATED_MAX_LENGTH),
      padId: tokenizer.pad_token_id ?? 0,
    };
  }

  private transformers(): Promise<Transformers> {
    this.engine ??= importTransformers(this.settings.modelsDir);
    return this.engine;
  }
}

/**
 * transformers.js set up to read MODELS_DIR only (the pool fetches missing models itself, on
 * the main thread, atomically). Its Node build imports `sharp` (for images) at the top; where
 * sharp's native binary is absent, 'sharp' resolves in this worker to a stub that fails only
 * if an image is ever decoded, which text ranking never does.
 */
async function importTransformers(modelsDir: string): Promise<Transformers> {
  try {
    await import(SHARP);
  } catch {
    register(SHARP_STUB_HOOKS);
  }
  let transformers: Transformers;
  try {
    transformers = (await import(TRANSFORMERS)) as Transformers;
  } catch (error) {
    throw new EngineMissing(
      `LOCAL rerankers need the optional packages @huggingface/transformers and onnxruntime-node, which cannot be loaded here (${messageOf(error)}); see docs/builtin-rerankers.md`,
    );
  }
  transformers.env.allowRemoteModels = false;
  transformers.env.allowLocalModels = true;
  transformers.env.useFSCache = false;
  transformers.env.localModelPath = modelsDir.endsWith('/') ? modelsDir : `${modelsDir}/`;
  return transformers;
}

const SHARP_STUB = `data:text/javascript,${encodeURIComponent('export default function sharp() { throw new Error("sharp is not installed: images cannot be decoded"); }')}`;
const SHARP_STUB_HOOKS = `data:text/javascript,${encodeURIComponent(
  `export async function resolve(specifier, context, next) { return specifier === 'sharp' ? { url: ${JSON.stringify(SHARP_STUB)}, shortCircuit: true } : next(specifier, context); }`,
)}`;

/** Sorted pair indexes cut into batches of at most `maxTokens` padded tokens (pairs x the longest, which is the last). */
function* batchesOf(order: readonly number[], length: (index: number) => number, maxTokens = Infinity): Generator<number[]> {
  let batch: number[] = [];
  for (const index of order) {
    if (batch.length > 0 && (batch.length + 1) * length(index) > maxTokens) {
      yield batch;
      batch = [];
    }
    batch.push(index);
  }
  if (batch.length > 0) yield batch;
}

function padded(TensorClass: Transformers['Tensor'], rows: readonly number[][], width: number, fill: number): Tensor {
  const data = new BigInt64Array(rows.length * width).fill(BigInt(fill));
  rows.forEach((row, r) => row.forEach((value, c) => (data[r * width + c] = BigInt(value))));
  return new TensorClass('int64', data, [rows.length, width]);
}

async function readJson(folder: string, file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(join(folder, file), 'utf8');
  } catch (error) {
    throw new ModelFailure(file, `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? messageOf(error)})`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Reported below with the file's name.
  }
  throw new ModelFailure(file, `${file} is not a JSON object (corrupt or truncated)`);
}

function labelCount(config: Record<string, unknown>): number {
  const id2label = config.id2label;
  if (id2label && typeof id2label === 'object') return Object.keys(id2label).length;
  return numberField(config, 'num_labels') ?? 1;
}

function numberField(object: Record<string, unknown>, field: string): number | undefined {
  const value = object[field];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
