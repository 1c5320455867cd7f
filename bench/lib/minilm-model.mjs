// A cross-encoder with the shapes of ms-marco-MiniLM-L-6-v2 (BERT: 6 layers, hidden 384,
// 12 heads, feed-forward 1536, 512 positions, 30,522 tokens) and random weights, in the
// Hugging Face layout transformers.js reads: the compute of the real model, no download.
// The tokenizer is a WordLevel one over generated words (one token per word), so the
// bench's documents have known token counts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const LAYERS = 6;
const HIDDEN = 384;
const HEADS = 12;
const FEED_FORWARD = 1536;
const POSITIONS = 512;
const VOCABULARY = 30_522;
const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];

/** The words of the tokenizer's vocabulary (after the special tokens). */
export const benchWord = (index) => `w${index}`;
export const BENCH_WORDS = VOCABULARY - SPECIAL.length;

export function writeMiniLmShapedModel(modelsDir, id) {
  const folder = join(modelsDir, id);
  mkdirSync(join(folder, 'onnx'), { recursive: true });
  const vocab = Object.fromEntries([...SPECIAL, ...Array.from({ length: BENCH_WORDS }, (_, i) => benchWord(i))].map((token, id) => [token, id]));
  const json = (file, value) => writeFileSync(join(folder, file), JSON.stringify(value));
  json('config.json', { model_type: 'bert', architectures: ['BertForSequenceClassification'], id2label: { 0: 'LABEL_0' }, max_position_embeddings: POSITIONS, hidden_size: HIDDEN, num_hidden_layers: LAYERS });
  json('tokenizer_config.json', { tokenizer_class: 'BertTokenizer', model_max_length: POSITIONS, cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]' });
  json('tokenizer.json', {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
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
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
    },
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
  });
  writeFileSync(join(folder, 'onnx', 'model.onnx'), graph());
  return folder;
}

function graph() {
  const { FLOAT, INT64 } = onnx.TensorProto.DataType;
  const { INT, INTS, FLOAT: FLOAT_ATTR } = onnx.AttributeProto.AttributeType;
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.08;
  const initializer = [];
  const weights = (name, dims, fill = random) => {
    const values = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = fill();
    initializer.push({ name, dataType: FLOAT, dims, rawData: new Uint8Array(values.buffer) });
    return name;
  };
  const ints = (name, values) => (initializer.push({ name, dataType: INT64, dims: [values.length], int64Data: values }), name);
  const intScalar = (name, value) => (initializer.push({ name, dataType: INT64, dims: [], int64Data: [value] }), name);
  const scalar = (name, value) => (initializer.push({ name, dataType: FLOAT, dims: [], floatData: [value] }), name);
  const nodes = [];
  let counter = 0;
  const op = (opType, inputs, attribute = []) => {
    const output = `${opType.toLowerCase()}_${counter++}`;
    nodes.push({ opType, input: inputs, output: [output], name: output, attribute });
    return output;
  };
  const linear = (x, name, inSize, outSize) => op('Add', [op('MatMul', [x, weights(`${name}.weight`, [inSize, outSize])]), weights(`${name}.bias`, [outSize], () => 0)]);
  const layerNorm = (x, name) =>
    op('LayerNormalization', [x, weights(`${name}.gamma`, [HIDDEN], () => 1), weights(`${name}.beta`, [HIDDEN], () => 0)], [
      { name: 'axis', type: INT, i: -1 },
      { name: 'epsilon', type: FLOAT_ATTR, f: 1e-12 },
    ]);
  const perm = (values) => [{ name: 'perm', type: INTS, ints: values }];
  const headShape = ints('head_shape', [0, 0, HEADS, HIDDEN / HEADS]);
  const hiddenShape = ints('hidden_shape', [0, 0, HIDDEN]);

  // Gather with a 0-d index gives a 0-d result: the sequence length, then Range over it.
  const sequence = op('Gather', [op('Shape', ['input_ids']), intScalar('one_index', 1)]);
  const range = op('Range', [intScalar('zero', 0), sequence, intScalar('step', 1)]);
  let x = op('Add', [
    op('Add', [op('Gather', [weights('word_embeddings', [VOCABULARY, HIDDEN]), 'input_ids']), op('Gather', [weights('position_embeddings', [POSITIONS, HIDDEN]), range])]),
    op('Gather', [weights('token_type_embeddings', [2, HIDDEN]), 'token_type_ids']),
  ]);
  x = layerNorm(x, 'embeddings');
  const maskFloat = op('Cast', ['attention_mask'], [{ name: 'to', type: INT, i: FLOAT }]);
  const extended = op('Unsqueeze', [op('Mul', [op('Sub', [scalar('one', 1), maskFloat]), scalar('minus_large', -10_000)]), ints('mask_axes', [1, 2])]);
  const scale = scalar('scale', 1 / Math.sqrt(HIDDEN / HEADS));
  for (let layer = 0; layer < LAYERS; layer++) {
    const name = `layer${layer}`;
    const heads = (which, permutation) => op('Transpose', [op('Reshape', [linear(x, `${name}.${which}`, HIDDEN, HIDDEN), headShape])], perm(permutation));
    const q = heads('query', [0, 2, 1, 3]);
    const k = heads('key', [0, 2, 3, 1]);
    const v = heads('value', [0, 2, 1, 3]);
    const probabilities = op('Softmax', [op('Add', [op('Mul', [op('MatMul', [q, k]), scale]), extended])], [{ name: 'axis', type: INT, i: -1 }]);
    const context = op('Reshape', [op('Transpose', [op('MatMul', [probabilities, v])], perm([0, 2, 1, 3])), hiddenShape]);
    x = layerNorm(op('Add', [x, linear(context, `${name}.attention_output`, HIDDEN, HIDDEN)]), `${name}.attention_norm`);
    const h = linear(x, `${name}.intermediate`, HIDDEN, FEED_FORWARD);
    const gelu = op('Mul', [op('Mul', [h, scalar(`${name}.half`, 0.5)]), op('Add', [op('Erf', [op('Mul', [h, scalar(`${name}.rsqrt2`, Math.SQRT1_2)])]), scalar(`${name}.one`, 1)])]);
    x = layerNorm(op('Add', [x, linear(gelu, `${name}.output`, FEED_FORWARD, HIDDEN)]), `${name}.output_norm`);
  }
  const cls = op('Gather', [x, intScalar('cls_index', 0)], [{ name: 'axis', type: INT, i: 1 }]);
  const pooled = op('Tanh', [linear(cls, 'pooler', HIDDEN, HIDDEN)]);
  const logits = linear(pooled, 'classifier', HIDDEN, 1);
  nodes.push({ opType: 'Identity', input: [logits], output: ['logits'], name: 'logits' });
  const tensor = (name, elemType, dims) => ({ name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'reranker-registry bench',
    graph: {
      name: 'minilm-l6-shaped',
      input: ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => tensor(name, INT64, ['batch', 'sequence'])),
      output: [tensor('logits', FLOAT, ['batch', 1])],
      initializer,
      node: nodes,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
