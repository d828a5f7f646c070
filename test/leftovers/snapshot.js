'use strict';
/**
 * What tests may leave on the shared Redis and PostgreSQL, read the same way before and after a run:
 * Redis keys in the test namespace, PostgreSQL schemas in the test namespace, and the tables of
 * `public` with their row counts (a store opened without a schema of its own writes there). Nothing
 * else is read, and nothing is ever changed: demos and other runs share these servers.
 */
const { Redis } = require('ioredis');
const { Client } = require('pg');
const { TEST_KEY_PREFIX, TEST_SCHEMA_PREFIX } = require('./names');

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
/** The integration tests' database: DATABASE_URL, else the one sync-crash always uses. */
const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function redisKeys() {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    const keys = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${TEST_KEY_PREFIX}*`, 'COUNT', 1_000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return { url: REDIS_URL, keys: new Set(keys) };
  } catch (error) {
    return { url: REDIS_URL, unavailable: error.message };
  } finally {
    redis.disconnect();
  }
}

async function postgres() {
  const client = new Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2_000, statement_timeout: 10_000 });
  try {
    await client.connect();
    const schemas = await client.query("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)", [TEST_SCHEMA_PREFIX]);
    const tables = await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    const rows = new Map();
    for (const { tablename } of tables.rows) {
      const { rows: [count] } = await client.query(`SELECT count(*)::int AS n FROM public."${tablename.replace(/"/g, '""')}"`);
      rows.set(tablename, count.n);
    }
    return { url: DATABASE_URL, schemas: new Set(schemas.rows.map((r) => r.nspname)), rows };
  } catch (error) {
    return { url: DATABASE_URL, unavailable: error.message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function snapshot() {
  const [redis, pg] = await Promise.all([redisKeys(), postgres()]);
  return { redis, pg };
}

/** What is there after the run that was not before, as lines for a message; empty when clean. */
function leftovers(before, after) {
  const lines = [];
  if (!before.redis.unavailable && !after.redis.unavailable) {
    const added = [...after.redis.keys].filter((key) => !before.redis.keys.has(key));
    const byPrefix = new Map();
    for (const key of added) {
      const prefix = key.split(':')[0];
      byPrefix.set(prefix, (byPrefix.get(prefix) ?? 0) + 1);
    }
    for (const [prefix, n] of [...byPrefix].sort()) lines.push(`Redis ${redact(after.redis.url)}: ${n} key(s) under ${prefix}:`);
  }
  if (!before.pg.unavailable && !after.pg.unavailable) {
    for (const schema of [...after.pg.schemas].filter((s) => !before.pg.schemas.has(s)).sort()) lines.push(`PostgreSQL ${redact(after.pg.url)}: schema ${schema}`);
    for (const [table, n] of [...after.pg.rows].sort()) {
      if (!before.pg.rows.has(table)) lines.push(`PostgreSQL ${redact(after.pg.url)}: table public.${table} (new, ${n} row(s))`);
      else if (n > before.pg.rows.get(table)) lines.push(`PostgreSQL ${redact(after.pg.url)}: ${n - before.pg.rows.get(table)} new row(s) in public.${table}`);
    }
  }
  return lines;
}

function describe(result) {
  const parts = [];
  parts.push(result.redis.unavailable ? `Redis not checked (${result.redis.unavailable})` : `${result.redis.keys.size} test key(s) in Redis`);
  parts.push(result.pg.unavailable ? `PostgreSQL not checked (${result.pg.unavailable})` : `${result.pg.schemas.size} test schema(s), ${result.pg.rows.size} table(s) in public`);
  return parts.join('; ');
}

function redact(url) {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

module.exports = { snapshot, leftovers, describe };
