import { readFileSync } from 'node:fs';
import { buildProgram } from './cli.js';
import { everyCommand, helpText, referenceMarkdown, withReference } from './commands/help.js';
import type { CliIo } from './io.js';
import { MANIFEST_SCHEMA } from './manifest/schema.js';
import { runCli } from './cli.js';

const silent = { write: () => true };
const io: CliIo = { stdout: silent, stderr: silent, stdin: [] as unknown as CliIo['stdin'], env: {}, homeDir: '/nonexistent' };
const doc = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the published CLI documentation', () => {
  it('docs/cli.md holds the help of every command, as rrctl help prints it (npm run docs:cli rewrites it)', () => {
    const markdown = doc('docs/cli.md');
    expect(withReference(markdown, referenceMarkdown(buildProgram({ io, exitCode: 0 })))).toBe(markdown);
  });

  it('rrctl help --all prints those same texts, and every command has a description', async () => {
    let printed = '';
    const code = await runCli(['help', '--all'], { ...io, stdout: { write: (text: string) => (printed += text) } });
    expect(code).toBe(0);
    for (const { path, command } of everyCommand(buildProgram({ io, exitCode: 0 }))) {
      expect(printed).toContain(`== ${path} ==\n\n${helpText(command)}`);
      expect(command.description()).not.toBe('');
    }
  });

  it('docs/rrctl-manifest.schema.json is the schema rrctl schema prints', () => {
    expect(JSON.parse(doc('docs/rrctl-manifest.schema.json'))).toEqual(JSON.parse(JSON.stringify(MANIFEST_SCHEMA)));
  });
});
