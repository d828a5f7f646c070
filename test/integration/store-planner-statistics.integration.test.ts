import './support/native-pglite';
import { plannerStatistics } from '../../src/store/planner-statistics';
import { openTestStore, seedWorkspace, type TestStore } from './support/store-harness';

/**
 * A first sync grows tables from nothing faster than autovacuum re-analyzes them (and some servers
 * run with autovacuum off): the sync refreshes the planner's statistics itself, only for the tables
 * that changed enough, at most once per interval.
 */
describe('planner statistics during a bulk load', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(() => t.cleanup());

  /** Table statistics reach pg_stat_* when a session flushes them; make it happen now. */
  async function flushTableStats(): Promise<void> {
    await t.store.db.query('SELECT pg_stat_force_next_flush()');
    await t.store.db.query('SELECT 1');
  }

  async function lastAnalyzed(table: string): Promise<string | null> {
    const { rows } = await t.store.db.query<{ at: string | null }>(
      'SELECT last_analyze::text AS at FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = $1',
      [table],
    );
    return rows[0]?.at ?? null;
  }

  it('analyzes the tables a bulk load grew, once per interval, and leaves the rest alone', async () => {
    const { workspace } = await seedWorkspace(t.store, 'Stats');
    const statistics = plannerStatistics(t.store.db, { checkEveryMs: 60_000 });
    await t.store.db.query(
      `INSERT INTO people (id, workspace_id, email_normalized, snapshot)
       SELECT gen_random_uuid(), $1, 'p' || g || '@northfield.test', '{}'::jsonb FROM generate_series(1, 1500) AS g`,
      [workspace.id],
    );
    await flushTableStats();
    expect(await lastAnalyzed('people')).toBeNull();

    expect(await statistics.refreshIfStale(0)).toEqual(['people']);
    expect(await lastAnalyzed('people')).not.toBeNull();
    const { rows } = await t.store.db.query<{ rows: number }>("SELECT reltuples::int AS rows FROM pg_class WHERE oid = 'people'::regclass");
    expect(rows[0]!.rows).toBe(1500);

    // within the interval: not even looked at; after it, nothing changed enough to analyze again
    await t.store.db.query(`UPDATE people SET snapshot = '{"title":"VP"}'::jsonb WHERE email_normalized LIKE 'p1%'`);
    await flushTableStats();
    expect(await statistics.refreshIfStale(59_999)).toEqual([]);
    expect(await statistics.refreshIfStale(60_000)).toEqual([]);
    // a fifth of the table changed: analyzed again
    await t.store.db.query(`UPDATE people SET snapshot = '{"title":"CFO"}'::jsonb`);
    await flushTableStats();
    expect(await statistics.refreshIfStale(120_000)).toEqual(['people']);
  });
});
