/**
 * The start-up pieces of self-healing that need no server: the Redis eviction-policy check and
 * the setup retry (a budget of elapsed time, a refusal that retrying cannot help fails at once).
 */
import type { Redis } from 'ioredis';
import { checkEvictionPolicy } from '../../src/app/self-heal';
import { retrySetup, SetupFailedError } from '../../src/app/setup-retry';
import type { Logger } from '../../src/log/logger';

function capture() {
  const lines: string[] = [];
  const logger = { warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`), info() {}, debug() {} } as unknown as Logger;
  return { lines, logger };
}

describe('the eviction-policy check', () => {
  it('accepts noeviction quietly, says clearly when Redis may evict, and goes on when CONFIG is disabled', async () => {
    const redis = (answer: () => Promise<unknown>) => ({ call: answer }) as unknown as Redis;
    const quiet = capture();
    expect(await checkEvictionPolicy(redis(async () => ['maxmemory-policy', 'noeviction']), quiet.logger)).toBe('noeviction');
    expect(quiet.lines).toEqual([]);
    const lru = capture();
    expect(await checkEvictionPolicy(redis(async () => ['maxmemory-policy', 'allkeys-lru']), lru.logger)).toBe('evicting');
    expect(lru.lines).toEqual([expect.stringMatching(/^error Redis maxmemory-policy is "allkeys-lru": .* Set it to "noeviction"/)]);
    const managed = capture();
    expect(await checkEvictionPolicy(redis(async () => { throw new Error("ERR unknown command 'CONFIG'"); }), managed.logger)).toBe('unknown');
    expect(managed.lines).toEqual([expect.stringMatching(/^warn Redis CONFIG is disabled here/)]);
  });
});

describe('the setup retry', () => {
  it('retries a transient failure until it succeeds', async () => {
    let calls = 0;
    const waits: number[] = [];
    const result = await retrySetup('setting up', async () => {
      if (++calls < 4) throw new Error('HTTP 503');
      return 'done';
    }, { budgetMs: 10_000, baseMs: 5, capMs: 20, onRetry: (_e, wait) => waits.push(wait) });
    expect(result).toBe('done');
    expect(waits).toEqual([5, 10, 20]);
  });

  it('gives up after its budget with one line, and at once on an error retrying cannot help', async () => {
    const failing = retrySetup('setting up the CRM account', async () => { throw new Error('HTTP 503\nbody'); }, { budgetMs: 50, baseMs: 5, capMs: 10 });
    await expect(failing).rejects.toThrow(SetupFailedError);
    await expect(failing).rejects.toThrow(/^setting up the CRM account did not succeed within 0 s \(SETUP_TIMEOUT_SECONDS\); last error: HTTP 503$/);
    let calls = 0;
    const refused = retrySetup('setting up', async () => { calls++; throw new Error('401 revoked'); }, { budgetMs: 60_000, retryable: () => false });
    await expect(refused).rejects.toThrow('setting up failed and retrying cannot help: 401 revoked');
    expect(calls).toBe(1);
  });

  it('stops waiting when the process is told to stop', async () => {
    const stop = new AbortController();
    const running = retrySetup('setting up', async () => { throw new Error('HTTP 503'); }, { budgetMs: 60_000, baseMs: 10_000, signal: stop.signal });
    setTimeout(() => stop.abort(), 20);
    await expect(running).rejects.toThrow('HTTP 503');
  });
});
