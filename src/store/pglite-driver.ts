import { mkdir } from 'node:fs/promises';
import type * as PGliteModule from '@electric-sql/pglite';
import type { Database, QueryResult, Session } from './db.types';
import { PG_OID, isoTimestampParser, normalizeParams, parseInt8 } from './value-parsers';

type PGliteTransaction = Parameters<Parameters<PGliteModule.PGlite['transaction']>[0]>[0];
type Runner = Pick<PGliteTransaction, 'query' | 'exec'>;

/**
 * Loaded on first use, so a deployment on a PostgreSQL server never loads the WASM bundle.
 * (Under Jest it also lets the test harness substitute a copy loaded outside Jest's sandbox;
 * see test/integration/support/native-pglite.ts.)
 */
function loadPglite(): typeof PGliteModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@electric-sql/pglite') as typeof PGliteModule;
}

function parsersFor(pglite: typeof PGliteModule) {
  const defaultTimestampParser = pglite.types.parsers[PG_OID.TIMESTAMPTZ];
  if (!defaultTimestampParser) throw new Error('PGlite has no timestamptz parser');
  return { [PG_OID.INT8]: parseInt8, [PG_OID.TIMESTAMPTZ]: isoTimestampParser(defaultTimestampParser) };
}

async function run<T>(runner: Runner, sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
  const result = await runner.query<T>(sql, normalizeParams(params));
  return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length };
}

function wrap(runner: Runner): Session {
  const tx: Session = {
    query: (sql, params) => run(runner, sql, params),
    exec: async (script) => {
      await runner.exec(script);
    },
    transaction: (fn) => fn(tx),
  };
  return tx;
}

/**
 * PGlite is one Postgres backend in this process: it runs one statement at a time and
 * `transaction()` holds it exclusively, so concurrent callers queue instead of interleaving.
 */
export async function openPgliteDatabase(dataDir: string | 'memory'): Promise<Database> {
  if (dataDir !== 'memory') await mkdir(dataDir, { recursive: true });
  const module = loadPglite();
  const pglite = await module.PGlite.create(dataDir === 'memory' ? undefined : dataDir, { parsers: parsersFor(module) });
  const outside = wrap(pglite);
  return {
    driver: 'pglite',
    query: outside.query,
    exec: outside.exec,
    transaction: (fn) => pglite.transaction((tx) => fn(wrap(tx))),
    close: () => pglite.close(),
  };
}
