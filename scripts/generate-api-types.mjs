// The TypeScript types of the checked-in openapi.json, for the typed clients of the CLI and
// the console (openapi-fetch). Generated like the Prisma client, never edited by hand.
// Skipped where openapi-typescript is not installed (a production install without dev
// dependencies needs only the compiled output).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
let generator;
try {
  generator = await import('openapi-typescript');
} catch {
  console.log('openapi-typescript is not installed: API types not generated');
  process.exit(0);
}
const document = JSON.parse(readFileSync(join(root, 'openapi.json'), 'utf8'));
// A field with a default is optional in what clients send: without defaultNonNullable: false the
// request types would require every defaulted field (credentials' headerName, supportedModalities...).
const ast = await generator.default(document, { alphabetize: true, defaultNonNullable: false });
mkdirSync(join(root, 'src/generated'), { recursive: true });
writeFileSync(join(root, 'src/generated/openapi.ts'), `// Generated from openapi.json by scripts/generate-api-types.mjs. Do not edit.\n${generator.astToString(ast)}`);
console.log('wrote src/generated/openapi.ts');
