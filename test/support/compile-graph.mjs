/**
 * Compiles modules of src/ and every module they import, relative import by relative import,
 * into dist/ with the build's compiler options: each file transpiled alone (the build sets
 * isolatedModules, so the output is the same as tsc's), a fraction of a second where a checked
 * build takes many. For what must run as compiled JavaScript in tests: worker threads, and the
 * service as a process of its own.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function compileModuleGraph(entries) {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error('tsconfig.build.json cannot be read');
  const { rootDir, outDir } = config.options;
  const pending = [...entries];
  const seen = new Set(pending);
  for (let file = pending.pop(); file; file = pending.pop()) {
    const source = readFileSync(file, 'utf8');
    // The package is "type": "module", which tsc reads and a lone file cannot: say ESM outright.
    const compilerOptions = { ...config.options, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler };
    const { outputText, sourceMapText } = ts.transpileModule(source, { compilerOptions, fileName: file });
    const target = join(outDir, relative(rootDir, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
    if (sourceMapText) writeFileSync(`${target}.map`, sourceMapText);
    for (const { fileName } of ts.preProcessFile(source, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const imported = resolve(dirname(file), fileName).replace(/\.js$/, '.ts');
      if (!seen.has(imported)) {
        seen.add(imported);
        pending.push(imported);
      }
    }
  }
}
