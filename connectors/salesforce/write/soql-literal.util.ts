/**
 * A value as a SOQL string literal: quotes and backslashes escaped, and the control characters SOQL
 * spells with a backslash, so a value can never end the literal and change the query.
 */
const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '"': '\\"' };

export function soqlLiteral(value: string): string {
  return `'${value.replace(/[\\'\n\r\t\b\f"]/g, (c) => ESCAPES[c] ?? c)}'`;
}

/**
 * URI bytes a GET query may take, `/services/data/vXX.X/query?q=` included: Salesforce caps URI and
 * headers at 16,384 bytes together, and the Authorization header and the rest need room.
 */
export const QUERY_URI_BUDGET = 12_000;
/** `/services/data/v62.0/queryAll?q=` and a margin. */
const QUERY_PATH_BYTES = 64;

/**
 * Queries over `values` in an `IN (...)` list, each at most `max` values and within the URI budget
 * URL-encoded: a key full of characters that encode to three bytes each takes its real room, so no
 * lookup is refused (414/431) however the keys are spelled.
 */
export function inListQueries(values: readonly string[], query: (inList: string) => string, max: number, budget = QUERY_URI_BUDGET): string[] {
  const overhead = QUERY_PATH_BYTES + encodeURIComponent(query('')).length;
  const separator = encodeURIComponent(', ').length;
  const out: string[] = [];
  let chunk: string[] = [];
  let bytes = overhead;
  for (const value of values) {
    const literal = soqlLiteral(value);
    const add = encodeURIComponent(literal).length + (chunk.length > 0 ? separator : 0);
    if (chunk.length > 0 && (chunk.length >= max || bytes + add > budget)) {
      out.push(query(chunk.join(', ')));
      chunk = [];
      bytes = overhead;
    }
    bytes += encodeURIComponent(literal).length + (chunk.length > 0 ? separator : 0);
    chunk.push(literal);
  }
  if (chunk.length > 0) out.push(query(chunk.join(', ')));
  return out;
}
