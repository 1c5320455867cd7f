/** Labels typed as `key=value` lines (the API's `{key: value}`), both ways. */
export function labelsToText(labels: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(labels ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

/** Throws an Error naming the line when one has no `=`; the API checks keys and values. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  text.split('\n').forEach((raw, line) => {
    const entry = raw.trim();
    if (!entry) return;
    const at = entry.indexOf('=');
    if (at <= 0) throw new Error(`line ${line + 1}: write key=value`);
    labels[entry.slice(0, at).trim()] = entry.slice(at + 1).trim();
  });
  return labels;
}

export function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}
