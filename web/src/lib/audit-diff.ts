/**
 * An audit event's `{before, after}` as rows of changed leaf fields. The server stores every
 * field that can hold a secret as "[secret]": such a field is shown as changed, never as a value.
 */
export const SECRET_MARK = '[secret]';

export interface DiffRow {
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
  readonly kind: 'added' | 'removed' | 'changed' | 'secret';
}

export function diffRows(before: unknown, after: unknown): DiffRow[] {
  const left = flatten(before);
  const right = flatten(after);
  const paths = [...new Set([...left.keys(), ...right.keys()])].sort();
  const rows: DiffRow[] = [];
  for (const path of paths) {
    const was = left.get(path);
    const now = right.get(path);
    if (was === now && was !== SECRET_MARK) continue;
    if (was === SECRET_MARK || now === SECRET_MARK) {
      rows.push({ path, kind: 'secret' });
      continue;
    }
    const kind = was === undefined ? 'added' : now === undefined ? 'removed' : 'changed';
    rows.push({ path, before: was, after: now, kind });
  }
  return rows;
}

/** Leaf values by dotted path (array items by position); an empty object or array is a leaf. */
export function flatten(value: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  // A create has no `before`, a delete no `after`: nothing to list on that side.
  if (value === undefined || (value === null && !prefix)) return into;
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((item, i) => [String(i), item] as const) : Object.entries(value);
    if (entries.length === 0) {
      if (prefix) into.set(prefix, Array.isArray(value) ? '[]' : '{}');
      return into;
    }
    for (const [key, item] of entries) flatten(item, prefix ? `${prefix}.${key}` : key, into);
    return into;
  }
  into.set(prefix || '(value)', typeof value === 'string' ? value : JSON.stringify(value));
  return into;
}
