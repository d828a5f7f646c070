/**
 * The conversions both drivers install, so results look the same whichever runs (db.types.ts).
 * Each driver passes its own library's timestamptz parser in; only the normalisation is shared.
 */
export const PG_OID = { INT8: 20, TIMESTAMPTZ: 1184 } as const;

export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`bigint ${text} does not fit a JS number; select it as ::text instead`);
  }
  return value;
}

export function isoTimestampParser(parseDate: (text: string) => unknown): (text: string) => string {
  return (text) => {
    const parsed = parseDate(text);
    const date = parsed instanceof Date ? parsed : new Date(String(parsed));
    // ±infinity has no ISO form; keep Postgres' own spelling rather than throwing on read.
    return Number.isNaN(date.getTime()) ? text : date.toISOString();
  };
}

const isDate = (value: unknown): value is Date => Object.prototype.toString.call(value) === '[object Date]';

/**
 * Dates go out as ISO strings, also inside arrays, so both drivers send the same text (pg would
 * otherwise format them in the local zone, PGlite by its own rules). The check is by tag, not
 * instanceof, because a Date from another realm (a test sandbox) is still a Date.
 */
export function normalizeParams(params: readonly unknown[]): unknown[] {
  return params.map((value) => {
    if (isDate(value)) return value.toISOString();
    if (Array.isArray(value)) return value.map((item) => (isDate(item) ? item.toISOString() : item));
    return value;
  });
}
