/**
 * CSV for downloads (RFC 4180: fields with a comma, quote or line break are quoted, quotes
 * doubled). A cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is
 * prefixed with a quote (OWASP's CSV injection advice): labels and names come from users.
 */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
