import pino from 'pino';
import { AppConfig } from '../../config/app-config.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { BuiltinRankers } from './builtin-rankers.js';
import { ModelStore } from './model-store.js';
import { onnxFile } from './worker-protocol.js';

/**
 * `npm run models:pull -- <id>`: fetches a LOCAL model from MODELS_HUB_URL into MODELS_DIR
 * ahead of time (whatever MODELS_ALLOW_DOWNLOAD says: this is the operator's explicit act),
 * then loads it as the service would, so an air-gapped server can be stocked beforehand.
 */
async function main(): Promise<void> {
  const id = process.argv[2];
  if (!id || process.argv.length > 3) {
    console.error('Usage: npm run models:pull -- <owner/name>   (a Hugging Face id, e.g. Xenova/ms-marco-MiniLM-L-6-v2)');
    process.exit(64);
  }
  const config = AppConfig.fromEnv();
  const store = new ModelStore(config.builtin.models);
  const ref = await store.pull(id);
  console.log(`Model ${id} is in ${store.folderOf(id)} (${onnxFile(ref.dtype)})`);
  const rankers = new BuiltinRankers(config, new MetricsService(), pino({ level: 'silent' }));
  try {
    await rankers.checkModel(id);
    console.log(`Model ${id} loads: LOCAL rerankers may use it`);
  } finally {
    await rankers.onModuleDestroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
