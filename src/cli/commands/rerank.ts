import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { ok, type Operations } from '../api.js';
import { action, collect, examples, integer, type CliRuntime } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { outputFormat, printDocument, renderTable } from '../output.js';
import { rerankerId } from '../resolve.js';

type Document = string | Record<string, unknown>;
type RerankBody = Operations['RerankController_execute']['requestBody']['content']['application/json'];
const MAX_INPUT_BYTES = 32 * 1024 * 1024;

interface RerankOptions {
  reranker?: string;
  alias?: string;
  owner?: string;
  query?: string;
  queryFile?: string;
  document?: string[];
  documentsFile?: string;
  topN?: number;
  output?: string;
  quiet?: boolean;
}

export function rerankCommand(runtime: CliRuntime): Command {
  return examples(
    new Command('rerank')
      .description('rank documents against a query through a reranker or an alias; prints the ranking')
      .option('--reranker <reranker>', 'the reranker, by id or name')
      .option('--alias <name>', 'or the alias')
      .option('--owner <userId>', 'the owner, when reranker names repeat across owners')
      .option('-q, --query <text>', 'the query')
      .option('--query-file <path>', 'read the query from a file (- for stdin)')
      .option('-d, --document <text>', 'a document (repeatable, in order)', collect)
      .option('--documents-file <path>', 'documents from a file (- for stdin): a JSON array, or one per line')
      .option('--top-n <n>', 'keep the n best', integer(1, 1_000_000))
      .option('-o, --output <format>', 'table|json|yaml (default: table on a terminal, json when piped)')
      .option('--quiet', 'print only the document indexes, best first'),
    [
      'rrctl rerank --alias rerank-english -q "how do I rotate keys?" -d "Rotate keys with secrets:rotate." -d "Labels are pairs."',
      'cat docs.txt | rrctl rerank --reranker cohere -q "rotate keys" --documents-file - --top-n 3',
    ],
  ).action(action(runtime, (ctx, _args, o: RerankOptions) => rerank(ctx, o)));
}

async function rerank(ctx: CliContext, o: RerankOptions): Promise<void> {
  if ((o.reranker === undefined) === (o.alias === undefined)) throw new UsageError('give one of --reranker or --alias');
  const format = outputFormat(ctx.io, o);
  if (format === 'name') throw new UsageError('rerank prints table, json or yaml');
  const query = await queryText(ctx, o);
  const documents = await documentList(ctx, o);
  const api = await ctx.api();
  const body = { query, documents, ...(o.topN !== undefined ? { topN: o.topN } : {}) } as RerankBody;
  const answer = o.alias !== undefined
    ? await ok(api.POST('/v1/aliases/{name}/rerank', { params: { path: { name: o.alias } }, body }))
    : await ok(api.POST('/v1/rerankers/{id}/rerank', { params: { path: { id: await rerankerId(api, o.reranker!, o.owner) } }, body }));
  if (o.quiet) return void ctx.io.stdout.write(answer.results.map((r) => `${r.index}\n`).join(''));
  if (format !== 'table') return printDocument(ctx.io, format, answer);
  const rows = answer.results.map((result, rank) => ({ rank: rank + 1, ...result, text: documentText(documents[result.index]) }));
  ctx.io.stdout.write(
    renderTable(
      ctx.io,
      [
        { header: 'RANK', value: (r) => r.rank },
        { header: 'INDEX', value: (r) => r.index },
        { header: 'SCORE', value: (r) => r.relevanceScore.toFixed(4) },
        { header: 'DOCUMENT', value: (r) => r.text, maxWidth: 80 },
      ],
      rows,
    ),
  );
  const { meta } = answer;
  ctx.note(`served by ${meta.servedBy} (${meta.providerType})${meta.degraded ? ', degraded: lexical last resort' : ''}; upstream ${meta.upstreamLatencyMs.toFixed(1)} ms`);
}

async function queryText(ctx: CliContext, o: RerankOptions): Promise<string> {
  if ((o.query === undefined) === (o.queryFile === undefined)) throw new UsageError('give one of --query or --query-file');
  const text = o.query ?? (await textFrom(ctx, o.queryFile!, 'the query'));
  if (text.trim() === '') throw new UsageError('the query is empty');
  return o.query ?? text.replace(/[\r\n]+$/, '');
}

async function documentList(ctx: CliContext, o: RerankOptions): Promise<Document[]> {
  if (o.document !== undefined && o.documentsFile !== undefined) throw new UsageError('give documents with --document or --documents-file, not both');
  if (o.document !== undefined) return o.document;
  if (o.documentsFile === undefined) throw new UsageError('give documents with --document (repeatable) or --documents-file');
  const text = await textFrom(ctx, o.documentsFile, 'the documents');
  const documents = parseDocuments(text, o.documentsFile);
  if (documents.length === 0) throw new UsageError(`${o.documentsFile === '-' ? 'stdin' : o.documentsFile} holds no documents`);
  return documents;
}

/** A JSON array (of strings or objects), or else one document per non-empty line. */
export function parseDocuments(text: string, source: string): Document[] {
  if (text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${source}: not valid JSON: ${(error as Error).message}`);
    }
    const valid = Array.isArray(parsed) && parsed.every((d) => typeof d === 'string' || (typeof d === 'object' && d !== null && !Array.isArray(d)));
    if (!valid) throw new UsageError(`${source}: a JSON array of strings or objects was expected`);
    return parsed as Document[];
  }
  return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}

function textFrom(ctx: CliContext, source: string, what: string): Promise<string> {
  return source === '-' ? ctx.stdin.read(what, MAX_INPUT_BYTES) : readFile(source, 'utf8').catch((error: Error) => {
    throw new UsageError(`cannot read ${source}: ${error.message}`);
  });
}

function documentText(document: Document | undefined): string {
  return typeof document === 'string' ? document : JSON.stringify(document);
}
