import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ProviderFormat = 'COHERE' | 'JINA' | 'VOYAGE' | 'TEI' | 'VLLM' | 'LLAMA_CPP' | 'OPENAI' | 'NVIDIA_NIM' | 'PINECONE' | 'MIXEDBREAD' | 'DEEPINFRA';
/** Services reached through an existing provider type whose answer differs from every format's above. */
export type ServiceWire = 'INFINITY' | 'SILICONFLOW';
export type FakeWire = ProviderFormat | ServiceWire;

export type Fault =
  | { kind: 'slow'; delayMs: number }
  | { kind: 'hang' }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Answers `status` with the request headers reflected in the error message, as JSON or plain text. */
  | { kind: 'echo-headers'; status: number; as: 'json' | 'text' }
  /** Answers `status` with the credential it got (Bearer or x-api-key) in the error message, encoded by `encode`. */
  | { kind: 'echo-credential'; status: number; encode: (credential: string) => string }
  | { kind: 'malformed' }
  | { kind: 'wrong-indices' }
  | { kind: 'duplicate-indices' }
  | { kind: 'non-numeric-score' }
  | { kind: 'huge'; bytes: number }
  /** A 200 whose body never ends: `chunkBytes` per write, every `intervalMs` or as fast as the reader takes them. */
  | { kind: 'endless'; chunkBytes: number; intervalMs?: number }
  | { kind: 'reset' }
  | { kind: 'redirect' }
  | { kind: 'ignore-top-n' };

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** TEI's default max client batch. */
const TEI_MAX_BATCH = 32;
/** TEI's default payload limit (axum), answered with a plain-text 413. */
const TEI_PAYLOAD_LIMIT_BYTES = 2_000_000;
/** vLLM's max_model_len and llama.cpp's physical batch (-ub) in the fake's tokens. */
const DEFAULT_MAX_INPUT_TOKENS = 512;
const COHERE_V2_FIELDS = new Set(['model', 'query', 'documents', 'top_n', 'max_tokens_per_doc', 'priority']);
/** NVIDIA's reranking NIM: passages per request, and its truncate modes. */
const NIM_MAX_PASSAGES = 512;
const NIM_TRUNCATE_MODES = new Set(['END', 'NONE']);
/** Pinecone's bge-reranker-v2-m3 documents per request. */
const PINECONE_MAX_DOCUMENTS = 100;

export interface FakeUpstreamOptions {
  /** vLLM: max_model_len; llama.cpp: the physical batch size. In whitespace-separated tokens. */
  maxInputTokens?: number;
  /** TEI's request body limit. */
  payloadLimitBytes?: number;
  /** vLLM's error body: current `{error: {message, type, code}}` or older flat `{object, message, type, code}`. */
  errorStyle?: 'nested' | 'flat';
  /** false: answers carry no usage block (Cohere's `meta`, everyone else's `usage`). */
  reportsUsage?: boolean;
  /** The marker a document's score is read from (`<marker>=<n>`; default `score`), so two fakes can rank the same documents differently. */
  scoreMarker?: string;
}

/** The fake's tokenizer: whitespace-separated words. */
export function fakeTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * A reranking server on 127.0.0.1 speaking one provider's wire format, as strictly as
 * the real one where it matters: TEI's 32-document batch (422) and 2 MB body (413, plain
 * text), Cohere v2's unknown-field 422, Voyage's top_k, vLLM's max model length (400
 * unless truncate_prompt_tokens; other fields ignored) and llama.cpp's physical batch (500
 * "too large to process"), NVIDIA NIM's `{query: {text}, passages: [{text}]}` (422 on another
 * shape, at most 512 passages, 400 over the length with truncate NONE, ranks everything),
 * Pinecone's `Api-Key` (401) and `{text}` documents (400, at most 100), Mixedbread's `input`
 * (422 without), DeepInfra's `{queries, documents}` (one query per document, else 422
 * `{detail: {error}}`) answered with positional `scores`; Infinity and SiliconFlow answer in
 * their own shapes. Scores come from
 * `score=<n>` inside a document, else a stable hash.
 * Faults apply to the next `times` requests (all of them by default).
 */
