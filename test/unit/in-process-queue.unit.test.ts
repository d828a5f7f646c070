import { unclassifiedError } from '../../src/connector/crm-error';
import { BULK_PRIORITY, GATHER_MS, JOB_ATTEMPTS } from '../../src/queue/enqueuer';
import { InProcessQueue, manualClock, skippingClock, type JobRunner } from '../../src/queue/in-process-queue.driver';
import type { QueueName } from '../../src/queue/job-data';
import { runJob, type JobOutcome } from '../../src/worker/run-job';

/**
 * The in-process queue driver on a manual clock: what it runs, in which order, at which time, and
 * what it keeps of failures, with a scripted runner that records each run.
 */
const T0 = Date.parse('2026-11-27T12:00:00Z');
const completed: JobOutcome = { kind: 'completed', result: null };

interface Run {
  queue: QueueName;
  data: unknown;
  attempt: number;
  at: number;
}

function setup(options: { concurrency?: number } = {}) {
  const clock = manualClock(T0);
  const queue = new InProcessQueue({ clock, ...options });
  const runs: Run[] = [];
  /** What a run returns; by default it completes. May enqueue more (as jobs do). */
  let script: (run: Run) => JobOutcome | Promise<JobOutcome> = () => completed;
  const runner: JobRunner = async (name, data, attempt) => {
    const run = { queue: name, data, attempt, at: clock.now() };
    runs.push(run);
    return script(run);
  };
  queue.setRunner(runner);
  return {
    clock,
    queue,
    runs,
    script: (next: typeof script) => void (script = next),
    /** Runs as "queue:key@ms after T0". */
    trace: () => runs.map((run) => `${run.queue}:${label(run.data)}@${run.at - T0}`),
  };
}

function label(data: unknown): string {
  const d = data as Record<string, unknown>;
  if (Array.isArray(d.personIds)) return `batch(${d.personIds[0]}…${d.personIds.length})`;
  return String(d.personId ?? d.stream ?? d.installationId);
}

const ws = 'ws-1';
const syncData = (stream: string, extra: object = {}) => ({ workspaceId: ws, installationId: 'inst-1', stream, then: [], ...extra });
const retryable = (message: string): JobOutcome => ({ kind: 'failed', final: false, error: unclassifiedError(new Error(message)), cause: new Error(message) });

