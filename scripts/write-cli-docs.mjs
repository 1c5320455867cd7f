// Writes what docs/ publishes of rrctl from the built CLI: the reference of every command in
// docs/cli.md (the same help texts as `rrctl help --all`) and the manifests' JSON Schema in
// docs/rrctl-manifest.schema.json. src/cli/cli-docs.spec.ts fails when either is stale.
// Run after a build: npm run docs:cli.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { buildProgram } = await import(join(root, 'dist/cli/cli.js'));
const { referenceMarkdown, withReference } = await import(join(root, 'dist/cli/commands/help.js'));
const { MANIFEST_SCHEMA } = await import(join(root, 'dist/cli/manifest/schema.js'));

const silent = { write: () => true };
const program = buildProgram({ io: { stdout: silent, stderr: silent, stdin: [], env: {}, homeDir: root }, exitCode: 0 });
const docs = join(root, 'docs/cli.md');
writeFileSync(docs, withReference(readFileSync(docs, 'utf8'), referenceMarkdown(program)));
writeFileSync(join(root, 'docs/rrctl-manifest.schema.json'), `${JSON.stringify(MANIFEST_SCHEMA, null, 2)}\n`);
console.log('wrote docs/cli.md (reference) and docs/rrctl-manifest.schema.json');
