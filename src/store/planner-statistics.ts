import type { Queryable } from './db.types';

/**
 * The tables a first sync grows from nothing to millions of rows. The planner picks index lookups
 * or whole-table scans from its statistics; statistics taken when a table was small (or never, on a
 * server with autovacuum off) make it scan 1.5M events to find 100 people's rows, and a sync that
 * should wait on the CRM's quota waits on the database instead.
 */
const GROWING_TABLES = ['people', 'person_identities', 'events', 'person_state', 'outbox', 'written_hashes', 'tasks'] as const;

/** Autovacuum analyzes after 10% of a table changed; a bulk load outruns it, so look more often. */
const STALE_SHARE = 0.2;
const STALE_MIN_ROWS = 1_000;
const DEFAULT_CHECK_EVERY_MS = 60_000;

export interface PlannerStatistics {
  /**
   * ANALYZE the growing tables that changed by a fifth since their last analyze, at most once per
   * interval per process; returns the tables analyzed. Bulk loads call it between pages.
   */
  refreshIfStale(now: number): Promise<string[]>;
}

export function plannerStatistics(db: Queryable, options: { checkEveryMs?: number } = {}): PlannerStatistics {
  const checkEveryMs = options.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS;
  let checkedAt = -Infinity;
  return {
    async refreshIfStale(now) {
      if (now - checkedAt < checkEveryMs) return [];
      checkedAt = now;
      const { rows } = await db.query<{ table: string }>(
        `SELECT relname AS "table" FROM pg_stat_user_tables
          WHERE schemaname = current_schema() AND relname = ANY($1::text[])
            AND (last_analyze IS NULL AND last_autoanalyze IS NULL OR n_mod_since_analyze > $2 + $3::float8 * n_live_tup)
            AND n_live_tup + n_mod_since_analyze > $2`,
        [GROWING_TABLES, STALE_MIN_ROWS, STALE_SHARE],
      );
      const tables = rows.map((row) => row.table).filter((table) => (GROWING_TABLES as readonly string[]).includes(table));
      // names come from the list above, never from input
      if (tables.length > 0) await db.exec(`ANALYZE ${tables.map((table) => `"${table}"`).join(', ')}`);
      return tables;
    },
  };
}
