import type { Job } from 'bullmq';
import type { HubSpotSandbox } from '../../sandboxes/hubspot';
import { queueCounts, startFirstSync } from '../../src/app/first-sync';
import type { Runtime } from '../../src/app/runtime';
import { serve, type Serving } from '../../src/app/serve';
import { nextMidnight } from '../../src/rate-limit';
import type { Installation } from '../../src/store';
import { FAST_POLICY, closeTestRuntime, connect, contactsAtStage, counterValue, failedJobs, startRuntime, startSandbox, tasksPerContact, expectOneFirstTouchPerSql, uniqueRun, unwrittenContacts, waitUntil } from './support/sync-harness';

/**
 * Two portals in one runtime; one has spent its DAILY budget (sandbox `dailyExhausted`). That
 * installation is paused until the daily reset and its jobs wait (delayed, not failed); the other
 * completes its whole first sync, write-back and tasks meanwhile. On real BullMQ workers: this is
 * the test of how a worker hands a delayed outcome to BullMQ (moveToDelayed, no attempt spent).
 */
const CONTACTS = 200;

describe('a DAILY 429 pauses only its installation', () => {
  const run = uniqueRun('daily');
  let spent: HubSpotSandbox;
  let healthy: HubSpotSandbox;
  let runtime: Runtime;
  let serving: Serving;
  let paused: Installation;
  let active: Installation;

  beforeAll(async () => {
    [spent, healthy] = await Promise.all([startSandbox({ contacts: CONTACTS }), startSandbox({ contacts: CONTACTS })]);
    runtime = await startRuntime(healthy, run);
    [paused, active] = (await connect(runtime, run, [
      { name: 'spent', sandbox: spent },
      { name: 'healthy', sandbox: healthy },
    ])) as [Installation, Installation];
    await startFirstSync(runtime, paused);
    await startFirstSync(runtime, active);
    spent.faults.set({ dailyExhausted: true }); // from now on every call to that portal answers the DAILY 429
    spent.resetStats(); // (ensureSchema's calls above were before the budget ran out)
    serving = await serve(runtime, { web: false, worker: true, port: 0 });

    // the healthy installation finishes everything; the spent one never gets a job through
    // (quiet twice in a row, as waitForIdle does: a finishing job can enqueue the next one in between)
    let quiet = 0;
    await waitUntil(
      'the healthy installation to be done and only delayed jobs left',
      async () => {
        const counts = await queueCounts(runtime.queues);
        const delayed = await delayedJobs();
        const done =
          Object.values(counts).every((c) => c.waiting + c.active === 0) &&
          delayed.length > 0 &&
          delayed.every((job) => job.data.installationId === paused.id) &&
          (await runtime.store.outbox.outboxBacklog(active.id)).pending === 0 &&
          (await runtime.store.tasks.listPendingTasks(active.id)).length === 0;
        quiet = done ? quiet + 1 : 0;
        return quiet >= 2;
      },
      90_000,
      250,
    );
  }, 150_000);

  afterAll(async () => {
    await closeTestRuntime(runtime, serving);
    await Promise.all([spent?.close(), healthy?.close()]);
  });

  async function delayedJobs(): Promise<Job[]> {
    // not the next runs of the job schedulers (incremental sync, nightly rescore) that the worker's reconcile keeps in place
    return (await Promise.all(Object.values(runtime.queues).map((queue) => queue.getDelayed()))).flat().filter((job) => !job.repeatJobKey);
  }

  it('paused the spent installation for the day', async () => {
    const status = await runtime.limiter.status(paused.id, FAST_POLICY);
    expect(status.reason).toBe('daily');
    // until the next UTC midnight (the worker's wall clock; the policy counts days in UTC)
    expect(status.pausedUntil).toBe(nextMidnight(Date.now()));
    const { requests, rateLimited } = spent.stats();
    expect(requests.total).toBeGreaterThan(0);
    expect(requests.byStatus).toEqual({ '429': requests.total });
    expect(rateLimited.byPolicy).toEqual({ DAILY: requests.total });
  });

  it('delayed its sync jobs until the reset instead of failing them', async () => {
    const delayed = await delayedJobs();
    const midnight = nextMidnight(Date.now());
    expect(delayed.length).toBeGreaterThan(0);
    for (const job of delayed) {
      expect([job.queueName, job.data.installationId]).toEqual(['sync', paused.id]);
      expect(job.attemptsMade).toBe(0); // delayed, not retried: no attempt spent
      // moveToDelayed(resetsAt): due at the reset (delay is counted from the move, a moment after the job was made)
      expect(Math.abs(job.timestamp + job.delay - midnight)).toBeLessThan(60_000);
    }
    expect(await failedJobs(runtime)).toBe(0);
    expect(await counterValue(runtime.metrics.jobs, { outcome: 'failed' })).toBe(0);
    expect(await counterValue(runtime.metrics.rateLimited, { policy: 'DAILY' })).toBeGreaterThanOrEqual(1);
    // once paused for the day the limiter refuses locally: at most one call per stream job got out
    expect(spent.stats().requests.total).toBeLessThanOrEqual(delayed.length);
  });

  it('kept syncing the other installation to the end', async () => {
    expect((await runtime.limiter.status(active.id, FAST_POLICY)).pausedUntil).toBeNull();
    expect(unwrittenContacts(healthy)).toEqual([]);
    expect(await runtime.store.outbox.listRecordErrors(active.id)).toEqual([]);
    const sqls = contactsAtStage(healthy, 'sql');
    const tasks = tasksPerContact(healthy);
    expect(sqls.length).toBeGreaterThan(0);
    expect(tasks.size).toBeGreaterThanOrEqual(sqls.length);
    expectOneFirstTouchPerSql(healthy);
    expect(await runtime.store.tasks.listPendingTasks(active.id)).toEqual([]);
    // and nothing of the spent portal reached the store
    expect(unwrittenContacts(spent)).toHaveLength(CONTACTS);
    // no stream got a cursor: only the mark that its first sync started
    expect((await runtime.store.checkpoints.listCheckpoints(paused.id)).map((c) => c.stream)).toEqual(['first-run:started']);
  });
});
