/**
 * SOQL text, written the way Salesforce parses it: datetime literals unquoted in UTC
 * (`2026-11-01T00:00:00.000Z`), strings single-quoted with `\` and `'` escaped, id lists chunked so
 * a query stays far below the limits that bind first (the REST query is a GET: about 16 KB of URL,
 * each id costing ~27 URL-encoded characters; SOQL text itself may be 100,000 characters).
 */

/** Ids per `Id IN (...)` query: 200 ids ≈ 5.4 KB URL-encoded, leaving room for the field list. */
export const ID_CHUNK = 200;

export function soqlDateTime(value: string | number): string {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`not a datetime: ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}

export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function soqlIdList(ids: readonly string[]): string {
  return `(${ids.map(soqlString).join(', ')})`;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The keyset condition that resumes after (since, lastId) in `ORDER BY SystemModstamp, Id`:
 * `SystemModstamp > S OR (SystemModstamp = S AND Id > 'L')`, parenthesised because SOQL forbids
 * mixing AND and OR without them. Records sharing a timestamp are never skipped nor read twice.
 */
export function keysetCondition(since: string | null, lastId: string | null): string | null {
  if (since === null) return null;
  const at = soqlDateTime(since);
  if (lastId === null) return `SystemModstamp > ${at}`;
  return `(SystemModstamp > ${at} OR (SystemModstamp = ${at} AND Id > ${soqlString(lastId)}))`;
}
