import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
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

/** The file in a PGlite data directory that says which process has it open. */
export const LOCK_FILE = 'leadstage.lock';

/**
 * A second process opened a PGlite data directory that another one has open. PGlite is a database
 * inside one process: two processes writing the same files corrupt them, so the second is refused.
 */
export class StoreInUseError extends Error {
  constructor(readonly dataDir: string, readonly owner: { pid: number; host: string }, sameHost: boolean) {
    super(
      `The embedded store in ${dataDir} is already open in ${sameHost ? `process ${owner.pid}` : `process ${owner.pid} on ${owner.host} (if it no longer runs, delete ${join(dataDir, LOCK_FILE)})`}; ` +
        'it serves one process: run web and worker together with `leadstage start`, or share a PostgreSQL server between them by setting DATABASE_URL.',
    );
    this.name = 'StoreInUseError';
  }
}

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/** Lock files this process holds, released on close and, failing that, when the process exits. */
const held = new Set<string>();
let releaseOnExit = false;

function readOwner(file: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? { pid: owner.pid, host: owner.host, startedAt: String(owner.startedAt) } : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    return null; // unreadable or half-written by a process that died: stale
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

/**
 * Takes `<dataDir>/leadstage.lock` for this process, or throws StoreInUseError naming the holder.
 * The file is created whole and atomically (written aside, then hard-linked into place); a lock
 * whose process is dead (killed, crashed) is stale and taken over. A lock from another host (a
 * shared volume) cannot be checked, so it is respected. Returns the release function.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  const dir = resolve(dataDir);
  const file = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const aside = `${file}.${process.pid}.${Date.now()}`;
  writeFileSync(aside, JSON.stringify(me));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(aside, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
      }
      let owner: LockOwner | null;
      try {
        owner = readOwner(file);
      } catch {
        continue; // released meanwhile: try again
      }
      if (owner) {
        const sameHost = owner.host === me.host;
        // our own pid in a lock we do not hold is a previous run's (a container restarts as pid 1)
        const ours = owner.pid === process.pid && sameHost;
        if (ours ? held.has(file) : !sameHost || isAlive(owner.pid)) throw new StoreInUseError(dir, owner, sameHost);
      }
      try {
        unlinkSync(file); // stale: its process is gone
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  } finally {
    unlinkSync(aside);
  }
  held.add(file);
  if (!releaseOnExit) {
    releaseOnExit = true;
    process.once('exit', () => {
      for (const lock of held) releaseLock(lock);
    });
  }
  return () => releaseLock(file);
}

function releaseLock(file: string): void {
  if (!held.delete(file)) return;
  try {
    if (readOwner(file)?.pid === process.pid) unlinkSync(file);
  } catch {
    // already gone
  }
}

/**
 * PGlite is one Postgres backend in this process: it runs one statement at a time and
 * `transaction()` holds it exclusively, so concurrent callers queue instead of interleaving.
 * A data directory on disk is locked for this process while it is open (see acquireDataDirLock).
 */
export async function openPgliteDatabase(dataDir: string | 'memory'): Promise<Database> {
  let release: () => void = () => undefined;
  if (dataDir !== 'memory') {
    await mkdir(dataDir, { recursive: true });
    release = acquireDataDirLock(dataDir);
  }
  let pglite: PGliteModule.PGlite;
  try {
    const module = loadPglite();
    pglite = await module.PGlite.create(dataDir === 'memory' ? undefined : dataDir, { parsers: parsersFor(module) });
  } catch (error) {
    release();
    throw error;
  }
  const outside = wrap(pglite);
  return {
    driver: 'pglite',
    query: outside.query,
    exec: outside.exec,
    transaction: (fn) => pglite.transaction((tx) => fn(wrap(tx))),
    async close() {
      try {
        await pglite.close();
      } finally {
        release();
      }
    },
  };
}
