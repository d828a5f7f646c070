import type { HubSpotSandbox } from '../../sandboxes/hubspot';
import { startFirstSync } from '../../src/app/first-sync';
import type { Runtime } from '../../src/app/runtime';
import type { Installation } from '../../src/store';
import {
  FAST_POLICY,
  closeTestRuntime,
  connect,
  contactsAtStage,
  counterValue,
  failedJobs,
  startRuntime,
  startSandbox,
  tasksPerContact,
  expectOneFirstTouchPerSql,
  uniqueRun,
  unwrittenContacts,
} from './support/sync-harness';

/**
 * A 429 storm during the first sync and the write-back (TEN_SECONDLY_ROLLING bursts injected by the
 * sandbox): the workers pause the installation and delay their jobs instead of failing them, and
 * when the storm has passed every contact is written, once, with one task per SQL.
 * Then an unchanged re-sync must write nothing. The jobs run in process (the in-process queue
 * driver); the pauses are the shared limiter's, on Redis.
 */
const CONTACTS = 300;
/**
 * Each TEN_SECONDLY_ROLLING 429 costs a 10 s pause (src/rate-limit/classify-429.util.ts) and the
 * sync of one installation is one request at a time, so a burst of N costs about N × 10 s: one
 * rolling 429 on the sync and one on the write-back, with a burst of secondly 429s (1 s each) in
 * between, keep the storm under a minute.
 */
const SYNC_ROLLING = 1;
const SYNC_SECONDLY = 4;
const WRITE_ROLLING = 1;
const TOTAL = SYNC_ROLLING + SYNC_SECONDLY + WRITE_ROLLING;
const BATCH_UPDATE = 'POST /crm/v3/objects/contacts/batch/update';
const TASK_CREATE = 'POST /crm/v3/objects/tasks/batch/create';