export class FakeUpstream {
  readonly requests: ReceivedRequest[] = [];
  /** The API key Pinecone's fake accepts in `Api-Key` (any other: 401). */
  static readonly PINECONE_KEY = 'pcsk_fake_0123456789';
  private faults: Array<{ fault: Fault; remaining: number }> = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly format: FakeWire,
    readonly url: string,
    private readonly options: FakeUpstreamOptions,
  ) {}

  static async start(format: FakeWire, options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const upstream = new FakeUpstream(server, format, `http://127.0.0.1:${port}`, options);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => upstream.handle(req.url ?? '/', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    server.on('connection', (socket) => {
      upstream.sockets.add(socket);
      socket.on('close', () => upstream.sockets.delete(socket));
    });
    return upstream;
  }

  /** Applies `fault` to the next `times` requests (Infinity: until cleared). */
  fail(fault: Fault, times = Infinity): void {
    this.faults.push({ fault, remaining: times });
  }

  clear(): void {
    this.faults = [];
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private nextFault(): Fault | undefined {
    const current = this.faults[0];
    if (!current) return undefined;
    if (--current.remaining <= 0) this.faults.shift();
    return current.fault;
  }

  private handle(path: string, headers: IncomingHttpHeaders, raw: string, res: import('node:http').ServerResponse): void {
    const send = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...extra });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    const limit = this.options.payloadLimitBytes ?? TEI_PAYLOAD_LIMIT_BYTES;
    if (this.format === 'TEI' && Buffer.byteLength(raw) > limit) {
      this.requests.push({ path, headers, body: {} });
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Failed to buffer the request body: length limit exceeded');
      return;
    }
    const body = JSON.parse(raw || '{}') as Record<string, unknown>;
    this.requests.push({ path, headers, body });
    const fault = this.nextFault();
    switch (fault?.kind) {
      case 'hang':
        return;
      case 'reset':
        res.socket?.destroy();
        return;
      case 'status':
        return send(fault.status, fault.body ?? { message: `fake ${fault.status}` }, fault.headers);
      case 'echo-headers': {
        const reflected = `rejected request with headers ${JSON.stringify(headers)}`;
        if (fault.as === 'json') return send(fault.status, { message: reflected });
        res.writeHead(fault.status, { 'content-type': 'text/plain' });
        res.end(reflected);
        return;
      }
      case 'echo-credential': {
        const credential = String(headers['x-api-key'] ?? headers.authorization ?? '').replace(/^Bearer /, '');
        return send(fault.status, { message: fault.encode(credential) });
      }
      case 'malformed':
        return send(200, '{"results": [ {"index": 0, "relevance_');
      case 'redirect':
        return send(302, {}, { location: 'http://169.254.169.254/latest/meta-data' });
      case 'huge':
        return send(200, JSON.stringify({ results: [], padding: 'x'.repeat(fault.bytes) }));
      case 'endless':
        return streamForever(res, 'x'.repeat(fault.chunkBytes), fault.intervalMs);
      case 'slow':
        setTimeout(() => this.answer(body, headers, undefined, send), fault.delayMs);
        return;
      default:
        return this.answer(body, headers, fault, send);
    }
  }

  private answer(body: Record<string, unknown>, headers: IncomingHttpHeaders, fault: Fault | undefined, send: (status: number, payload: unknown) => void): void {
    const invalid = this.validateWire(body, headers);
    if (invalid) return send(invalid.status, invalid.body);
    const documents = this.documentsOf(body) as string[];
    const invalidDocuments = this.validate(body, documents);
    if (invalidDocuments) return send(invalidDocuments.status, invalidDocuments.body);
    const topN = (this.format === 'VOYAGE' || this.format === 'MIXEDBREAD' ? body.top_k : body.top_n) as number | undefined;
    let scored = documents.map((text, index) => ({ index, score: scoreOf(text, this.options.scoreMarker) }));
    if (fault?.kind !== 'ignore-top-n') {
      scored.sort((a, b) => b.score - a.score);
      if (topN !== undefined && this.format !== 'TEI' && this.format !== 'NVIDIA_NIM') scored = scored.slice(0, topN);
    }
    if (fault?.kind === 'wrong-indices') scored[0] = { ...scored[0]!, index: documents.length + 5 };
    if (fault?.kind === 'duplicate-indices') scored.push({ ...scored[0]! });
    const rows = scored.map(({ index, score }) => ({ index, score: fault?.kind === 'non-numeric-score' ? 'high' : score }));
    send(200, this.withoutUsageUnlessReported(this.render(rows, documents.length)));
  }

  private withoutUsageUnlessReported(answer: unknown): unknown {
    if (this.options.reportsUsage !== false || typeof answer !== 'object' || answer === null || Array.isArray(answer)) return answer;
    const { usage: _usage, meta: _meta, ...rest } = answer as Record<string, unknown>;
    return rest;
  }

  /** The texts to score: TEI's `texts`, the text of NIM's passages and Pinecone's documents, Mixedbread's `input`. */
  private documentsOf(body: Record<string, unknown>): unknown {
    const texts = (list: unknown) => (list as Array<{ text: string }>).map((item) => item.text);
    switch (this.format) {
      case 'TEI':
        return body.texts;
      case 'NVIDIA_NIM':
        return texts(body.passages);
      case 'PINECONE':
        return texts(body.documents);
      case 'MIXEDBREAD':
        return body.input;
      default:
        return body.documents;
    }
  }

  /** Checks of the request's shape (and Pinecone's key) before the documents are read, answered as each service does. */
  private validateWire(body: Record<string, unknown>, headers: IncomingHttpHeaders): { status: number; body: unknown } | undefined {
    if (this.format === 'NVIDIA_NIM') return nimRequestError(body);
    if (this.format === 'PINECONE') return pineconeRequestError(body, headers);
    if (this.format === 'DEEPINFRA') return deepInfraRequestError(body);
    if (this.format === 'MIXEDBREAD' && !Array.isArray(body.input)) return { status: 422, body: { detail: [{ loc: ['body', 'input'], msg: 'Field required', type: 'missing' }] } };
    return undefined;
  }

  private validate(body: Record<string, unknown>, documents: unknown): { status: number; body: unknown } | undefined {
    if (!Array.isArray(documents) || documents.some((d) => typeof d !== 'string')) {
      return { status: 422, body: { detail: 'documents must be strings' } };
    }
    if (this.format === 'TEI' && documents.length > TEI_MAX_BATCH) {
      return { status: 422, body: { error: `batch size ${documents.length} > maximum allowed batch size ${TEI_MAX_BATCH}`, error_type: 'Validation' } };
    }
    if (this.format === 'COHERE') {
      const unknown = Object.keys(body).find((key) => !COHERE_V2_FIELDS.has(key));
      if (unknown) return { status: 422, body: { message: `invalid request: unknown field ${unknown}` } };
    }
    if (this.format === 'VOYAGE' && 'top_n' in body) return { status: 400, body: { detail: 'unknown field top_n' } };
    if (this.format === 'VLLM') return this.vllmLengthError(body, documents);
    if (this.format === 'LLAMA_CPP') return this.llamaCppBatchError(body, documents);
    if (this.format === 'NVIDIA_NIM' && body.truncate === 'NONE') return this.nimLengthError(body, documents);
    return undefined;
  }

  /** NIM with truncate NONE: a pair over the model's length fails the request. */
  private nimLengthError(body: Record<string, unknown>, documents: string[]): { status: number; body: unknown } | undefined {
    const maxLength = this.options.maxInputTokens ?? DEFAULT_MAX_INPUT_TOKENS;
    const query = (body.query as { text: string }).text;
    const longest = Math.max(...documents.map((document) => fakeTokens(query) + fakeTokens(document)));
    if (longest <= maxLength) return undefined;
    return { status: 400, body: { object: 'error', message: `Input length ${longest} exceeds maximum allowed token size ${maxLength}`, type: 'invalid_request_error' } };
  }

  /** vLLM: a pair over max_model_len is a 400 unless truncate_prompt_tokens asks to truncate. */
  private vllmLengthError(body: Record<string, unknown>, documents: string[]): { status: number; body: unknown } | undefined {
    const maxLength = this.options.maxInputTokens ?? DEFAULT_MAX_INPUT_TOKENS;
    const truncate = body.truncate_prompt_tokens;
    if (typeof truncate === 'number' && truncate > maxLength) {
      return this.vllmError(`truncate_prompt_tokens value (${truncate}) is greater than max_model_len (${maxLength}). Please request a smaller truncation size.`);
    }
    if (typeof truncate === 'number') return undefined;
    const longest = Math.max(...documents.map((document) => fakeTokens(String(body.query)) + fakeTokens(document)));
    if (longest <= maxLength) return undefined;
    return this.vllmError(
      `This model's maximum context length is ${maxLength} tokens. However, you requested ${longest} tokens in the input for scoring. Please reduce the length of the input.`,
    );
  }

  private vllmError(message: string): { status: number; body: unknown } {
    const error = { message, type: 'BadRequestError', param: null, code: 400 };
    return { status: 400, body: this.options.errorStyle === 'flat' ? { object: 'error', ...error } : { error } };
  }

  /** llama.cpp cannot truncate: a pair over the physical batch fails the whole request with a 500. */
  private llamaCppBatchError(body: Record<string, unknown>, documents: string[]): { status: number; body: unknown } | undefined {
    const batch = this.options.maxInputTokens ?? DEFAULT_MAX_INPUT_TOKENS;
    const tooLarge = documents.map((document) => fakeTokens(String(body.query)) + fakeTokens(document)).find((tokens) => tokens > batch);
    if (tooLarge === undefined) return undefined;
    const message = `input (${tooLarge} tokens) is too large to process. increase the physical batch size (current batch size: ${batch})`;
    return { status: 500, body: { error: { code: 500, message, type: 'server_error' } } };
  }

  /** Each provider's answer shape; Jina and vLLM echo a document we must never trust. */
  private render(rows: Array<{ index: number; score: unknown }>, documentCount: number): unknown {
    const results = rows.map(({ index, score }) => ({ index, relevance_score: score }));
    switch (this.format) {
      case 'COHERE':
        return { id: 'fake', results, meta: { billed_units: { search_units: Math.ceil(documentCount / 100) } } };
      case 'JINA':
        return { model: 'fake', usage: { total_tokens: 10 }, results: results.map((r) => ({ ...r, document: { text: 'UNTRUSTED' } })) };
      case 'VOYAGE':
        return { object: 'list', data: results, model: 'fake', usage: { total_tokens: 10 } };
      case 'TEI':
        return rows.map(({ index, score }) => ({ index, score }));
      case 'VLLM':
        return { id: 'fake', model: 'fake', usage: { total_tokens: 10 }, results: results.map((r) => ({ ...r, document: { text: 'UNTRUSTED' } })) };
      case 'LLAMA_CPP':
        return { model: 'fake', object: 'list', usage: { prompt_tokens: 10, total_tokens: 10 }, results };
      case 'OPENAI':
        return { data: rows.map(({ index, score }) => ({ index, score })) };
      case 'NVIDIA_NIM':
        return { rankings: rows.map(({ index, score }) => ({ index, logit: score })) };
      case 'PINECONE':
        return { model: 'fake', data: rows.map(({ index, score }) => ({ index, score })), usage: { rerank_units: 1 } };
      case 'MIXEDBREAD':
        return { object: 'list', model: 'fake', data: rows.map(({ index, score }) => ({ index, score, object: 'rank_result' })), usage: { prompt_tokens: 10, total_tokens: 10 }, return_input: false };
      case 'DEEPINFRA':
        return {
          scores: [...rows].sort((a, b) => a.index - b.index).map(({ score }) => score),
          input_tokens: 10,
          request_id: null,
          inference_status: { status: 'succeeded', runtime_ms: 1, cost: 0, tokens_generated: 0, tokens_input: 10, output_length: 0 },
        };
      // Infinity's ReRankResult (libs/infinity_emb/infinity_emb/fastapi_schemas/pymodels.py); LiteLLM's infinity/rerank reads `results`.
      case 'INFINITY':
        return { object: 'rerank', id: 'fake', created: 0, model: 'fake', usage: { prompt_tokens: 10, total_tokens: 10 }, results: results.map((r) => ({ ...r, document: null })) };
      // docs.siliconflow.com/en/api-reference/rerank/create-rerank: `{id, results: [{document?, index, relevance_score}], tokens}`.
      case 'SILICONFLOW':
        return { id: 'fake', results, tokens: { input_tokens: 10, output_tokens: 0 } };
    }
  }
}

