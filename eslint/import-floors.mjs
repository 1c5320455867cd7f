// The floors of design.md as a lint rule: an import inside src/ may only go down a floor,
// and may not close a cycle between top-level folders (two folders of one floor may meet
// one way only). Hand-written because eslint-plugin-boundaries checks element-to-element
// permissions but not cycles, and import-x/no-cycle sees file cycles, not folder cycles.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Bottom up; a folder imports only from its own floor (never in a cycle) or below. */
export const FLOORS = [
  ['generated'],
  ['config', 'common'],
  ['database', 'auth', 'providers', 'credentials', 'egress', 'metrics'],
  ['users', 'api-keys', 'audit', 'usage', 'limits', 'health'],
  ['rerankers', 'aliases', 'system'],
  ['rerank'],
  ['(src root)', 'cli'],
];
const floorOf = new Map(FLOORS.flatMap((names, floor) => names.map((name) => [name, floor])));
const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.[^'"]+)['"]/g;

function areaOf(root, file) {
  const parts = relative(root, file).split(sep);
  return parts.length === 1 ? '(src root)' : parts[0];
}

function targetOf(file, specifier) {
  return resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
}

/** Folder -> folders it imports, read from every file under src/ once per lint run. */
const graphs = new Map();
function folderGraph(root) {
  if (graphs.has(root)) return graphs.get(root);
  const graph = new Map();
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.ts')) addEdges(graph, root, path, readFileSync(path, 'utf8'));
    }
  };
  walk(root);
  graphs.set(root, graph);
  return graph;
}

function addEdges(graph, root, file, text) {
  const from = areaOf(root, file);
  for (const match of text.matchAll(IMPORT)) {
    const target = targetOf(file, match[1]);
    if (!target.startsWith(root + sep)) continue;
    const to = areaOf(root, target);
    if (to === from) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from).add(to);
  }
}

/** A folder path from `start` to `goal` in the graph, or undefined. */
function pathBetween(graph, start, goal) {
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    if (node === goal) {
      const path = [];
      for (let at = goal; at !== undefined; at = previous.get(at)) path.unshift(at);
      return path;
    }
    for (const next of graph.get(node) ?? []) {
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports go down the floors of design.md and close no cycle between top-level folders of src/' },
    schema: [],
    messages: {
      up: '{{from}}/ (floor {{fromFloor}}) may not import {{to}}/ (floor {{toFloor}}): imports only go down the floors (README, Layout)',
      cycle: 'This import of {{to}}/ from {{from}}/ closes a cycle between folders ({{cycle}})',
      unknown: '{{folder}}/ is on no floor: add it to eslint/import-floors.mjs and the README\'s Layout, or move it',
    },
  },
  create(context) {
    const file = context.filename;
    const root = resolve(context.cwd, 'src');
    if (!file.startsWith(root + sep)) return {};
    const from = areaOf(root, file);
    const check = (node, specifier) => {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = targetOf(file, specifier);
      if (!target.startsWith(root + sep)) return;
      const to = areaOf(root, target);
      if (to === from) return;
      for (const folder of [from, to]) {
        if (!floorOf.has(folder)) return context.report({ node, messageId: 'unknown', data: { folder } });
      }
      const fromFloor = floorOf.get(from);
      const toFloor = floorOf.get(to);
      if (toFloor > fromFloor) return context.report({ node, messageId: 'up', data: { from, to, fromFloor, toFloor } });
      const back = pathBetween(folderGraph(root), to, from);
      if (back) context.report({ node, messageId: 'cycle', data: { from, to, cycle: [from, ...back].join(' -> ') } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export default { rules: { 'import-floors': rule } };
