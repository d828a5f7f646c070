/**
 * A value as a SOQL string literal: quotes and backslashes escaped, and the control characters SOQL
 * spells with a backslash, so a value can never end the literal and change the query.
 */
const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '"': '\\"' };

export function soqlLiteral(value: string): string {
  return `'${value.replace(/[\\'\n\r\t\b\f"]/g, (c) => ESCAPES[c] ?? c)}'`;
}
