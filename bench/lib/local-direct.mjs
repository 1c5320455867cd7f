// The baseline of bench/local.mjs: the same model and calls run directly by transformers.js
// in this plain script (no service, no worker), as its README shows. Prints one JSON line.
//   node bench/lib/local-direct.mjs <modelsDir> <modelId> <calls.json>
import { readFileSync } from 'node:fs';
import { env, AutoModelForSequenceClassification, AutoTokenizer } from '@huggingface/transformers';

const [modelsDir, id, callsFile] = process.argv.slice(2);
const { query, shapes } = JSON.parse(readFileSync(callsFile, 'utf8'));
env.allowRemoteModels = false;
env.localModelPath = `${modelsDir}/`;
const tokenizer = await AutoTokenizer.from_pretrained(id);
const model = await AutoModelForSequenceClassification.from_pretrained(id, { dtype: 'fp32' });
const results = {};
for (const { name, documents, calls, warmup } of shapes) {
  const latencies = [];
  for (let call = 0; call < warmup + calls; call++) {
    const started = performance.now();
    const inputs = tokenizer(new Array(documents.length).fill(query), { text_pair: documents, padding: true, truncation: true });
    await model(inputs);
    if (call >= warmup) latencies.push(performance.now() - started);
  }
  results[name] = latencies;
}
console.log(JSON.stringify(results));
