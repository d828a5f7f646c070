import type { Queue } from 'bullmq';
import type { QueueName } from '../../src/queue/job-data';

/**
 * Resolves when no job is waiting, active, or delayed, twice in a row, not counting the next runs
 * of job schedulers (an installation's incremental sync, the nightly rescore), which are always
 * there once an installation is connected from the CRM. Rejects after `timeoutMs`.
 */
export async function waitForWork(queues: Record<QueueName, Queue>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  for (;;) {
    let busy = false;
    for (const queue of Object.values(queues)) {
      const counts = await queue.getJobCounts('waiting', 'active', 'prioritized');
      if ((counts.waiting ?? 0) + (counts.active ?? 0) + (counts.prioritized ?? 0) > 0) busy = true;
      else if ((await queue.getDelayed()).some((job) => !job.repeatJobKey)) busy = true;
      if (busy) break;
    }
    quiet = busy ? 0 : quiet + 1;
    if (quiet >= 2) return;
    if (Date.now() > deadline) throw new Error(`queues still busy after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
