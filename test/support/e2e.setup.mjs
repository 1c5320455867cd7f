import compileBuiltinWorker from './builtin-worker.setup.mjs';
import createTemplates from './database-templates.setup.mjs';

/** The e2e project's global setup: the built-in rankers' worker compiled, then the run's template databases. */
export default async function e2eSetup() {
  compileBuiltinWorker();
  await createTemplates();
}
