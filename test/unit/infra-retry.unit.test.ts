/**
 * Our own store or Redis failing (src/worker/infra-retry.ts) delays a job by ELAPSED time with a
 * growing wait, spending no attempt and calling no CRM, until the budget (default 30 minutes) is
 * spent; time is injected, so 30 minutes of outage take no time here.
 */
import type { JobDeps } from '../../jobs/job-deps';
import type { RateLimiter } from '../../src/rate-limit';
import { InfraFailures, isInfrastructureError } from '../../src/worker/infra-retry';
import { INFRASTRUCTURE_UNAVAILABLE, runJob } from '../../src/worker/run-job';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

function depsFailingWith(error: unknown, where: 'gate' | 'handler') {
  let classified = 0;
  const deps = {
    store: { installations: { getStatus: async () => { if (where === 'gate') throw error; return 'active'; } } },
    clock: () => 0,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    installation: async () => { if (where === 'gate') throw error; return { id: 'i1', workspaceId: 'w1', provider: 'fake' }; },
    connectorFor: async () => { throw error; },
    connectors: { has: () => true, get: () => ({ classifyError: () => { classified++; return { code: 'HTTP_500', message: 'x', retryable: true, waitUntilMs: null, budget: null, pauseInstallation: false, reauthorize: false }; } }) },
  } as unknown as JobDeps;
  return { deps, classified: () => classified };
}

const limiter = {} as RateLimiter;
const job = { workspaceId: 'w1', installationId: 'i1' };

describe('infrastructure errors', () => {
  it('recognises the store and Redis being unreachable, and nothing else', () => {
    expect(isInfrastructureError(refused)).toBe(true);
    expect(isInfrastructureError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isInfrastructureError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isInfrastructureError(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isInfrastructureError(new Error('wrapped', { cause: refused }))).toBe(true);
    expect(isInfrastructureError(new Error('Connection is closed.'))).toBe(true);
    expect(isInfrastructureError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isInfrastructureError(Object.assign(new Error('HTTP 503'), { status: 503 }))).toBe(false);
  });

  it('keeps delaying with a doubling, capped wait until 30 minutes have passed, then lets the job fail as usual', () => {
    const failures = new InfraFailures({ budgetMs: 30 * 60_000, baseMs: 1_000, capMs: 60_000 });
    let now = 0;
    const waits: number[] = [];
    for (;;) {
      const until = failures.next('k', now);
      if (until === null) break;
      waits.push(until - now);
      now = until;
    }
    expect(now).toBeGreaterThanOrEqual(30 * 60_000);
    expect(waits[0]).toBeGreaterThanOrEqual(750);
    expect(waits[0]).toBeLessThanOrEqual(1_250);
    expect(Math.max(...waits)).toBeLessThanOrEqual(75_000);
    expect(waits.length).toBeGreaterThan(25); // far more runs than the 8 attempts, none of them spent
    expect(failures.size).toBe(0);
  });

  it('delays a job whose store is down (in the gate or in its handler) without asking the connector, and forgets it once the job ends', async () => {
    const failures = new InfraFailures();
    for (const where of ['gate', 'handler'] as const) {
      const { deps, classified } = depsFailingWith(refused, where);
      const outcome = await runJob('writeback', job, deps, limiter, () => 10_000, { failures, key: `writeback:${where}` });
      expect(outcome).toMatchObject({ kind: 'delayed', error: { code: INFRASTRUCTURE_UNAVAILABLE, message: 'the store or Redis is unreachable' } });
      expect((outcome as { untilMs: number }).untilMs).toBeGreaterThan(10_000);
      expect(classified()).toBe(0);
    }
    expect(failures.size).toBe(2);
    const { deps } = depsFailingWith(new Error('a bug'), 'handler');
    await expect(runJob('writeback', job, deps, limiter, () => 20_000, { failures, key: 'writeback:gate' })).resolves.toMatchObject({ kind: 'failed' });
    expect(failures.size).toBe(1);
  });

  it('fails the job (spending an attempt) once the budget is spent', async () => {
    const failures = new InfraFailures({ budgetMs: 1_000, baseMs: 100, capMs: 100 });
    const { deps } = depsFailingWith(refused, 'handler');
    await expect(runJob('tasks', job, deps, limiter, () => 0, { failures, key: 't' })).resolves.toMatchObject({ kind: 'delayed' });
    await expect(runJob('tasks', job, deps, limiter, () => 1_000, { failures, key: 't' })).resolves.toMatchObject({ kind: 'failed', final: false, error: { code: INFRASTRUCTURE_UNAVAILABLE } });
  });
});
