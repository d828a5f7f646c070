/**
 * The limiter's rules against a real Redis, on an injected clock: `sleep` advances the clock, so a
 * wait of ten seconds takes no time and every wait the limiter asks for can be checked exactly.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  createRedisRateLimiter,
  DailyQuotaExhaustedError,
  nextMidnight,
  type RateLimiter,
  type RatePolicy,
} from '../../src/rate-limit';
import { HUBSPOT_POLICIES } from '../../connectors/hubspot/rate-policies.constant';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const START = Date.UTC(2026, 10, 27, 12, 0, 0);
const SMALL: RatePolicy = { standard: { max: 3, windowMs: 10_000 }, search: { max: 2, windowMs: 1_000 }, daily: null };

describe('rate limiter on an injected clock', () => {
  const connections: Redis[] = [];
  let prefix: string;
  let now: number;
  /** Every wait the limiters asked for, in order. */
  let slept: number[];

  function limiter(): RateLimiter {
    const redis = new Redis(REDIS_URL);
    connections.push(redis);
    return createRedisRateLimiter(redis, {
      prefix,
      clock: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
      random: () => 0,
    });
  }

  beforeEach(() => {
    prefix = `leadstage-test-rate-limit-${randomUUID()}`;
    now = START;
    slept = [];
  });

  afterEach(async () => {
    const redis = connections[0]!;
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await Promise.all(connections.splice(0).map((c) => c.quit()));
  });

  it('grants max requests at once, then waits exactly until the oldest leaves the rolling window', async () => {
    const rl = limiter();
    for (const offset of [0, 2_000, 4_000]) {
      now = START + offset;
      await expect(rl.acquire('inst-a', SMALL, 'standard')).resolves.toBe(START + offset);
    }
    expect(slept).toEqual([]);
    // full at 4 s: the grant of 0 s leaves at 10 s; rolling, so not at a fixed bucket edge
    await expect(rl.acquire('inst-a', SMALL, 'standard')).resolves.toBe(START + 10_000);
    expect(slept).toEqual([6_000]);
    await expect(rl.acquire('inst-a', SMALL, 'standard')).resolves.toBe(START + 12_000);
    expect(slept).toEqual([6_000, 2_000]);
    expect((await rl.status('inst-a', SMALL)).usedInWindow).toEqual({ standard: 3, search: 0 });
  });

  it('keeps search and standard in separate buckets', async () => {
    const rl = limiter();
    for (let i = 0; i < 3; i++) await rl.acquire('inst-a', SMALL, 'standard');
    await rl.acquire('inst-a', SMALL, 'search');
    await rl.acquire('inst-a', SMALL, 'search');
    expect(slept).toEqual([]);
    await rl.acquire('inst-a', SMALL, 'search');
    expect(slept).toEqual([1_000]);
    expect((await rl.status('inst-a', SMALL)).usedInWindow).toEqual({ standard: 3, search: 1 });
  });

  it("does not slow one installation when another's window is full", async () => {
    const rl = limiter();
    for (let i = 0; i < 3; i++) await rl.acquire('inst-a', SMALL, 'standard');
    for (let i = 0; i < 3; i++) await rl.acquire('inst-b', SMALL, 'standard');
    expect(slept).toEqual([]);
  });

  it('rejects with the reset time once the daily budget is spent, for that installation only, until the reset', async () => {
    const rl = limiter();
    const policy: RatePolicy = { ...SMALL, standard: { max: 100, windowMs: 10_000 }, daily: 4 };
    for (let i = 0; i < 3; i++) await rl.acquire('inst-a', policy, 'standard');
    await rl.acquire('inst-a', policy, 'search'); // the day counts both kinds
    const midnight = Date.UTC(2026, 10, 28);
    const error = await rl.acquire('inst-a', policy, 'standard').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DailyQuotaExhaustedError);
    expect(error).toMatchObject({ installationId: 'inst-a', resetsAt: midnight, source: 'counted' });
    expect(slept).toEqual([]);
    await expect(rl.acquire('inst-b', policy, 'standard')).resolves.toBe(now);
    expect((await rl.status('inst-a', policy)).usedToday).toBe(4);

    now = midnight;
    await expect(rl.acquire('inst-a', policy, 'standard')).resolves.toBe(midnight);
    expect((await rl.status('inst-a', policy)).usedToday).toBe(1);
  });

  it("counts the day to the policy's own reset (midnight in the account's timezone)", async () => {
    const rl = limiter();
    const policy: RatePolicy = { ...HUBSPOT_POLICIES.privateStarter, daily: 1, dailyResetsAt: (t) => nextMidnight(t, 'America/New_York') };
    await rl.acquire('inst-a', policy, 'standard');
    await expect(rl.acquire('inst-a', policy, 'standard')).rejects.toMatchObject({ resetsAt: Date.UTC(2026, 10, 28, 5) });
  });

  it('makes every instance wait out a rate-limit pause, and never shortens a pause', async () => {
    const [first, second] = [limiter(), limiter()];
    await first.pause('inst-a', START + 7_000, 'rate-limit');
    await second.pause('inst-a', START + 3_000, 'rate-limit');
    expect(await second.status('inst-a', SMALL)).toEqual({
      pausedUntil: START + 7_000,
      reason: 'rate-limit',
      usedInWindow: { standard: 0, search: 0 },
      usedToday: 0,
    });
    await expect(second.acquire('inst-a', SMALL, 'search')).resolves.toBe(START + 7_000);
    expect(slept).toEqual([7_000]);
    await expect(first.acquire('inst-b', SMALL, 'standard')).resolves.toBe(START + 7_000);
    expect((await first.status('inst-a', SMALL)).pausedUntil).toBeNull();
  });

  it('rejects on every instance during a daily pause, with its end as the reset time', async () => {
    const [first, second] = [limiter(), limiter()];
    const midnight = nextMidnight(START);
    await first.pause('inst-a', midnight, 'daily');
    await expect(second.acquire('inst-a', SMALL, 'standard')).rejects.toMatchObject({
      name: 'DailyQuotaExhaustedError',
      installationId: 'inst-a',
      resetsAt: midnight,
      source: 'crm',
    });
    expect(slept).toEqual([]);
    await expect(second.acquire('inst-b', SMALL, 'standard')).resolves.toBe(START);
    now = midnight;
    await expect(second.acquire('inst-a', SMALL, 'standard')).resolves.toBe(midnight);
  });

  describe('leases: a slot counted until one window after its response', () => {
    it('frees a slot one window after its settle, not after its grant', async () => {
      const rl = limiter();
      const first = await rl.lease('inst-a', SMALL, 'standard');
      now = START + 300; // its response arrives 300 ms after the grant
      await first.settle();
      await first.settle(); // a second settle does not move it again
      for (const offset of [1_000, 2_000]) {
        now = START + offset;
        await rl.acquire('inst-a', SMALL, 'standard');
      }
      await expect(rl.acquire('inst-a', SMALL, 'standard')).resolves.toBe(START + 10_300);
      expect(slept).toEqual([8_300]);
    });

    it('holds an unsettled slot while its request is in flight, looking again each window, until the hold lapses', async () => {
      const rl = limiter();
      for (let i = 0; i < 3; i++) await rl.lease('inst-a', SMALL, 'standard'); // never settled: the process died mid-request
      await expect(rl.acquire('inst-a', SMALL, 'standard')).resolves.toBe(START + 70_000);
      // never one long sleep past a settle that could come any moment: one window at a time
      expect(slept).toEqual([10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000]);
    });

    it('keeps a held slot when a grant without a hold shares its window', async () => {
      const rl = limiter();
      await rl.lease('inst-a', SMALL, 'standard');
      await rl.acquire('inst-a', SMALL, 'standard');
      const ttl = await connections[0]!.pttl(`${prefix}:rate-limit:{inst-a}:standard`);
      expect(ttl).toBeGreaterThan(SMALL.standard.windowMs + 50_000);
    });

    /**
     * A CRM that counts arrivals in its own rolling window, and requests that reach it late: the
     * first request of every other burst takes 150 ms to arrive (a busy event loop), the rest at once.
     * Counted from grants, the window frees before the CRM's does; counted from responses, never.
     */
    async function mostArrivalsInOneWindow(send: (kind: 'standard') => Promise<() => Promise<void>>): Promise<number> {
      const windowMs = SMALL.standard.windowMs;
      const arrivals: number[] = [];
      for (let i = 0; i < 12; i++) {
        const settle = await send('standard');
        now += i % 6 === 0 ? 150 : 0;
        arrivals.push(now);
        now += 20; // the response
        await settle();
      }
      let most = 0;
      for (let i = 0; i < arrivals.length; i++) most = Math.max(most, arrivals.filter((t) => t > arrivals[i]! - windowMs && t <= arrivals[i]!).length);
      return most;
    }

    it('keeps a CRM that counts arrivals within its limit however late requests arrive', async () => {
      const rl = limiter();
      const leased = async () => (await rl.lease('inst-a', SMALL, 'standard')).settle;
      expect(await mostArrivalsInOneWindow(leased)).toBe(SMALL.standard.max);
    });

    it('(control) counted from grants, the same traffic overruns the CRM window', async () => {
      const rl = limiter();
      const granted = async () => {
        await rl.acquire('inst-b', SMALL, 'standard');
        return async () => undefined;
      };
      expect(await mostArrivalsInOneWindow(granted)).toBeGreaterThan(SMALL.standard.max);
    });
  });

  it('puts only ids in Redis keys, and refuses anything that is not an id', async () => {
    const rl = limiter();
    await rl.acquire('0b7e2a44-5d1c-4a8e-9a51-3c7f0f7d2e10', SMALL, 'standard');
    const keys = await connections[0]!.keys(`${prefix}:*`);
    expect(keys.sort()).toEqual([
      `${prefix}:rate-limit:{0b7e2a44-5d1c-4a8e-9a51-3c7f0f7d2e10}:daily:2026-11-28T00:00:00.000Z`,
      `${prefix}:rate-limit:{0b7e2a44-5d1c-4a8e-9a51-3c7f0f7d2e10}:standard`,
    ]);
    await expect(rl.acquire('Bearer CJSP5qf1KhICAQEYs-gDIIGOBii1hQIyGQAf3xBKmlwHjX7OIpuIFEavB2-qYAGQsF4', SMALL, 'standard')).rejects.toThrow(RangeError);
    await expect(rl.acquire('inst-a', { ...SMALL, search: { max: 0, windowMs: 1_000 } }, 'search')).rejects.toThrow(/policy.search/);
  });
});
