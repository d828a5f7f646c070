/**
 * Time spent per SQL statement, for finding what makes a sync database-bound (`bench:sync` turns it
 * on with LEADSTAGE_QUERY_STATS=1 and prints the heaviest). Off by default: then nothing is kept.
 * Statements are keyed by their text, which holds no values (every value is a parameter).
 */
export interface QueryStat {
  sql: string;
  calls: number;
  totalMs: number;
  maxMs: number;
}

const stats = new Map<string, QueryStat>();
const enabled = process.env.LEADSTAGE_QUERY_STATS === '1';

export function queryStatsEnabled(): boolean {
  return enabled;
}

export function recordQuery(sql: string, ms: number): void {
  const key = sql.replace(/\s+/g, ' ').trim();
  let stat = stats.get(key);
  if (!stat) {
    stat = { sql: key, calls: 0, totalMs: 0, maxMs: 0 };
    stats.set(key, stat);
  }
  stat.calls++;
  stat.totalMs += ms;
  stat.maxMs = Math.max(stat.maxMs, ms);
}

/** The `n` statements with the most total time, heaviest first. */
export function heaviestQueries(n: number): QueryStat[] {
  return [...stats.values()].sort((a, b) => b.totalMs - a.totalMs).slice(0, n);
}
