import { Client, Pool, types as pgTypes, type PoolClient, type CustomTypesConfig } from 'pg';
import type { Database, QueryResult, Session } from './db.types';
import { PG_OID, isoTimestampParser, normalizeParams, parseInt8 } from './value-parsers';
import { queryStatsEnabled, recordQuery } from './query-stats';

export interface PgDriverOptions {
  url: string;
  schema?: string;
  /** Pool size; sync workers run a handful of concurrent jobs each. */
  max?: number;
}

/**
 * Per-pool type parsers (not pg.types.setTypeParser, which is process-global and would change
 * the behaviour of any other pg user in the process).
 */
const typeParsers: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === PG_OID.INT8) return parseInt8;
    if (oid === PG_OID.TIMESTAMPTZ) return isoTimestampParser(pgTypes.getTypeParser(oid, 'text'));
    return pgTypes.getTypeParser(oid, format ?? 'text');
  }) as CustomTypesConfig['getTypeParser'],
};

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

type Runner = Pick<PoolClient, 'query'> | Pool;

async function run<T>(runner: Runner, sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
  const started = queryStatsEnabled() ? performance.now() : 0;
  const result = await runner.query(sql, normalizeParams(params));
  if (started) recordQuery(sql, performance.now() - started);
  return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
}

function transactionOn(client: PoolClient): Session {
  const tx: Session = {
    query: (sql, params) => run(client, sql, params),
    exec: async (script) => {
      await client.query(script);
    },
    transaction: (fn) => fn(tx),
  };
  return tx;
}

/**
 * DATABASE_URL names a server that cannot be used: refused, unknown host, no answer, or the server
 * refused the user or the database. One line naming host:port/database and the cause; never the
 * password (the URL is never echoed whole).
 */
export class DatabaseUnavailableError extends Error {
  constructor(
    readonly target: string,
    readonly reason: string,
  ) {
    super(`PostgreSQL at ${target} cannot be used (${reason}); check DATABASE_URL (postgres://user:password@host:port/database) and that the server runs and accepts that user.`);
    this.name = 'DatabaseUnavailableError';
  }
}

/** How long the first connection may take before start-up gives up (a firewalled host never answers). */
const CONNECT_TIMEOUT_MS = 10_000;

/** `host:port/database` of a connection string, without its user or password. */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default database)';
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}/${database}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

/** Why a first connection failed, in words an operator can act on, with the password scrubbed. */
export function connectFailureReason(error: unknown, url: string): string {
  const { code, message = String(error) } = (error ?? {}) as { code?: string; message?: string };
  const host = describeTarget(url).split(':')[0];
  let reason: string;
  if (code === 'ECONNREFUSED') reason = 'connection refused: nothing listens there';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') reason = `host "${host}" not found`;
  else if (code === 'ETIMEDOUT' || /timeout/i.test(message)) reason = `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
  else if (code === 'ECONNRESET' || /terminated unexpectedly/i.test(message)) reason = 'the server closed the connection';
  else reason = message.split('\n')[0]!;
  let password = '';
  try {
    password = new URL(url).password;
  } catch {
    // describeTarget already reports an unparsable URL
  }
  for (const secret of new Set([password, safeDecode(password)])) {
    if (secret.length >= 3) reason = reason.split(secret).join('***');
  }
  return reason;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * One connection before the pool exists: a server that refuses us fails start-up at once with a
 * DatabaseUnavailableError, instead of a pool error deep in the first migration. (The pool itself
 * keeps no connect timeout: under load it also governs waiting for a free connection.)
 */
async function probe(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DatabaseUnavailableError(describeTarget(url), connectFailureReason(error, url));
  }
  await client.end();
}

export async function openPgDatabase(options: PgDriverOptions): Promise<Database> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`schema "${schema}" must be lower-case letters, digits and underscores`);
  }
  await probe(options.url);
  const pool = new Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    types: typeParsers,
    // Set at connection start, so every pooled connection has them: the schema's search_path, and
    // no JIT: our statements are short OLTP queries, and on a big table a misjudged cost estimate
    // made the server spend 150-300 ms compiling each one (bench:sync at 20,000 contacts).
    options: ['-c jit=off', ...(schema ? [`-c search_path=${schema},public`] : [])].join(' '),
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);

  const db: Database = {
    driver: 'pg',
    query: (sql, params) => run(pool, sql, params),
    exec: async (script) => {
      await pool.query(script);
    },
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      // the server going away while this client is checked out (a restart, a failover) emits an
      // error on the client itself, which the pool's listener does not cover: without this listener
      // it would crash the process instead of failing this transaction
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn(transactionOn(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // connection is unusable: destroy it instead of returning it to the pool
        }
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
  return db;
}
