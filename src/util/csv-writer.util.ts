/**
 * Writes rows as RFC 4180 CSV: CRLF line ends, a field quoted when it holds a comma, a quote, CR or
 * LF, quotes doubled inside. null and undefined are empty fields. A field starting with = + - @ (a
 * spreadsheet formula) is prefixed with a single quote, so an opened report never runs a CRM value.
 */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
