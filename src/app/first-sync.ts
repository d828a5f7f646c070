import type { Queue } from 'bullmq';
import type { QueueName } from '../queue/job-data';
import type { Installation } from '../store';
import { firstSyncPhases } from '../sync/first-sync-phases';
import { markFirstSyncStarted } from '../sync/first-sync-marks';
import { recordSetupProblems } from '../sync/installation-problems';
import type { Runtime } from './runtime';

/**
 * Starts an installation's first full sync: the first phase's streams at once (see
 * CrmConnector.firstSyncPhases), each page enqueuing the next, all ending at the same instant; the
 * sync job starts the next phase when one is caught up. Events that arrive before their person get
 * a person of their own that the record joins later, so nothing is lost whatever the order.
 */
export async function startFirstSync(runtime: Runtime, installation: Installation): Promise<void> {
  const connector = await runtime.deps.connectorFor(installation);
  // what setup could not do is recorded against the installation; the sync goes on with the rest
  await recordSetupProblems(runtime.store, installation, await connector.ensureSchema(), runtime.deps.clock(), runtime.deps.logger);
  const runNow = runtime.deps.clock();
  await markFirstSyncStarted(runtime.store.checkpoints, installation.id, new Date(runNow));
  const [first = connector.streams] = firstSyncPhases(connector);
  for (const stream of first) {
    await runtime.enqueue.sync({ workspaceId: installation.workspaceId, installationId: installation.id, stream, then: [], firstRun: true, runNow });
  }
}


export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

export async function queueCounts(queues: Record<QueueName, Queue>): Promise<Record<QueueName, QueueCounts>> {
  const entries = await Promise.all(
    (Object.entries(queues) as Array<[QueueName, Queue]>).map(async ([name, queue]) => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
      return [
        name,
        {
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          completed: counts.completed ?? 0,
          failed: counts.failed ?? 0,
        },
      ] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<QueueName, QueueCounts>;
}

/**
 * Resolves when no job is waiting, active or delayed in any queue, checked twice in a row (a job
 * finishing can enqueue the next one in between), or rejects after `timeoutMs`. The next run of a
 * job scheduler (one delayed job per scheduler: the incremental sync, the nightly rescore, which
 * the workers' reconcile keeps in place) is not outstanding work.
 */
export async function waitForIdle(
  queues: Record<QueueName, Queue>,
  options: { timeoutMs: number; pollMs?: number; onProgress?: (counts: Record<QueueName, QueueCounts>) => void },
): Promise<Record<QueueName, QueueCounts>> {
  const deadline = Date.now() + options.timeoutMs;
  let quietChecks = 0;
  for (;;) {
    const counts = await queueCounts(queues);
    options.onProgress?.(counts);
    const schedulers = await Promise.all((Object.keys(counts) as QueueName[]).map(async (name) => [name, await queues[name].getJobSchedulersCount()] as const));
    const scheduled = Object.fromEntries(schedulers) as Record<QueueName, number>;
    const busy = (Object.entries(counts) as Array<[QueueName, QueueCounts]>).some(([name, c]) => c.waiting + c.active + Math.max(0, c.delayed - scheduled[name]) > 0);
    quietChecks = busy ? 0 : quietChecks + 1;
    if (quietChecks >= 2) return counts;
    if (Date.now() > deadline) throw new Error(`queues still busy after ${options.timeoutMs} ms: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}
