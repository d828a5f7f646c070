import type { Queue } from 'bullmq';
import { BULK_PRIORITY } from './enqueuer';
import type { RetentionJobData, ScoreJobData, SlaJobData, SyncJobData } from './job-data';

/**
 * Periodic incremental sync per installation, created from this one place (BullMQ advises a single
 * writer for job schedulers). The scheduler id is the installation, so upserting is idempotent.
 */
export async function scheduleIncrementalSync(syncQueue: Queue, data: SyncJobData, everyMs: number): Promise<void> {
  await syncQueue.upsertJobScheduler(`sync-${data.installationId}`, { every: everyMs }, { name: 'sync', data: { ...data, scheduled: true } });
}

/** Stops an installation's periodic sync (it was disconnected). */
export async function unscheduleIncrementalSync(syncQueue: Queue, installationId: string): Promise<void> {
  await syncQueue.removeJobScheduler(`sync-${installationId}`);
}

/**
 * The nightly decay rescore of a workspace, five minutes after scores fade at the workspace's
 * midnight (00:00 in its time zone, engine/decay.ts), so the CRM shows each day's decayed scores
 * although nothing new happened. The job only queues bulk-priority pages, so incremental work still
 * goes first. Upserting again with another zone moves it (the scheduler id is the workspace).
 */
export const DECAY_RESCORE_PATTERN = '5 0 * * *';

export async function scheduleDecayRescore(scoreQueue: Queue, workspaceId: string, timeZone = 'UTC'): Promise<void> {
  const data: ScoreJobData = { workspaceId, rescore: 'decay' };
  await scoreQueue.upsertJobScheduler(`decay-${workspaceId}`, { pattern: DECAY_RESCORE_PATTERN, tz: timeZone }, { name: 'rescore', data });
}

/**
 * The nightly retention run of a workspace (jobs/retention.job.ts): old events, resolved record
 * errors and the people no system holds any more are pruned at 03:30 UTC, at bulk priority so
 * incremental work goes first. Its own history is kept short: the last 30 runs, failures 30 days.
 */
export const RETENTION_PATTERN = '30 3 * * *';

export async function scheduleRetention(retentionQueue: Queue, workspaceId: string): Promise<void> {
  const data: RetentionJobData = { workspaceId };
  await retentionQueue.upsertJobScheduler(
    `retention-${workspaceId}`,
    { pattern: RETENTION_PATTERN, tz: 'UTC' },
    { name: 'retention', data, opts: { priority: BULK_PRIORITY, removeOnComplete: { count: 30 }, removeOnFail: { age: 30 * 86_400 } } },
  );
}

/**
 * The SLA tick of an installation (jobs/sla.job.ts) every minute: it reads only the handoffs due by
 * then (an index range), so an idle minute costs one short query. The scheduler id is the
 * installation, so upserting is idempotent.
 */
export const SLA_TICK_MS = 60_000;

export async function scheduleSlaTick(slaQueue: Queue, data: Omit<SlaJobData, 'scheduled'>, everyMs = SLA_TICK_MS): Promise<void> {
  await slaQueue.upsertJobScheduler(`sla-${data.installationId}`, { every: everyMs }, { name: 'sla', data: { ...data, scheduled: true }, opts: { removeOnComplete: { count: 10 }, removeOnFail: { age: 7 * 86_400 } } });
}

/** Stops an installation's SLA tick (it was disconnected). */
export async function unscheduleSlaTick(slaQueue: Queue, installationId: string): Promise<void> {
  await slaQueue.removeJobScheduler(`sla-${installationId}`);
}