describe('sync under a 429 storm', () => {
  const run = uniqueRun('429');
  let sandbox: HubSpotSandbox;
  let runtime: Runtime;
  let installation: Installation;
  const pausesSeen: Array<{ reason: string | null; pausedUntil: number | null }> = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ contacts: CONTACTS });
    runtime = await startRuntime(sandbox, run, { queueDriver: 'in-process' });
    [installation] = (await connect(runtime, run, [{ name: 'portal', sandbox }])) as [Installation];
    await startFirstSync(runtime, installation); // ensureSchema runs here, before the storm
    // the first requests of the sync get 429s…
    sandbox.faults.set({ burst429: SYNC_ROLLING, burstPolicy: 'TEN_SECONDLY_ROLLING' });
    const queue = runtime.inProcess!;

    const watchPause = async () => {
      const status = await runtime.limiter.status(installation.id, FAST_POLICY);
      if (status.pausedUntil !== null) pausesSeen.push({ reason: status.reason, pausedUntil: status.pausedUntil });
    };
    const burstSpent = (n: number) => async () => {
      await watchPause();
      return sandbox.stats().faults.burst429s >= n;
    };
    // each stage runs jobs until its burst is spent (checked between jobs), then arms the next
    await queue.drain({ until: burstSpent(SYNC_ROLLING) });
    sandbox.faults.set({ burst429: SYNC_SECONDLY, burstPolicy: 'SECONDLY' });
    await queue.drain({ until: burstSpent(SYNC_ROLLING + SYNC_SECONDLY) });
    // …and then the first contact batch updates (the write-back) get theirs
    sandbox.faults.set({ burst429: WRITE_ROLLING, burstPolicy: 'TEN_SECONDLY_ROLLING', pathPrefix: '/crm/v3/objects/contacts/batch/update' });
    await queue.drain({ until: burstSpent(TOTAL) });
    await watchPause();
    await queue.runUntilIdle();
  }, 180_000);

  afterAll(async () => {
    await closeTestRuntime(runtime);
    await sandbox?.close();
  });

  it('hit every injected 429 and paused the installation instead of failing jobs', async () => {
    const stats = sandbox.stats();
    expect(stats.faults.burst429s).toBe(TOTAL);
    expect(stats.requests.byStatus['429']).toBe(TOTAL);
    expect(stats.rateLimited.byPolicy).toEqual({ TEN_SECONDLY_ROLLING: SYNC_ROLLING + WRITE_ROLLING, SECONDLY: SYNC_SECONDLY });
    // the shared limiter held a rate-limit pause while the storm lasted
    expect(pausesSeen.length).toBeGreaterThan(0);
    expect(new Set(pausesSeen.map((p) => p.reason))).toEqual(new Set(['rate-limit']));
    // the workers counted the 429s and delayed their jobs; none failed, not even for one attempt
    // the write-back's 429 pauses the installation too: a rate-limited batch is the installation's
    // problem, not its records', so the job waits instead of marking the writes for a retry
    expect(await counterValue(runtime.metrics.rateLimited, { policy: 'TEN_SECONDLY_ROLLING' })).toBe(SYNC_ROLLING + WRITE_ROLLING);
    expect(await counterValue(runtime.metrics.rateLimited, { policy: 'SECONDLY' })).toBe(SYNC_SECONDLY);
    expect(await counterValue(runtime.metrics.jobs, { queue: 'sync', outcome: 'delayed' })).toBeGreaterThanOrEqual(1);
    expect(await counterValue(runtime.metrics.jobs, { outcome: 'failed' })).toBe(0);
    expect(await failedJobs(runtime)).toBe(0);
  });

  it('wrote every contact, left nothing in the outbox and recorded no errors', async () => {
    expect(unwrittenContacts(sandbox)).toEqual([]);
    expect(await runtime.store.outbox.outboxBacklog(installation.id)).toMatchObject({ pending: 0 });
    expect(await runtime.store.outbox.listRecordErrors(installation.id)).toEqual([]);
    expect(await runtime.store.tasks.listPendingTasks(installation.id)).toEqual([]);
  });

  it('gave every SQL exactly one first-touch task, nobody but held handoffs another, and no task twice', async () => {
    expectOneFirstTouchPerSql(sandbox);
  });

  /** One incremental pass with the data the job scheduler carries (serve.command.ts → scheduleIncrementalSync). */
  async function resync() {
    const before = new Map([...sandbox.store.collection('contacts').scan()].map((r) => [r.id, { ...r.properties }]));
    sandbox.resetStats();
    const connector = await runtime.deps.connectorFor(installation);
    await runtime.enqueue.sync({ workspaceId: installation.workspaceId, installationId: installation.id, stream: connector.streams[0]!, then: connector.streams.slice(1) });
    await runtime.inProcess!.runUntilIdle();
    const changed = new Map<string, string[]>();
    for (const record of sandbox.store.collection('contacts').scan()) {
      const was = before.get(record.id)!;
      const keys = Object.keys(record.properties).filter((k) => k !== 'lastmodifieddate' && record.properties[k] !== was[k]);
      if (keys.length > 0) changed.set(record.id, keys.sort());
    }
    return { stats: sandbox.stats(), changed };
  }

  // twice: the first re-sync also re-reads the contacts our own write-back modified (their echo)
  it.each([1, 2])('writes nothing on unchanged re-sync #%i (reads only)', async () => {
    const { stats, changed } = await resync();
    expect(stats.requests.total).toBeGreaterThan(0);
    expect(changed.size).toBe(0);
    expect(stats.requests.byEndpoint[BATCH_UPDATE] ?? 0).toBe(0);
    expect(stats.requests.byEndpoint[TASK_CREATE] ?? 0).toBe(0);
    expect(stats.writes).toMatchObject({ contactBatchUpdateRequests: 0, contactsUpdated: 0, tasksCreated: 0, propertiesCreated: 0 });
    const writes = Object.keys(stats.requests.byEndpoint).filter((key) => !key.startsWith('GET ') && !/\/(search|batch\/read)$/.test(key));
    expect(writes).toEqual([]);
    expect(await runtime.store.outbox.outboxBacklog(installation.id)).toMatchObject({ pending: 0 });
  });
});
