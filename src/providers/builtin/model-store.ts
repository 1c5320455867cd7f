import { randomUUID } from 'node:crypto';
import { access, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import picomatch from 'picomatch';
import { Agent, fetch } from 'undici';
import type { ModelStoreConfig } from '../../config/builtin-config.js';
import { onnxFile, type LocalModelRef } from './worker-protocol.js';

/** Why a LOCAL model cannot be used; the caller maps it to a 400 (registration) or a 503 (a call). */
export class ModelUnavailable extends Error {
  constructor(
    message: string,
    readonly details: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'ModelUnavailable';
  }
}

/** What transformers.js reads for a cross-encoder, besides one of the ONNX files. */
export const MODEL_JSON_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
/** The ONNX graphs, preferred first: full precision scores as the model's authors measured it. */
const ONNX_CHOICES = [
  { file: onnxFile('fp32'), dtype: 'fp32' },
  { file: onnxFile('q8'), dtype: 'q8' },
] as const;

/**
 * A Hugging Face id, `owner/name` or `name`: letters, digits, `-`, `_`, `.`, never `..` or a
 * leading dot, so an id is always one folder under MODELS_DIR and never escapes it.
 */
const MODEL_ID = /^(?:[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/)?[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

/** Downloads: a hub that does not start answering in 30 s, or stalls 60 s within a file, fails the download. */
const DOWNLOAD_AGENT = new Agent({ headersTimeout: 30_000, bodyTimeout: 60_000, connectTimeout: 15_000 });

/**
 * The LOCAL models in MODELS_DIR (one folder per id, in the hub's layout): which may be used
 * (LOCAL_MODELS_ALLOWED), whether their files are there, and, when MODELS_ALLOW_DOWNLOAD is
 * on, fetching a missing one once from MODELS_HUB_URL into a temporary folder renamed into
 * place, so a failed or truncated download never leaves half a model.
 */
export class ModelStore {
  private readonly allowed: (id: string) => boolean;
  private readonly downloads = new Map<string, Promise<LocalModelRef>>();

  constructor(private readonly config: ModelStoreConfig) {
    this.allowed = picomatch(config.allowed.length > 0 ? [...config.allowed] : ['\0'], { dot: false });
  }

  /**
   * The model ready to load, fetched first when missing and downloads are on. Its files are
   * looked at on every call (a few stat calls, nothing beside inference): a model removed from
   * MODELS_DIR stops being served at once, by every worker alike, even where one still holds it
   * in memory.
   */
  async resolve(id: string): Promise<LocalModelRef> {
    this.checkAllowed(id);
    const found = await this.find(id);
    if ('ref' in found) return found.ref;
    if (!this.config.allowDownload) {
      throw new ModelUnavailable(
        `Model ${id} is not in MODELS_DIR (missing ${found.missing.join(', ')}) and MODELS_ALLOW_DOWNLOAD is off: fetch it with npm run models:pull -- ${id}`,
        { model: id, missing: found.missing },
      );
    }
    return this.pull(id);
  }

  /** Fetches the model from the hub unless its files are already there (npm run models:pull; downloads on). */
  async pull(id: string): Promise<LocalModelRef> {
    checkId(id);
    const found = await this.find(id);
    if ('ref' in found) return found.ref;
    let download = this.downloads.get(id);
    if (!download) {
      download = this.download(id).finally(() => this.downloads.delete(id));
      this.downloads.set(id, download);
    }
    return download;
  }

  folderOf(id: string): string {
    return join(this.config.dir, id);
  }

  private checkAllowed(id: string): void {
    checkId(id);
    if (!this.allowed(id)) {
      throw new ModelUnavailable(`Model ${id} is not allowed on this server: LOCAL_MODELS_ALLOWED is ${this.config.allowed.join(', ') || 'empty'}`, {
        model: id,
        allowed: this.config.allowed,
      });
    }
  }

  private async find(id: string): Promise<{ ref: LocalModelRef } | { missing: string[] }> {
    const folder = this.folderOf(id);
    const exists = (file: string) => access(join(folder, file)).then(() => true, () => false);
    const [jsonPresent, onnxPresent] = await Promise.all([Promise.all(MODEL_JSON_FILES.map(exists)), Promise.all(ONNX_CHOICES.map(({ file }) => exists(file)))]);
    const missing = MODEL_JSON_FILES.filter((_, index) => !jsonPresent[index]) as string[];
    const onnx = ONNX_CHOICES.find((_, index) => onnxPresent[index]);
    if (!onnx) missing.push(ONNX_CHOICES.map(({ file }) => file).join(' or '));
    return missing.length === 0 && onnx ? { ref: { id, dtype: onnx.dtype } } : { missing };
  }

  private async download(id: string): Promise<LocalModelRef> {
    const staging = join(this.config.dir, '.downloads', randomUUID());
    const budget = { bytes: this.config.maxBytes };
    try {
      for (const file of MODEL_JSON_FILES) await this.fetchFile(id, file, staging, budget);
      let dtype: LocalModelRef['dtype'] | undefined;
      for (const choice of ONNX_CHOICES) {
        if (await this.fetchFile(id, choice.file, staging, budget, { optional: true })) {
          dtype = choice.dtype;
          break;
        }
      }
      if (!dtype) throw new ModelUnavailable(`Model ${id} has no ${ONNX_CHOICES.map(({ file }) => file).join(' or ')} on ${this.config.hubUrl}`, { model: id });
      const target = this.folderOf(id);
      await mkdir(dirname(target), { recursive: true });
      try {
        await rename(staging, target);
      } catch (error) {
        // Another process (or an operator) put the model there meanwhile: theirs is kept.
        if (!['EEXIST', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      }
      const found = await this.find(id);
      if (!('ref' in found)) throw new ModelUnavailable(`Model ${id} is incomplete in MODELS_DIR: missing ${found.missing.join(', ')}`, { model: id, missing: found.missing });
      return found.ref;
    } catch (error) {
      if (error instanceof ModelUnavailable) throw error;
      throw new ModelUnavailable(`Model ${id} could not be downloaded from ${this.config.hubUrl}: ${(error as Error).message}`, { model: id });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** One file of the model into the staging folder; false when the hub has no such file and it is optional. */
  private async fetchFile(id: string, file: string, staging: string, budget: { bytes: number }, { optional = false } = {}): Promise<boolean> {
    const url = `${this.config.hubUrl}/${id}/resolve/main/${file}`;
    const response = await fetch(url, { dispatcher: DOWNLOAD_AGENT, redirect: 'follow' });
    if (response.status === 404 && optional) {
      await response.body?.cancel();
      return false;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new ModelUnavailable(`Model ${id}: ${file} could not be downloaded (HTTP ${response.status} from ${url})`, { model: id, file, status: response.status });
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    const target = join(staging, file);
    await mkdir(dirname(target), { recursive: true });
    const handle = await open(target, 'wx');
    let written = 0;
    try {
      for await (const chunk of response.body) {
        written += chunk.byteLength;
        budget.bytes -= chunk.byteLength;
        if (budget.bytes < 0) throw new Error(`its files are larger than MODELS_MAX_BYTES (${this.config.maxBytes} bytes)`);
        await handle.write(chunk);
      }
    } catch (error) {
      throw new Error(`${file} broke off after ${written} bytes (${(error as Error).message})`, { cause: error });
    } finally {
      await handle.close();
    }
    if (Number.isFinite(declared) && declared !== written) throw new Error(`${file} is truncated: ${written} of ${declared} bytes`);
    return true;
  }
}

function checkId(id: string): void {
  if (!MODEL_ID.test(id) || id.includes('..')) {
    throw new ModelUnavailable(`"${id}" is not a Hugging Face model id (owner/name: letters, digits, - _ .)`, { model: id });
  }
}
