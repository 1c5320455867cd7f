import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node, type ParsedNode } from 'yaml';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/** Where a document came from, for messages that name file, document and field. */
export interface ManifestSource {
  file: string;
  /** 1-based, counting every document of the file (a top-level list counts each item). */
  document: number;
}

export interface RawDocument {
  source: ManifestSource;
  value: unknown;
  /** The line of a field of this document, when the file has lines to point at. */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
}

/** One problem in the manifests, located. */
export interface ManifestProblem {
  source: ManifestSource;
  field?: string;
  line?: number;
  message: string;
}

export function describeProblem(problem: ManifestProblem): string {
  const where = `${problem.source.file}, document ${problem.source.document}${problem.line ? ` (line ${problem.line})` : ''}`;
  return `${where}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}`;
}

/** Manifests that cannot be applied: every problem found, before anything was sent. */
export class ManifestError extends UsageError {
  constructor(readonly problems: readonly ManifestProblem[]) {
    super(`the manifests have ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was changed:\n${problems.map((p) => `  ${describeProblem(p)}`).join('\n')}`);
  }
}

/** Reads `-f` arguments: files, directories (their .yaml, .yml and .json files, sorted) and `-` (stdin). */
export async function loadManifests(ctx: CliContext, paths: readonly string[], recursive: boolean): Promise<RawDocument[]> {
  if (paths.length === 0) throw new UsageError('give the manifests with -f FILE|DIR|- (repeatable)');
  const documents: RawDocument[] = [];
  for (const path of paths) {
    if (path === '-') {
      documents.push(...parseManifest(await ctx.stdin.read('the manifests', MAX_MANIFEST_BYTES), 'stdin'));
      continue;
    }
    for (const file of await manifestFiles(path, recursive)) {
      const info = await stat(file);
      if (info.size > MAX_MANIFEST_BYTES) throw new UsageError(`${file} is larger than ${MAX_MANIFEST_BYTES} bytes`);
      documents.push(...parseManifest(await readFile(file, 'utf8'), file));
    }
  }
  return documents;
}

async function manifestFiles(path: string, recursive: boolean): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UsageError(`${path} does not exist`);
  }
  if (!info.isDirectory()) return [path];
  const files: string[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(path, entry.name);
    if (entry.isDirectory() && recursive) files.push(...(await manifestFiles(full, recursive)));
    else if (entry.isFile() && MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) files.push(full);
  }
  return files;
}

/**
 * YAML documents (JSON is YAML too), each a manifest; a document that is a list holds one
 * manifest per item (a JSON array, or `kubectl`-style lists). Empty documents are skipped.
 */
export function parseManifest(text: string, file: string): RawDocument[] {
  const lines = new LineCounter();
  // prettyErrors would quote the offending source line, which may hold a secret: the line number is enough.
  const parsed = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: false });
  const docs = Array.isArray(parsed) ? parsed : [];
  const documents: RawDocument[] = [];
  const lineAt = (node: Node | null | undefined): number | undefined => (node?.range ? lines.linePos(node.range[0]).line : undefined);
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const line = lines.linePos(error.pos[0]).line;
      throw new ManifestError([{ source: { file, document: documents.length + 1 }, ...(line ? { line } : {}), message: `not valid YAML or JSON: ${error.message.split('\n')[0]}` }]);
    }
    const contents = doc.contents;
    if (contents === null) continue;
    const items: Node[] = isSeq(contents) ? (contents.items as Node[]) : [contents as Node];
    for (const item of items) {
      const source = { file, document: documents.length + 1 };
      let value: unknown;
      try {
        value = (item as ParsedNode).toJS(doc, { maxAliasCount: 100 });
      } catch (cause) {
        throw new ManifestError([{ source, line: lineAt(item), message: (cause as Error).message }]);
      }
      documents.push({
        source,
        value,
        lineOf: (path) => {
          if (!isMap(item)) return lineAt(item);
          for (let depth = path.length; depth > 0; depth--) {
            const node = item.getIn(path.slice(0, depth), true) as Node | undefined;
            const line = lineAt(node);
            if (line !== undefined) return line;
          }
          return lineAt(item);
        },
      });
    }
  }
  return documents;
}