/** Writes chunks until the client goes away: back to back (on drain), or one per interval. */
function streamForever(res: import('node:http').ServerResponse, chunk: string, intervalMs?: number): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"results": [], "padding": "');
  let open = true;
  res.on('close', () => (open = false));
  const pump = (): void => {
    if (!open) return;
    if (intervalMs !== undefined) {
      res.write(chunk);
      setTimeout(pump, intervalMs);
      return;
    }
    while (open && res.write(chunk));
    if (open) res.once('drain', pump);
  };
  pump();
}

/** `score=<number>` inside the text, else a stable pseudo-score in [0, 0.5). */
export function scoreOf(text: string, marker = 'score'): number {
  const marked = new RegExp(`\\b${marker}=(-?\\d+(?:\\.\\d+)?)`).exec(text);
  if (marked) return Number(marked[1]);
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return (hash % 1000) / 2000;
}

/** NIM's request checks: `query: {text}`, `passages: [{text}]` (at most 512), `truncate` END or NONE. */
function nimRequestError(body: Record<string, unknown>): { status: number; body: unknown } | undefined {
  const invalid = (message: string) => ({ status: 422, body: { object: 'error', message, type: 'invalid_request_error' } });
  const query = body.query as { text?: unknown } | undefined;
  if (typeof query !== 'object' || query === null || typeof query.text !== 'string') return invalid('query.text: Field required');
  const passages = body.passages;
  if (!Array.isArray(passages) || passages.some((p: { text?: unknown }) => typeof p !== 'object' || p === null || typeof p.text !== 'string')) {
    return invalid('passages: each passage needs a text');
  }
  if (passages.length > NIM_MAX_PASSAGES) return invalid(`passages: at most ${NIM_MAX_PASSAGES} passages per request`);
  if (body.truncate !== undefined && !NIM_TRUNCATE_MODES.has(body.truncate as string)) return invalid("truncate: Input should be 'NONE' or 'END'");
  return undefined;
}

