import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStore } from '../../src/store/store';
import { findMigrationsDir, loadMigrations, migrate } from '../../src/store/migrate';
import { DRIVER, openTestStore, seedWorkspace, type TestStore } from './support/store-harness';

describe(`store migrations (${DRIVER})`, () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore();
  });
  afterAll(() => t.cleanup());

  it('applied every migration once at start and records them', async () => {
    const { rows } = await t.store.db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(loadMigrations().map((m) => m.name));
    expect(rows.map((r) => r.name)).toContain('001_initial');
  });

  it('is idempotent: running again applies nothing and keeps the data', async () => {
    const { workspace } = await seedWorkspace(t.store, 'Idempotent');
    expect(await migrate(t.store.db)).toEqual([]);
    expect(await migrate(t.store.db)).toEqual([]);
    expect(await t.store.workspaces.get(workspace.id)).toMatchObject({ name: 'Idempotent' });
  });

  it('two starts at the same time apply each migration exactly once', async () => {
    const extra = { name: '999_concurrency_probe', sql: 'CREATE TABLE concurrency_probe (id int);', checksum: 'probe' };
    const migrations = [...loadMigrations(), extra];
    // On pg the second start is a separate pool (another process, as far as Postgres can tell).
    const other = DRIVER === 'pg' ? await createStore({ ...t.sameDatabase, migrate: false }) : null;
    try {
      const results = await Promise.all([migrate(t.store.db, migrations), migrate(other?.db ?? t.store.db, migrations)]);
      expect(results.flat()).toEqual(['999_concurrency_probe']);
    } finally {
      await other?.close();
    }
    const { rows } = await t.store.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM schema_migrations WHERE name = '999_concurrency_probe'",
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    const edited = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(t.store.db, edited)).rejects.toThrow(/001_initial was changed after it was applied/);
  });

  it('finds the .sql files from the sources and from the compiled dist/ tree', () => {
    const root = path.resolve(__dirname, '../..');
    const expected = path.join(root, 'src', 'store', 'migrations');
    expect(findMigrationsDir(path.join(root, 'src', 'store'))).toBe(expected);
    expect(findMigrationsDir(path.join(root, 'dist', 'src', 'store'))).toBe(expected);
  });
});

// PGlite on disk needs no server, so this runs under either driver selection
describe('store on disk (pglite)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'leadstage-store-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps its data in the data directory across restarts', async () => {
    const dataDir = path.join(dir, 'data');
    const first = await createStore({ dataDir });
    const { workspace } = await seedWorkspace(first, 'On disk');
    await first.close();

    const second = await createStore({ dataDir });
    try {
      expect(await second.workspaces.get(workspace.id)).toMatchObject({ name: 'On disk' });
    } finally {
      await second.close();
    }
  });
});
