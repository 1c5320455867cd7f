import { tsImport } from 'tsx/esm/api';

/**
 * jest globalSetup: the run's template databases (empty and migrated), which each e2e file
 * copies. Jest loads this hook outside its module system (no `.js` -> `.ts` mapping), so tsx
 * loads the TypeScript.
 */
export default async function globalSetup() {
  const { createTemplates } = await tsImport('./test-database.ts', import.meta.url);
  // globalSetup and globalTeardown run in the same process and share its globalThis.
  globalThis.rrRemoveTestTemplates = await createTemplates();
}
