import './native-pglite';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../../src/app/runtime';
import type { Serving } from '../../../src/app/serve';
import { loadEnv } from '../../../src/config/env';
import { createLogger } from '../../../src/log/logger';
import type { QueueName } from '../../../src/queue/job-data';
import { queueCounts, type QueueCounts } from '../../../src/app/first-sync';
// the names the leftover check (test/leftovers/) looks for after a run
import { TEST_KEY_PREFIX, TEST_SCHEMA_PREFIX } from '../../leftovers/names';

/**
 * What every test that builds a runtime shares: names of its own on the shared Redis and
 * PostgreSQL, and a clean-up that leaves nothing behind. Other processes (demos, other runs) use the
 * same servers, so a test only ever deletes what carries its own names.
 */

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let counter = 0;
/** A Redis key prefix of this test's own: `leadstage-test-<name>-<pid>-<ms>-<n>`. */
export function uniqueRun(name: string): string {
  counter += 1;
  return `${TEST_KEY_PREFIX}${name}-${process.pid}-${Date.now()}-${counter}`;
}

/** A PostgreSQL schema of this test's own (letters, digits and underscores). */
export function uniqueSchema(name: string): string {
  return `${TEST_SCHEMA_PREFIX}${name}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

interface Owned {
  prefix: string;
  /** Dropped with CASCADE on close; only on the PostgreSQL server. */
  schema: string | null;
}
const owned = new WeakMap<Runtime, Owned>();

/**
 * A runtime on the store the environment selects (PGlite in memory, or a schema of its own on the
 * PostgreSQL server when DATABASE_URL is set) and the real Redis under `prefix`. Close it with
 * `closeTestRuntime`, which deletes what it created.
 */
export async function openTestRuntime(prefix: string, options: Partial<RuntimeOptions> = {}): Promise<Runtime> {
  const env = options.env ?? loadEnv({ ...process.env, NODE_ENV: 'test' });
  const schema = options.schema ?? (env.DATABASE_URL ? uniqueSchema(prefix.slice(TEST_KEY_PREFIX.length).split('-')[0] || 'runtime') : undefined);
  const runtime = await createRuntime({
    env,
    dataDir: 'memory',
    logger: createLogger({ level: 'error' }),
    ...options,
    prefix,
    ...(schema ? { schema } : {}),
  });
  owned.set(runtime, { prefix, schema: env.DATABASE_URL && schema ? schema : null });
  return runtime;
}

/**
 * Stops the workers and the web server if serving, drops the runtime's schema, closes it, and
 * deletes every Redis key under its prefix (queues, jobs, limiter windows, locks). Safe to call with
 * what a failed `beforeAll` left (undefined).
 */
export async function closeTestRuntime(runtime: Runtime | undefined, serving?: Serving | null): Promise<void> {
  if (serving?.server) await new Promise<void>((resolve) => serving.server!.close(() => resolve()));
  if (serving?.workers) await serving.workers.close();
  if (!runtime) return;
  const own = owned.get(runtime);
  try {
    if (own?.schema) await runtime.store.db.query(`DROP SCHEMA IF EXISTS ${own.schema} CASCADE`);
  } finally {
    await runtime.close();
    if (own) await dropPrefix(own.prefix);
  }
}

/** Deletes every key under `prefix:` on its own connection (the runtime's is closed by then). */
export async function dropPrefix(prefix: string): Promise<void> {
  if (!prefix.startsWith(TEST_KEY_PREFIX)) throw new Error(`refusing to delete keys outside the test namespace: ${prefix}`);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/** Jobs that stayed failed, on either queue driver. */
export async function failedJobs(runtime: Runtime): Promise<number> {
  if (runtime.inProcess) return runtime.inProcess.failed.length;
  const counts: Record<QueueName, QueueCounts> = await queueCounts(runtime.queues);
  return Object.values(counts).reduce((sum, c) => sum + c.failed, 0);
}
