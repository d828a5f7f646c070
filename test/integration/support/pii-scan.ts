import type { Queryable } from '../../../src/store';

export interface ScanHit {
  table: string;
  column: string;
  rows: number;
}

export interface SchemaScan {
  /** Every base table of the store's schema, and how many columns were read. */
  tables: string[];
  columns: number;
  hits: ScanHit[];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Looks for `needle` in every column of every table of the store's schema (the PGlite database's
 * `public`, or the test's own schema on a server), whatever the column's type: each value is read
 * as text (`col::text ILIKE '%needle%'`), so a jsonb payload, a text message, an array or a
 * key inside a JSON document all count. The tables come from information_schema, not from a list,
 * so a table added later is scanned too.
 */
export async function scanSchemaFor(db: Queryable, needle: string): Promise<SchemaScan> {
  const { rows } = await db.query<{ table: string; column: string }>(
    `SELECT c.table_name AS "table", c.column_name AS "column"
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const hits: ScanHit[] = [];
  for (const { table, column } of rows) {
    const found = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${quote(table)} WHERE ${quote(column)}::text ILIKE '%' || $1 || '%'`, [needle]);
    const n = Number(found.rows[0]!.n);
    if (n > 0) hits.push({ table, column, rows: n });
  }
  return { tables: [...new Set(rows.map((r) => r.table))], columns: rows.length, hits };
}

/** `table.column` of each hit, for readable expectations. */
export const hitColumns = (scan: SchemaScan): string[] => scan.hits.map((h) => `${h.table}.${h.column}`);
