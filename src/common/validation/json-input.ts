/** How deep a JSON value may nest: far beyond any real body, far below a stack overflow. */
export const MAX_JSON_DEPTH = 64;

/** NUL (PostgreSQL refuses it in text and jsonb) or a UTF-16 surrogate that is not half of a pair. */
const UNSTORABLE_CHARACTER = /[\0\uD800-\uDFFF]/u;
const UNSTORABLE_CHARACTERS = /[\0\uD800-\uDFFF]/gu;
/** Any NUL or surrogate, paired or not: a non-unicode scan is several times faster, so it screens first. */
const SUSPECT_CHARACTER = /[\0\uD800-\uDFFF]/;

export interface JsonInputOptions {
  /** Check every string and key for unstorable characters (skippable when none can be there). */
  readonly checkStrings: boolean;
  readonly maxDepth?: number;
}

interface Problem {
  readonly path: string[];
  readonly problem: string;
}

/**
 * Why a parsed JSON value (a body, a query) cannot be taken, or undefined: nesting deeper
 * than MAX_JSON_DEPTH, a NUL or unpaired surrogate in a string or key, or the prototype
 * keys that JSON.parse keeps as own properties (`__proto__`, `constructor.prototype`).
 */
export function jsonInputProblem(value: unknown, where: string, options: JsonInputOptions): string | undefined {
  const found = problemIn(value, 0, options.checkStrings, options.maxDepth ?? MAX_JSON_DEPTH);
  // The path may hold the offending key itself: never echo the character back.
  return found && `${[where, ...found.path].join('.').replace(UNSTORABLE_CHARACTERS, '\uFFFD')} ${found.problem}`;
}

/** The same depth bound for values we did not parse ourselves (an upstream's usage block). */
export function nestsWithin(value: unknown, maxDepth: number): boolean {
  return problemIn(value, 0, false, maxDepth) === undefined;
}

function problemIn(value: unknown, depth: number, checkStrings: boolean, maxDepth: number): Problem | undefined {
  if (typeof value === 'string') return checkStrings ? stringProblem(value) : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= maxDepth) return { path: [], problem: `nests deeper than ${maxDepth} levels` };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = problemIn(value[index], depth + 1, checkStrings, maxDepth);
      if (found) return { path: [String(index), ...found.path], problem: found.problem };
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const found = keyProblem(key, item, checkStrings) ?? problemIn(item, depth + 1, checkStrings, maxDepth);
    if (found) return { path: [key, ...found.path], problem: found.problem };
  }
  return undefined;
}

function stringProblem(text: string): Problem | undefined {
  if (!SUSPECT_CHARACTER.test(text)) return undefined;
  const match = UNSTORABLE_CHARACTER.exec(text);
  if (!match) return undefined;
  return { path: [], problem: match[0] === '\0' ? 'contains a NUL character' : 'contains an unpaired UTF-16 surrogate' };
}

function keyProblem(key: string, item: unknown, checkStrings: boolean): Problem | undefined {
  if (key === '__proto__') return { path: [], problem: 'is a forbidden property name' };
  if (key === 'constructor' && typeof item === 'object' && item !== null && Object.hasOwn(item, 'prototype')) {
    return { path: [], problem: 'is a forbidden property name' };
  }
  const found = checkStrings ? stringProblem(key) : undefined;
  return found && { path: [], problem: `(a property name) ${found.problem}` };
}
