import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DailyQuotaExhaustedError } from './daily-quota-exhausted-error';
import { nextMidnight } from './next-midnight.util';
import { ACQUIRE_RESULT, ACQUIRE_SCRIPT, PAUSE_SCRIPT, SETTLE_SCRIPT, STATUS_SCRIPT, type RedisScript } from './rate-limit-scripts';
import type { Lease, PauseReason, RateLimiter, RateLimitStatus } from './rate-limiter';
import type { RatePolicy, RequestKind, WindowLimit } from './rate-policy';

/**
 * Paces every process's calls to one installation through Redis, so that together they stay inside
 * the CRM's limits (the SDK's limiter counts per process and leaks between clients, reference §1.2).
 * A waiting `acquire` sleeps exactly until the script says a slot frees, never polls.
 */
export interface RedisRateLimiterOptions {
  /** Keeps deployments and tests apart on a shared Redis; keys are `<prefix>:rate-limit:{<installationId>}:…`. */
  prefix: string;
  /** Epoch ms. Default: the Redis server's clock for the windows (one timeline for all hosts), Date.now for the day. */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** For the jitter added to each wait; Math.random by default. */
  random?: () => number;
}

/**
 * Added to each wait, so that the waiters of many processes do not all wake on the same millisecond
 * and race for one slot. Small against any window, so utilisation hardly changes.
 */
const MAX_JITTER_MS = 5;
/**
 * How long a leased slot stays taken past its window if its settle never comes (the process died
 * mid-request): long enough for any request to reach the CRM, short enough to lose one slot briefly.
 */
const IN_FLIGHT_HOLD_MS = 60_000;
/** The daily counter outlives its day by this much, so `status` still reads it around the reset. */
const DAILY_KEY_GRACE_MS = 3_600_000;
/**
 * Ids only: a key must never carry a token. Installation ids are UUIDs; this also keeps `{`, `}`
 * (the Redis Cluster hash tag) and `:` out of the key.
 */
const INSTALLATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createRedisRateLimiter(redis: Redis, options: RedisRateLimiterOptions): RateLimiter {
  const { prefix, clock } = options;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  // '' tells the scripts to read the Redis server's clock
  const scriptNow = (): string => (clock ? String(Math.floor(clock())) : '');
  const localNow = (): number => Math.floor((clock ?? Date.now)());

  /** All keys of one installation share a hash tag, so a script's keys sit in one Redis Cluster slot. */
  function keys(installationId: string) {
    if (!INSTALLATION_ID.test(installationId)) {
      // the value itself stays out of the message: it may be the token that was passed by mistake
      throw new RangeError(`installationId must be an id of 1-64 letters, digits, '-' or '_'; got ${installationId.length} characters that are not`);
    }
    const base = `${prefix}:rate-limit:{${installationId}}`;
    return {
      window: (kind: RequestKind) => `${base}:${kind}`,
      /** Keyed by the reset instant, so a new day starts from zero without anyone resetting it. */
      daily: (resetsAt: number) => `${base}:daily:${new Date(resetsAt).toISOString()}`,
      pause: `${base}:pause`,
    };
  }

  async function run(script: RedisScript, keyList: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(script.sha, keyList.length, ...keyList, ...args);
    } catch (error) {
      // first use on this Redis, or after SCRIPT FLUSH / a restart: send the source once
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(script.source, keyList.length, ...keyList, ...args);
    }
  }

  /** Waits for a slot and records `member` in it; `holdMs` keeps it taken while the request is in flight. */
  async function grant(installationId: string, policy: RatePolicy, kind: RequestKind, member: string, holdMs: number): Promise<number> {
    const limit = policy[kind];
    checkLimit(limit, kind);
    const key = keys(installationId);
    const resetsAtOf = policy.dailyResetsAt ?? nextMidnight;
    for (;;) {
      const now = localNow();
      const resetsAt = resetsAtOf(now);
      const reply = (await run(
        ACQUIRE_SCRIPT,
        [key.window(kind), key.daily(resetsAt), key.pause],
        [scriptNow(), limit.windowMs, limit.max, policy.daily ?? -1, resetsAt - now + DAILY_KEY_GRACE_MS, member, holdMs],
      )) as [number, number];
      const [result, value] = reply;
      switch (result) {
        case ACQUIRE_RESULT.granted:
          return value;
        case ACQUIRE_RESULT.wait:
          await sleep(value + Math.floor(random() * MAX_JITTER_MS));
          break;
        case ACQUIRE_RESULT.pausedForDay:
          throw new DailyQuotaExhaustedError(installationId, value, 'crm');
        case ACQUIRE_RESULT.dailyBudgetSpent:
          throw new DailyQuotaExhaustedError(installationId, resetsAt, 'counted');
        default:
          throw new Error(`rate-limit script answered ${JSON.stringify(reply)}`);
      }
    }
  }

  return {
    acquire: (installationId, policy, kind) => grant(installationId, policy, kind, randomUUID(), 0),

    async lease(installationId, policy, kind): Promise<Lease> {
      const member = randomUUID();
      const grantedAt = await grant(installationId, policy, kind, member, IN_FLIGHT_HOLD_MS);
      let settled: Promise<void> | null = null;
      const settle = (): Promise<void> =>
        (settled ??= run(SETTLE_SCRIPT, [keys(installationId).window(kind)], [scriptNow(), policy[kind].windowMs, member]).then(
          () => undefined,
          // the request is done whatever Redis says: an unsettled slot frees when its hold lapses
          () => undefined,
        ));
      return { grantedAt, settle };
    },

    async pause(installationId, untilMs, reason) {
      if (!Number.isFinite(untilMs)) throw new RangeError(`untilMs must be epoch ms, got ${untilMs}`);
      await run(PAUSE_SCRIPT, [keys(installationId).pause], [scriptNow(), Math.ceil(untilMs), reason]);
    },

    async resume(installationId) {
      await redis.del(keys(installationId).pause);
    },

    async status(installationId, policy): Promise<RateLimitStatus> {
      const key = keys(installationId);
      const resetsAt = (policy.dailyResetsAt ?? nextMidnight)(localNow());
      const [standard, search, usedToday, pausedUntil, reason] = (await run(
        STATUS_SCRIPT,
        [key.window('standard'), key.window('search'), key.daily(resetsAt), key.pause],
        [scriptNow()],
      )) as [number, number, number, number, string | null];
      const paused = pausedUntil >= 0;
      return {
        pausedUntil: paused ? pausedUntil : null,
        reason: paused ? (reason as PauseReason) : null,
        usedInWindow: { standard, search },
        usedToday,
      };
    },
  };
}

/** Policies are data, possibly from configuration: a zero or fractional limit would never grant. */
function checkLimit(limit: WindowLimit, kind: RequestKind): void {
  if (!Number.isInteger(limit.max) || limit.max < 1 || !Number.isInteger(limit.windowMs) || limit.windowMs < 1) {
    throw new RangeError(`policy.${kind} needs whole numbers max ≥ 1 and windowMs ≥ 1, got ${JSON.stringify(limit)}`);
  }
}
