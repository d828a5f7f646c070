import type { Queue } from 'bullmq';
import type { SyncJobData } from './job-data';

/**
 * Periodic incremental sync per installation, created from this one place (BullMQ advises a single
 * writer for job schedulers). The scheduler id is the installation, so upserting is idempotent.
 */
export async function scheduleIncrementalSync(syncQueue: Queue, data: SyncJobData, everyMs: number): Promise<void> {
  await syncQueue.upsertJobScheduler(`sync-${data.installationId}`, { every: everyMs }, { name: 'sync', data });
}