describe('in-process queue driver', () => {
  it('de-duplicates per key while a job waits: one sync per installation and stream, one score per person, one writeback and one tasks job per installation', async () => {
    const { queue, trace } = setup();
    await queue.sync(syncData('contacts'));
    await queue.sync(syncData('contacts', { runNow: 5 })); // same key: dropped
    await queue.sync(syncData('deals'));
    await queue.sync({ ...syncData('contacts'), installationId: 'inst-2' });
    await queue.score([{ workspaceId: ws, personId: 'p1' }, { workspaceId: ws, personId: 'p1' }, { workspaceId: ws, personId: 'p2' }]);
    await queue.writeback({ workspaceId: ws, installationId: 'inst-1' });
    await queue.writeback({ workspaceId: ws, installationId: 'inst-1' }, 0);
    await queue.tasks({ workspaceId: ws, installationId: 'inst-1' });
    await queue.tasks({ workspaceId: ws, installationId: 'inst-2' });
    expect(queue.size).toBe(8);

    const result = await queue.drain();
    expect(trace()).toEqual(['sync:contacts@0', 'sync:deals@0', 'sync:contacts@0', 'score:p1@0', 'score:p2@0', 'writeback:inst-1@2000', 'tasks:inst-1@2000', 'tasks:inst-2@2000']);
    expect(result).toEqual({ completed: 8, delayed: 0, retried: 0, failed: [], pending: 0, advancedMs: GATHER_MS });
    // the dropped sync did not replace the waiting one's data
    expect(queue.list()).toEqual([]);
  });

  it('keepLastIfActive: jobs added while one of the same key runs give exactly one more run afterwards, with the last data', async () => {
    const { queue, runs, script, trace } = setup();
    script(async (run) => {
      if (runs.length === 1) {
        // the person changes twice while being scored, and the writeback of another installation is asked for
        await queue.score([{ workspaceId: 'first-change', personId: 'p1' }]);
        await queue.score([{ workspaceId: 'second-change', personId: 'p1' }]);
        await queue.writeback({ workspaceId: ws, installationId: 'inst-9' }, 0);
      }
      return completed;
    });
    await queue.score([{ workspaceId: ws, personId: 'p1' }]);
    const result = await queue.drain();
    expect(trace()).toEqual(['score:p1@0', 'writeback:inst-9@0', 'score:p1@0']);
    expect(runs.map((run) => (run.data as { workspaceId: string }).workspaceId)).toEqual([ws, ws, 'second-change']);
    expect(result.completed).toBe(3);
  });

  it('a job kept while its key ran starts its delay when the running one finishes', async () => {
    const { queue, runs, script, trace } = setup();
    script(async (run) => {
      if (runs.length === 1) {
        await queue.writeback({ workspaceId: ws, installationId: 'inst-1' }); // gather delay, counted from the finish
        return { kind: 'delayed', untilMs: run.at + 10_000, error: { ...unclassifiedError(new Error('quota')), waitUntilMs: run.at + 10_000 } };
      }
      return completed;
    });
    await queue.writeback({ workspaceId: ws, installationId: 'inst-1' }, 0);
    await queue.drain();
    // the first job waited for its quota (still holding the key), then completed; the kept one came after
    expect(trace()).toEqual(['writeback:inst-1@0', 'writeback:inst-1@10000', 'writeback:inst-1@12000']);
  });

  it('runs delayed jobs in due order, moving the clock only when nothing is ready', async () => {
    const { queue, clock, trace } = setup();
    await queue.writeback({ workspaceId: ws, installationId: 'inst-a' }); // gather: +2 s
    await queue.tasks({ workspaceId: ws, installationId: 'inst-a' }, 500);
    await queue.writeback({ workspaceId: ws, installationId: 'inst-b' }, 60_000);
    await queue.tasks({ workspaceId: ws, installationId: 'inst-b' }, 0);
    await queue.score([{ workspaceId: ws, personId: 'p1' }]);
    expect(queue.list().map((job) => [job.queue, job.state, job.dueAt - T0])).toEqual([
      ['tasks', 'waiting', 0],
      ['score', 'waiting', 0],
      ['tasks', 'delayed', 500],
      ['writeback', 'delayed', 2_000],
      ['writeback', 'delayed', 60_000],
    ]);
    const result = await queue.drain();
    expect(trace()).toEqual(['tasks:inst-b@0', 'score:p1@0', 'tasks:inst-a@500', 'writeback:inst-a@2000', 'writeback:inst-b@60000']);
    expect(clock.now() - T0).toBe(60_000);
    expect(result.advancedMs).toBe(60_000);
  });

  it('takes jobs without a priority before bulk work, and bulk work first in, first out', async () => {
    const { queue, trace } = setup();
    const people = Array.from({ length: 250 }, (_, i) => `b${String(i).padStart(3, '0')}`);
    await queue.scoreBatch(ws, people); // three pages of at most SCORE_BATCH, at bulk priority
    await queue.sync(syncData('contacts', { firstRun: true })); // bulk
    await queue.sync(syncData('deals')); // incremental
    await queue.score([{ workspaceId: ws, personId: 'p1' }]);
    expect(queue.list().map((job) => job.priority)).toEqual([BULK_PRIORITY, BULK_PRIORITY, BULK_PRIORITY, BULK_PRIORITY, 0, 0]);
    await queue.drain();
    expect(trace()).toEqual(['sync:deals@0', 'score:p1@0', 'score:batch(b000…100)@0', 'score:batch(b100…100)@0', 'score:batch(b200…50)@0', 'sync:contacts@0']);
  });

  it('retries a failing job with a doubling backoff, then records it as failed with its data and error', async () => {
    const { queue, script, trace } = setup();
    script(() => retryable('CRM answered 503'));
    const data = { workspaceId: ws, installationId: 'inst-1' };
    await queue.tasks(data, 0);
    const result = await queue.drain();
    const waits = [0, 1_000, 3_000, 7_000, 15_000, 31_000, 63_000, 127_000];
    expect(trace()).toEqual(waits.map((ms) => `tasks:inst-1@${ms}`));
    expect(result).toMatchObject({ completed: 0, retried: JOB_ATTEMPTS - 1, pending: 0 });
    expect(result.failed).toEqual([expect.objectContaining({ queue: 'tasks', data, attemptsMade: JOB_ATTEMPTS, error: expect.objectContaining({ code: 'UNCLASSIFIED', message: 'CRM answered 503' }) })]);
    expect(queue.failed).toEqual(result.failed);
    // the key is free again: the same job can be queued anew
    await queue.tasks(data, 0);
    expect(queue.size).toBe(1);
  });

  it('counts each attempt, completes a job that succeeds on a retry, and fails a final failure at once', async () => {
    const { queue, runs, script } = setup();
    script((run) => {
      const key = label(run.data);
      if (key === 'flaky') return run.attempt < 3 ? retryable('timeout') : completed;
      if (key === 'bad') return { kind: 'failed', final: true, error: { ...unclassifiedError(new Error('400 bad value')), retryable: false }, cause: new Error('400 bad value') };
      throw new Error('not a JobOutcome: the runner itself broke');
    });
    await queue.writeback({ workspaceId: ws, installationId: 'flaky' }, 0);
    await queue.writeback({ workspaceId: ws, installationId: 'bad' }, 0);
    await queue.tasks({ workspaceId: ws, installationId: 'throws' }, 0);
    const result = await queue.drain({ horizonMs: 5_000 });
    expect(runs.filter((run) => label(run.data) === 'flaky').map((run) => [run.attempt, run.at - T0])).toEqual([[1, 0], [2, 1_000], [3, 3_000]]);
    expect(result.completed).toBe(1);
    expect(result.failed.map((failed) => [failed.data, failed.attemptsMade, failed.error.message])).toEqual([[{ workspaceId: ws, installationId: 'bad' }, 1, '400 bad value']]);
    // a runner that throws is retried like a retryable failure; its next run is beyond this drain's horizon
    expect(queue.list().map((job) => [job.queue, job.attemptsMade, job.state, job.dueAt - T0])).toEqual([['tasks', 3, 'delayed', 7_000]]);
    expect(result.pending).toBe(1);
  });

  it('runs a delayed outcome again at its time without spending an attempt; beyond the horizon it stays pending until promoted', async () => {
    const { queue, clock, script, trace } = setup();
    const midnight = Date.parse('2026-11-28T00:00:00Z');
    let quotaBack = false;
    script(() => (quotaBack ? completed : { kind: 'delayed', untilMs: midnight, error: { ...unclassifiedError(new Error('daily quota')), budget: 'daily', waitUntilMs: midnight } }));
    await queue.sync(syncData('contacts'));
    const result = await queue.drain();
    expect(result).toMatchObject({ completed: 0, delayed: 1, failed: [], pending: 1, advancedMs: 0 });
    const [job] = queue.list('delayed');
    expect(job).toMatchObject({ queue: 'sync', attemptsMade: 0, dueAt: midnight });
    await expect(queue.runUntilIdle()).rejects.toThrow(/not idle: 1 job\(s\): sync #1 delayed due 2026-11-28T00:00:00.000Z/);

    quotaBack = true;
    queue.promote(job!.id);
    expect(await queue.runUntilIdle()).toMatchObject({ completed: 1, pending: 0 });
    expect(trace()).toEqual(['sync:contacts@0', 'sync:contacts@0']);
    expect(clock.now()).toBe(T0);
  });

  it('stops taking jobs once `until` holds', async () => {
    const { queue, runs } = setup();
    await queue.score(['p1', 'p2', 'p3', 'p4'].map((personId) => ({ workspaceId: ws, personId })));
    const result = await queue.drain({ until: () => runs.length >= 2 });
    expect(result).toMatchObject({ completed: 2, pending: 2 });
    expect((await queue.drain()).completed).toBe(2);
  });

  it('runs N jobs at a time when asked, never two of one key', async () => {
    const { queue, script } = setup({ concurrency: 2 });
    let active = 0;
    let most = 0;
    const keysActive = new Set<string>();
    let overlap = false;
    let changed = false;
    script(async (run) => {
      const key = label(run.data);
      if (keysActive.has(key)) overlap = true;
      keysActive.add(key);
      most = Math.max(most, ++active);
      if (key === 'p1' && !changed) {
        changed = true; // p1 changes while it is scored: one more run of p1, after this one
        await queue.score([{ workspaceId: ws, personId: 'p1' }]);
      }
      await new Promise((resolve) => setImmediate(resolve));
      active--;
      keysActive.delete(key);
      return completed;
    });
    await queue.score(['p1', 'p2', 'p3'].map((personId) => ({ workspaceId: ws, personId })));
    const result = await queue.drain();
    expect(result.completed).toBe(4);
    expect(most).toBe(2);
    expect(overlap).toBe(false);
  });

  it('refuses to run a chain that never ends', async () => {
    const { queue, script } = setup();
    script(async (run) => {
      await queue.tasks({ workspaceId: ws, installationId: `next-${run.attempt}-${Math.random()}` }, 0);
      return completed;
    });
    await queue.tasks({ workspaceId: ws, installationId: 'first' }, 0);
    await expect(queue.drain({ maxRuns: 50 })).rejects.toThrow(/drain ran 50 jobs without becoming idle/);
  });

  it('records a payload that does not fit its queue as failed at once when run through runJob', async () => {
    const clock = manualClock(T0);
    const queue = new InProcessQueue({ clock });
    // runJob refuses the payload before it needs any dependency
    queue.setRunner((name, data) => runJob(name, data, undefined as never, undefined as never));
    await queue.sync({ workspaceId: ws, installationId: 'inst-1', stream: 'contacts', then: [], extra: true } as never);
    const result = await queue.drain();
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]).toMatchObject({ queue: 'sync', attemptsMade: 1, error: { code: 'JOB_DATA_INVALID', retryable: false } });
    expect(result.failed[0]!.error.message).toMatch(/sync job data does not fit its schema: \(payload\): Unrecognized key: "extra"/);
  });
});

describe('skipping clock', () => {
  it('runs with its base and jumps forward only; a clock that follows it jumps by as much', () => {
    let wall = 1_000;
    const clock = skippingClock(() => wall);
    const jobs = clock.follow(() => wall + 50_000);
    wall += 10;
    expect([clock.now(), jobs()]).toEqual([1_010, 51_010]);
    clock.advanceTo(5_000);
    clock.advanceTo(2_000); // never back
    expect([clock.now(), jobs(), clock.skippedMs]).toEqual([5_000, 55_000, 3_990]);
  });
});
