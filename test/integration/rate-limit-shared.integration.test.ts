/**
 * Several limiters, each on its own Redis connection as separate worker processes would be, on the
 * real clock with a compressed window (20 per 200 ms): together they never exceed the limit in any
 * rolling window, and while work is pending they use at least 90% of it.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisRateLimiter, type RateLimiter, type RatePolicy } from '../../src/rate-limit';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const WINDOW_MS = 200;
const MAX = 20;
const POLICY: RatePolicy = { standard: { max: MAX, windowMs: WINDOW_MS }, search: { max: 5, windowMs: 100 }, daily: null };
const INSTANCES = 4;
const WAITERS_PER_INSTANCE = 8;

/** The most grants in any `windowMs` starting at a grant; more than `max` means the limit was broken. */
function mostInAnyWindow(sortedGrants: number[], windowMs: number): number {
  let most = 0;
  let end = 0;
  for (let start = 0; start < sortedGrants.length; start++) {
    while (end < sortedGrants.length && sortedGrants[end]! < sortedGrants[start]! + windowMs) end++;
    most = Math.max(most, end - start);
  }
  return most;
}

/** Grants per consecutive fixed window from `from`, for the windows that end by `until`. */
function perWindow(sortedGrants: number[], from: number, until: number, windowMs: number): number[] {
  const counts: number[] = [];
  for (let start = from; start + windowMs <= until; start += windowMs) {
    counts.push(sortedGrants.filter((t) => t >= start && t < start + windowMs).length);
  }
  return counts;
}

describe('rate limiter shared by several processes (real clock, real Redis)', () => {
  const connections: Redis[] = [];
  let prefix: string;
  let limiters: RateLimiter[];

  beforeEach(() => {
    prefix = `leadstage-test-rate-limit-${randomUUID()}`;
    limiters = Array.from({ length: INSTANCES }, () => {
      const redis = new Redis(REDIS_URL);
      connections.push(redis);
      return createRedisRateLimiter(redis, { prefix });
    });
  });

  afterEach(async () => {
    const keys = await connections[0]!.keys(`${prefix}:*`);
    if (keys.length > 0) await connections[0]!.del(...keys);
    await Promise.all(connections.splice(0).map((c) => c.quit()));
  });

  /** Every instance keeps WAITERS_PER_INSTANCE acquires pending until `runMs` has passed; returns the sorted grant times. */
  async function saturate(installationId: string, kind: 'standard' | 'search', runMs: number): Promise<number[]> {
    const deadline = Date.now() + runMs;
    const grants: number[] = [];
    const waiter = async (limiter: RateLimiter): Promise<void> => {
      while (Date.now() < deadline) grants.push(await limiter.acquire(installationId, POLICY, kind));
    };
    await Promise.all(limiters.flatMap((limiter) => Array.from({ length: WAITERS_PER_INSTANCE }, () => waiter(limiter))));
    return grants.sort((a, b) => a - b);
  }

  it('never grants more than max in any rolling window, and uses ≥ 90% of it while work is pending', async () => {
    const windows = 6;
    // a quiet installation on the same limiters, timed while the hot one is saturated
    const quietLatencies: number[] = [];
    const quiet = (async () => {
      for (let i = 0; i < 10; i++) {
        await new Promise((resolve) => setTimeout(resolve, 40));
        const asked = Date.now();
        await limiters[i % INSTANCES]!.acquire('quiet', POLICY, 'standard');
        quietLatencies.push(Date.now() - asked);
      }
    })();
    const [grants] = await Promise.all([saturate('hot', 'standard', windows * WINDOW_MS), quiet]);

    expect(mostInAnyWindow(grants, WINDOW_MS)).toBe(MAX);
    // the last window is cut short by the deadline, so judge the full ones before it
    const counts = perWindow(grants, grants[0]!, grants[0]! + (windows - 1) * WINDOW_MS, WINDOW_MS);
    const utilisation = counts.reduce((a, b) => a + b, 0) / (counts.length * MAX);
    // rolling view: a slot is reused every `cycle` ms on average, against the ideal WINDOW_MS
    const cycles = grants.slice(MAX).map((t, i) => t - grants[i]!);
    const cycle = cycles.reduce((a, b) => a + b, 0) / cycles.length;
    console.log(
      `shared limiter, ${INSTANCES}×${WAITERS_PER_INSTANCE} waiters, ${MAX}/${WINDOW_MS} ms: grants per window ${counts.join(', ')} ` +
        `(${(utilisation * 100).toFixed(1)}%); slot reuse every ${cycle.toFixed(1)} ms (${((WINDOW_MS / cycle) * 100).toFixed(1)}%); ` +
        `quiet installation waited at most ${Math.max(...quietLatencies)} ms`,
    );
    for (const count of counts) expect(count).toBeGreaterThanOrEqual(0.9 * MAX);
    expect(WINDOW_MS / cycle).toBeGreaterThanOrEqual(0.9);
    // one installation's full window does not slow another: no quiet acquire waited for a slot
    expect(Math.max(...quietLatencies)).toBeLessThan(WINDOW_MS / 2);
  });

  it('keeps search apart from standard under load: a saturated search bucket leaves standard free', async () => {
    // a limiter whose every wait is counted: standard requests granted without one never queued
    // behind the search bucket, however slow the machine (no wall-clock threshold)
    const standardWaits: number[] = [];
    const standard = createRedisRateLimiter(connections[0]!, {
      prefix,
      sleep: (ms) => {
        standardWaits.push(ms);
        return new Promise((resolve) => setTimeout(resolve, ms));
      },
    });
    const searchGrants = saturate('hot', 'search', 300);
    for (let i = 0; i < MAX; i++) await standard.acquire('hot', POLICY, 'standard');
    const grants = await searchGrants;
    expect(mostInAnyWindow(grants, 100)).toBe(5);
    expect(standardWaits).toEqual([]);
  });

  it('holds every instance until a pause set by one of them ends', async () => {
    const until = Date.now() + 150;
    await limiters[0]!.pause('hot', until, 'rate-limit');
    const grants = await Promise.all(limiters.map((limiter) => limiter.acquire('hot', POLICY, 'standard')));
    for (const grant of grants) expect(grant).toBeGreaterThanOrEqual(until);
    expect(Math.max(...grants) - until).toBeLessThan(50);
  });
});