/** Pinecone: `Api-Key` (401 UNAUTHENTICATED otherwise), documents as objects with the ranked `text` field (400 INVALID_ARGUMENT). */
function pineconeRequestError(body: Record<string, unknown>, headers: IncomingHttpHeaders): { status: number; body: unknown } | undefined {
  const error = (status: number, code: string, message: string) => ({ status, body: { error: { code, message }, status } });
  if (headers['api-key'] !== FakeUpstream.PINECONE_KEY) return error(401, 'UNAUTHENTICATED', 'Invalid API key.');
  const documents = body.documents;
  if (!Array.isArray(documents) || documents.some((d: { text?: unknown }) => typeof d !== 'object' || d === null || typeof d.text !== 'string')) {
    return error(400, 'INVALID_ARGUMENT', 'Bad request. The request body included invalid request parameters.');
  }
  if (documents.length > PINECONE_MAX_DOCUMENTS) {
    return error(400, 'INVALID_ARGUMENT', `Request contains ${documents.length} documents; the maximum for this model is ${PINECONE_MAX_DOCUMENTS}.`);
  }
  return undefined;
}

/** DeepInfra: `queries` and `documents`, lists of strings of the same length (its error shape: `{detail: {error}}`). */
function deepInfraRequestError(body: Record<string, unknown>): { status: number; body: unknown } | undefined {
  const invalid = (error: string) => ({ status: 422, body: { detail: { error } } });
  const strings = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string');
  if (!strings(body.queries) || !strings(body.documents)) return invalid('queries and documents must be lists of strings');
  if ((body.queries as string[]).length !== (body.documents as string[]).length) return invalid('queries and documents must have the same length');
  return undefined;
}
