/**
 * RefreshLock on Redis (shared by every connector whose tokens rotate): `SET key <token> NX PX ttl` takes it, a compare-and-delete script releases it
 * only if this holder still owns it (after a TTL lapse another process may hold it now), and a waiter
 * polls with jitter until the lock frees or `waitMs` passes. The TTL bounds how long a crashed
 * holder blocks the others; it must exceed a token POST plus a store write by a wide margin.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RefreshLock } from './refresh-lock';

export interface RedisRefreshLockOptions {
  /** Keeps deployments and tests apart; keys are `<prefix>:refresh-lock:<key>`. */
  prefix: string;
  /** How long a holder may keep the lock before it lapses (default 30 s). */
  ttlMs?: number;
  /** How long a waiter waits before giving up with a retryable error (default 45 s). */
  waitMs?: number;
  /** Poll interval while waiting (default 100 ms, plus up to 50% jitter). */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** The lock stayed taken for the whole wait: the job retries later (a holder may be stuck on a slow POST). */
export class RefreshLockTimeoutError extends Error {
  override readonly name = 'RefreshLockTimeoutError';
  readonly retryable = true;
  constructor(readonly key: string, waitedMs: number) {
    super(`Timed out after ${waitedMs} ms waiting for the token-refresh lock "${key}" (another process is refreshing)`);
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createRedisRefreshLock(redis: Redis, options: RedisRefreshLockOptions): RefreshLock {
  const ttlMs = options.ttlMs ?? 30_000;
  const waitMs = options.waitMs ?? 45_000;
  const pollMs = options.pollMs ?? 100;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  return {
    async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
      if (!/^[A-Za-z0-9:_-]{1,200}$/.test(key)) throw new RangeError('refresh lock key must be an id (letters, digits, ":", "_", "-")');
      const redisKey = `${options.prefix}:refresh-lock:${key}`;
      const token = randomUUID();
      const started = Date.now();
      for (;;) {
        const taken = await redis.set(redisKey, token, 'PX', ttlMs, 'NX');
        if (taken === 'OK') break;
        const waited = Date.now() - started;
        if (waited >= waitMs) throw new RefreshLockTimeoutError(key, waited);
        await sleep(pollMs + Math.floor(random() * pollMs * 0.5));
      }
      try {
        return await fn();
      } finally {
        await redis.eval(RELEASE_SCRIPT, 1, redisKey, token).catch(() => undefined);
      }
    },
  };
}
