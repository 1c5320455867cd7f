/**
 * A worker thread of the built-in rankers: one task at a time from the pool, answered with
 * scores or a failure (never a thrown error, which would end the thread and everything it
 * has loaded).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { bm25Scores, lexicalWork, queryTermsOf } from './lexical-ranker.js';
import { LocalModels, ModelFailure, EngineMissing } from './local-models.js';
import type { WorkerReply, WorkerRequest, WorkerSettings, WorkerTask } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('rank-worker runs in a worker thread of the built-in rankers pool');
const models = new LocalModels(workerData as WorkerSettings);

port.on('message', ({ id, task }: WorkerRequest) => {
  void perform(task).then((reply) => port.postMessage({ id, reply }));
});

async function perform(task: WorkerTask): Promise<WorkerReply> {
  try {
    switch (task.op) {
      case 'lexical':
        return rankLexical(task);
      case 'local': {
        const ranked = await models.rank(task.model, task.query, task.documents, task.maxTokens);
        return { ok: true, ...ranked, work: ranked.tokens };
      }
      case 'check': {
        const loadedModel = await models.check(task.model);
        return { ok: true, scores: [], tokens: 0, batches: 0, work: 0, loadedModel };
      }
    }
  } catch (error) {
    if (error instanceof ModelFailure) return { ok: false, kind: 'model', message: error.message, details: { file: error.file }, retire: error.poisoned };
    if (error instanceof EngineMissing) return { ok: false, kind: 'engine', message: error.message };
    return { ok: false, kind: 'internal', message: error instanceof Error ? error.message : String(error) };
  }
}

function rankLexical(task: Extract<WorkerTask, { op: 'lexical' }>): WorkerReply {
  const terms = queryTermsOf(task.query);
  const work = lexicalWork(terms, task.documents.length);
  if (work > task.maxWork) {
    return {
      ok: false,
      kind: 'too-much-work',
      message: `LEXICAL ranking of ${terms.size} distinct query terms x ${task.documents.length} documents (${work}) exceeds LEXICAL_MAX_WORK (${task.maxWork}): shorten the query or send fewer documents`,
      details: { limit: 'LEXICAL_MAX_WORK', work, maxWork: task.maxWork, queryTerms: terms.size, documents: task.documents.length },
    };
  }
  const scores = bm25Scores(terms, task.documents, { k1: task.k1, b: task.b });
  return { ok: true, scores, tokens: 0, batches: 1, work, loadedModel: false };
}
