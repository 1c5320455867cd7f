import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

/**
 * The lint rule that keeps the floors of design.md (eslint/import-floors.mjs), run through
 * the project's own ESLint configuration on files that do not exist, at real paths.
 */
describe('the import-floors lint rule', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const eslint = new ESLint({ cwd: root });

  async function problems(path: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
    return result!.messages.filter((message) => message.ruleId === 'floors/import-floors').map((message) => message.message);
  }

  it('fails an import that goes up a floor', async () => {
    expect(await problems('src/config/fixture.ts', "import { RerankService } from '../rerank/rerank.service.js';\nexport const x = RerankService;\n")).toEqual([
      'config/ (floor 1) may not import rerank/ (floor 5): imports only go down the floors (README, Layout)',
    ]);
  });

  it('fails an import between folders of one floor that closes a cycle', async () => {
    // credentials/ already imports auth/ (the Principal), so auth/ may not import credentials/.
    const found = await problems('src/auth/fixture.ts', "import { CredentialPolicy } from '../credentials/credential-policy.js';\nexport const x = CredentialPolicy;\n");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^This import of credentials\/ from auth\/ closes a cycle between folders \(auth -> credentials -> .*auth\)$/);
  });

  it('fails a folder that is on no floor', async () => {
    expect(await problems('src/plugins/fixture.ts', "import { AppConfig } from '../config/app-config.js';\nexport const x = AppConfig;\n")).toEqual([
      "plugins/ is on no floor: add it to eslint/import-floors.mjs and the README's Layout, or move it",
    ]);
  });

  it('passes imports that go down, within a folder, or to packages', async () => {
    const code = [
      "import { Injectable } from '@nestjs/common';",
      "import { AppConfig } from '../config/app-config.js';",
      "import { RerankersService } from '../rerankers/rerankers.service.js';",
      "import { RerankTargets } from './rerank-targets.js';",
      'export const x = [Injectable, AppConfig, RerankersService, RerankTargets];',
      '',
    ].join('\n');
    expect(await problems('src/rerank/fixture.ts', code)).toEqual([]);
  });

  it('passes on the tree as it is (npm run lint runs it on every file)', async () => {
    const results = await eslint.lintFiles(['src/**/*.ts']);
    const found = results.flatMap((result) => result.messages.filter((message) => message.ruleId === 'floors/import-floors').map((message) => `${result.filePath}: ${message.message}`));
    expect(found).toEqual([]);
  });
});
