/**
 * The one database interface the repositories see. Two drivers implement it (pg-driver.ts for a
 * PostgreSQL server, pglite-driver.ts for in-process PGlite) so every repository is written once,
 * in one SQL dialect, and runs on both.
 *
 * Value conventions both drivers guarantee, so a repository never branches on the driver:
 * - parameters are positional (`$1`, `$2`, …); arrays are sent for `$n::text[]`-style casts;
 * - jsonb is sent as JSON text (`JSON.stringify(x)` with `$n::jsonb`) because pg turns a JS array
 *   parameter into a Postgres array literal, not JSON; jsonb comes back already parsed;
 * - timestamptz comes back as an ISO 8601 string in UTC (`2025-01-31T09:00:00.000Z`), the form the
 *   canonical model uses everywhere; send Date or ISO strings;
 * - int8/bigint (identity ids, count(*)) comes back as a JS number, and reading one beyond
 *   Number.MAX_SAFE_INTEGER throws instead of silently losing precision;
 * - numeric comes back as a string (exact decimal), int4/float as numbers, uuid as a string.
 */
export type Row = Record<string, unknown>;

export interface QueryResult<T = Row> {
  rows: T[];
  /** Rows returned by a SELECT / RETURNING, or touched by an INSERT/UPDATE/DELETE. */
  rowCount: number;
}

export interface Queryable {
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Runs a multi-statement script without parameters (migrations only). */
  exec(script: string): Promise<void>;
}

/**
 * What a repository is built on: the database itself, or an open transaction. On a transaction,
 * `transaction()` joins it instead of nesting, so a repository method that needs atomicity opens
 * a transaction and still composes into a caller's larger one.
 */
export interface Session extends Queryable {
  transaction<T>(fn: (tx: Session) => Promise<T>): Promise<T>;
}

export interface Database extends Session {
  readonly driver: 'pg' | 'pglite';
  /** BEGIN … COMMIT around fn; ROLLBACK and rethrow when fn throws. */
  transaction<T>(fn: (tx: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres://… selects the pg driver; without it PGlite is used. */
  url?: string;
  /** PGlite only: a directory, or 'memory' for a throwaway database (tests). Default `.data/`. */
  dataDir?: string | 'memory';
  /**
   * pg only: a schema to create (if missing) and put first on every connection's search_path,
   * so test runs or several deployments can share one server without seeing each other's tables.
   */
  schema?: string;
}
