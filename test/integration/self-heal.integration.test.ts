/**
 * The reconcile (src/app/self-heal.ts) on BullMQ queues with no worker running: what Redis lacks
 * is found (readiness words) and put back, once; an installation whose setup never ran is left
 * alone; a first sync whose jobs are gone (failed for good, or lost with Redis) is restarted.
 */
import './support/native-pglite';
import type { Runtime } from '../../src/app/runtime';
import { inspectWork, reconcile } from '../../src/app/self-heal';
import { markFirstSyncStarted } from '../../src/sync/first-sync-marks';
import type { Installation } from '../../src/store';
import { closeTestRuntime, connect, startRuntime, startSandbox, uniqueRun } from './support/sync-harness';
import type { HubSpotSandbox } from '../../sandboxes/hubspot';

describe('the reconcile', () => {
  const run = uniqueRun('reconcile');
  let sandbox: HubSpotSandbox;
  let runtime: Runtime | undefined;
  let installation: Installation;

  beforeAll(async () => {
    sandbox = await startSandbox({ contacts: 10 });
    runtime = await startRuntime(sandbox, run);
    [installation] = (await connect(runtime, run, [{ name: 'r', sandbox }])) as [Installation];
  });
  afterAll(async () => {
    await closeTestRuntime(runtime);
    await sandbox?.close();
  });

  it('leaves an installation whose setup has not started its first sync alone, and says the first sync is stalled', async () => {
    const result = await reconcile(runtime!);
    expect(result).toMatchObject({ schedulersCreated: 0, writebacksEnqueued: 0, tasksEnqueued: 0, firstSyncsRestarted: 0 });
    expect(result.report.checks).toEqual({ schedulers: 'ok', writes: 'ok', firstSync: 'stalled' });
  });

  it('puts back the schedulers and restarts a first sync no job carries, once', async () => {
    await markFirstSyncStarted(runtime!.store.checkpoints, installation.id, new Date(runtime!.deps.clock()));
    const before = await inspectWork(runtime!);
    expect(before.checks).toEqual({ schedulers: 'missing', writes: 'ok', firstSync: 'stalled' });

    const first = await reconcile(runtime!);
    expect(first).toMatchObject({ schedulersCreated: 2, firstSyncsRestarted: 1 });
    expect(first.report.checks).toEqual({ schedulers: 'ok', writes: 'ok', firstSync: 'ok' });
    expect(await runtime!.queues.sync.getJobScheduler(`sync-${installation.id}`)).toBeTruthy();
    expect(await runtime!.queues.score.getJobScheduler(`decay-${installation.workspaceId}`)).toBeTruthy();
    const restarted = (await runtime!.queues.sync.getJobs(['waiting', 'prioritized', 'delayed'])).filter((job) => job.data.firstRun);
    expect(restarted.length).toBeGreaterThan(0);
    expect(restarted.every((job) => job.data.installationId === installation.id)).toBe(true);

    const again = await reconcile(runtime!);
    expect(again).toMatchObject({ schedulersCreated: 0, writebacksEnqueued: 0, tasksEnqueued: 0, firstSyncsRestarted: 0 });
  });

  it('restarts it again when its jobs are gone (failed for good), and sets the gauges', async () => {
    for (const job of (await runtime!.queues.sync.getJobs(['waiting', 'prioritized', 'delayed'])).filter((j) => j.data.firstRun)) await job.remove();
    for (const job of (await runtime!.queues.sync.getJobs(['waiting', 'prioritized', 'delayed'])).filter((j) => j.data.firstRun)) await job.remove();
    expect((await inspectWork(runtime!)).checks.firstSync).toBe('stalled');
    expect(await reconcile(runtime!)).toMatchObject({ firstSyncsRestarted: 1 });
    const depth = await runtime!.metrics.queueDepth.get();
    expect(depth.values.find((v) => v.labels.queue === 'sync')?.value).toBeGreaterThan(0);
  });
});
