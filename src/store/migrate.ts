import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Database } from './db.types';

/**
 * Migrations stay plain .sql files (reviewable, runnable with psql) and are read at start from
 * `<package root>/src/store/migrations`. They are found by walking up from this file to the
 * package.json, which works from the TypeScript sources (tsx, jest) and from the compiled
 * `dist/src/store/` alike, because tsc does not copy .sql files into dist/. Embedding them as TS
 * string modules would survive any packaging but would hide the SQL from SQL tooling; the cost of
 * this choice is that a deployment image must ship `src/store/migrations/` next to `dist/`.
 */
export function findMigrationsDir(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'src', 'store', 'migrations');
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}: cannot locate src/store/migrations`);
    dir = parent;
  }
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

const MIGRATION_FILE = /^\d{3}_[a-z0-9_]+\.sql$/;

export function loadMigrations(dir: string = findMigrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((file) => MIGRATION_FILE.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(path.join(dir, file), 'utf8');
      return { name: file.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Any constant works; it only has to be the same in every process that migrates this database. */
const MIGRATION_LOCK_KEY = 7_426_170_001;

/**
 * Applies the pending migrations in order, in one transaction, and returns their names.
 * The transaction-scoped advisory lock makes a second process that starts at the same time wait,
 * then find everything applied (its next statement sees the first one's commit). An applied file
 * that was edited afterwards is refused: the database would no longer match the files.
 */
export async function migrate(db: Database, migrations: Migration[] = loadMigrations()): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations');
    const applied = new Map(rows.map((row) => [row.name, row.checksum]));
    const names: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(`migration ${migration.name} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [migration.name, migration.checksum]);
      names.push(migration.name);
    }
    return names;
  });
}
