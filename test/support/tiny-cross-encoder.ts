/**
 * A tiny ONNX cross-encoder in the Hugging Face layout transformers.js reads (config.json,
 * tokenizer.json, tokenizer_config.json, onnx/model.onnx), for tests without the hub. Its
 * logit is the number of distinct query words present in the document, so the right order
 * and the exact scores are known. Built from a few standard ONNX ops with onnx-proto:
 *
 *   onehot[b,s,v]  = Cast(Equal(Unsqueeze(input_ids), 0..V-1))
 *   query[b,v]     = ReduceSum(onehot * (attention_mask - doc_mask)) over s   (doc_mask = attention_mask * token_type_ids)
 *   document[b,v]  = ReduceSum(onehot * doc_mask) over s
 *   logits[b,1]    = ReduceSum(Min(query, 1) * Min(document, 1) * is_word[v]) over v
 *
 * The tokenizer is a WordLevel one (whitespace words, lower-cased) with BERT's pair template
 * `[CLS] query [SEP] document [SEP]` and token types 0 then 1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;
/** The words the model knows; any other word is [UNK] and never matches. */
export const TINY_VOCABULARY = [
  'cat', 'dog', 'fish', 'bird', 'red', 'blue', 'green', 'apple', 'pear', 'sun', 'moon', 'star',
  'rain', 'snow', 'wind', 'river', 'stone', 'tree', 'house', 'road',
] as const;

export interface TinyModelOptions {
  /** model_max_length of tokenizer_config.json: pairs are truncated to it. */
  readonly maxLength?: number;
  /** Written as onnx/model_quantized.onnx instead of onnx/model.onnx. */
  readonly quantizedName?: boolean;
  /** config.json's labels (a reranker has exactly one). */
  readonly labels?: number;
}

/** The logit the tiny model gives a pair: distinct known query words found in the document. */
export function tinyLogit(query: string, document: string): number {
  const known = new Set<string>(TINY_VOCABULARY);
  const words = (text: string) => new Set(text.toLowerCase().split(/\s+/).filter((word) => known.has(word)));
  const documentWords = words(document);
  return [...words(query)].filter((word) => documentWords.has(word)).length;
}

/** The model's files, by path relative to its folder. */
export function tinyCrossEncoderFiles(options: TinyModelOptions = {}): Record<string, Buffer> {
  const labels = options.labels ?? 1;
  const vocab = Object.fromEntries([...SPECIAL_TOKENS, ...TINY_VOCABULARY].map((token, id) => [token, id]));
  const json = (value: unknown) => Buffer.from(JSON.stringify(value, null, 1));
  return {
    'config.json': json({
      model_type: 'bert',
      architectures: ['BertForSequenceClassification'],
      id2label: Object.fromEntries(Array.from({ length: labels }, (_, i) => [String(i), `LABEL_${i}`])),
      max_position_embeddings: 512,
    }),
    'tokenizer_config.json': json({
      tokenizer_class: 'BertTokenizer',
      model_max_length: options.maxLength ?? 512,
      do_lower_case: true,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
    }),
    'tokenizer.json': json({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: SPECIAL_TOKENS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
      normalizer: { type: 'Lowercase' },
      pre_tokenizer: { type: 'Whitespace' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
        pair: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
          { Sequence: { id: 'B', type_id: 1 } },
          { SpecialToken: { id: '[SEP]', type_id: 1 } },
        ],
        special_tokens: {
          '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
          '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
        },
      },
      decoder: null,
      model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
    }),
    [options.quantizedName ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx']: Buffer.from(tinyGraph()),
  };
}

/** Writes the model into `modelsDir/id`; returns its folder. */
export function writeTinyCrossEncoder(modelsDir: string, id: string, options: TinyModelOptions = {}): string {
  const folder = join(modelsDir, id);
  for (const [file, bytes] of Object.entries(tinyCrossEncoderFiles(options))) {
    mkdirSync(join(folder, file, '..'), { recursive: true });
    writeFileSync(join(folder, file), bytes);
  }
  return folder;
}

function tinyGraph(): Uint8Array {
  const size = SPECIAL_TOKENS.length + TINY_VOCABULARY.length;
  const { FLOAT, INT64 } = onnx.TensorProto.DataType;
  const { INT } = onnx.AttributeProto.AttributeType;
  const ints = (name: string, dims: number[], values: number[]) => ({ name, dataType: INT64, dims, int64Data: values });
  const floats = (name: string, dims: number[], values: number[]) => ({ name, dataType: FLOAT, dims, floatData: values });
  const input = (name: string, elemType: number, dims: (string | number)[]) => ({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  });
  const node = (opType: string, inputs: string[], output: string, attribute: object[] = []) => ({ opType, input: inputs, output: [output], name: output, attribute });
  const toFloat = [{ name: 'to', type: INT, i: FLOAT }];
  const keepdims = (value: number) => [{ name: 'keepdims', type: INT, i: value }];
  const graph = {
    name: 'tiny-cross-encoder',
    input: [input('input_ids', INT64, ['batch', 'sequence']), input('attention_mask', INT64, ['batch', 'sequence']), input('token_type_ids', INT64, ['batch', 'sequence'])],
    output: [input('logits', FLOAT, ['batch', 1])],
    initializer: [
      ints('vocabulary', [size], [...Array(size).keys()]),
      floats('is_word', [size], [...Array(size).keys()].map((id) => (id < SPECIAL_TOKENS.length ? 0 : 1))),
      floats('one', [], [1]),
      ints('last_axis', [1], [2]),
      ints('sequence_axis', [1], [1]),
    ],
    node: [
      node('Unsqueeze', ['input_ids', 'last_axis'], 'ids'),
      node('Equal', ['ids', 'vocabulary'], 'equal'),
      node('Cast', ['equal'], 'onehot', toFloat),
      node('Cast', ['attention_mask'], 'mask', toFloat),
      node('Cast', ['token_type_ids'], 'types', toFloat),
      node('Mul', ['mask', 'types'], 'document_mask'),
      node('Sub', ['mask', 'document_mask'], 'query_mask'),
      node('Unsqueeze', ['query_mask', 'last_axis'], 'query_weights'),
      node('Unsqueeze', ['document_mask', 'last_axis'], 'document_weights'),
      node('Mul', ['onehot', 'query_weights'], 'query_hot'),
      node('Mul', ['onehot', 'document_weights'], 'document_hot'),
      node('ReduceSum', ['query_hot', 'sequence_axis'], 'query_counts', keepdims(0)),
      node('ReduceSum', ['document_hot', 'sequence_axis'], 'document_counts', keepdims(0)),
      node('Min', ['query_counts', 'one'], 'in_query'),
      node('Min', ['document_counts', 'one'], 'in_document'),
      node('Mul', ['in_query', 'in_document'], 'in_both'),
      node('Mul', ['in_both', 'is_word'], 'matched'),
      node('ReduceSum', ['matched', 'sequence_axis'], 'logits', keepdims(1)),
    ],
  };
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], producerName: 'reranker-registry tests', graph });
  return onnx.ModelProto.encode(model).finish();
}
