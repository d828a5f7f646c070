import type { JobsOptions, Queue } from 'bullmq';
import type { QueueName, RecordsJobData, ScoreJobData, SlaJobData, SyncJobData, TasksJobData, WritebackJobData } from './job-data';

/** What jobs may enqueue; a small interface so job code is tested without Redis. */
export interface Enqueuer {
  sync(data: SyncJobData): Promise<void>;
  score(items: readonly { workspaceId: string; personId: string }[]): Promise<void>;
  /** A page of people scored in one job (a first sync's people page, a rescore): not de-duplicated. */
  scoreBatch(workspaceId: string, personIds: readonly string[]): Promise<void>;
  /** `delayMs`: when writes are waiting for a retry time, come back then. */
  writeback(data: WritebackJobData, delayMs?: number): Promise<void>;
  tasks(data: TasksJobData, delayMs?: number): Promise<void>;
  /** Pull the records webhooks announced; `delayMs` (default RECORDS_GATHER_MS) lets a burst gather. */
  records(data: RecordsJobData, delayMs?: number): Promise<void>;
  /** A tick of an installation's SLA handoffs now (a touch or a stage change woke one), or after `delayMs`. */
  sla(data: SlaJobData, delayMs?: number): Promise<void>;
}

/** Runs of a failing job before it stays failed; the waits between them double from BACKOFF_MS. */
export const JOB_ATTEMPTS = 8;
export const BACKOFF_MS = 1_000;

const RETRY: JobsOptions = {
  attempts: JOB_ATTEMPTS,
  // capped by attempts; jitter spreads retries of many jobs that failed together (a 5xx burst)
  backoff: { type: 'exponential', delay: BACKOFF_MS, jitter: 0.5 },
  removeOnComplete: { age: 3_600, count: 1_000 },
  removeOnFail: { age: 7 * 86_400 },
};

/**
 * Writes and tasks wait this long before their job runs, so the people scored meanwhile join the
 * same job and go out in full CRM batches (the connector's writeBatchSize) instead of one call each.
 */
export const GATHER_MS = 2_000;

/**
 * A `records` job waits this long after the first change it is enqueued for, so the deliveries of a
 * burst (a CRM sends them in parallel, a few changes each) are pulled together in full batch reads.
 */
export const RECORDS_GATHER_MS = 500;

/** People per batch score job: one CRM write batch's worth, or half of one for a CRM that takes 200. */
export const SCORE_BATCH = 100;

/**
 * Bulk work (a first sync's pages, a whole-workspace rescore) runs at this BullMQ priority. Jobs
 * without a priority are always taken first, so another installation's incremental sync or score
 * never queues behind a 500,000-contact backfill: it waits at most for a worker slot to free up.
 */
export const BULK_PRIORITY = 10;

/**
 * The de-duplication key of each de-duplicated queue: one sync chain per installation and stream,
 * one pending score per person, one writeback and one tasks job per installation. Every driver
 * (BullMQ here, the in-process one in tests) keys by these.
 */
export const DEDUP_ID = {
  sync: (data: SyncJobData) => `sync-${data.installationId}-${data.stream}`,
  score: (data: { personId: string }) => `score-${data.personId}`,
  writeback: (data: WritebackJobData) => `writeback-${data.installationId}`,
  tasks: (data: TasksJobData) => `tasks-${data.installationId}`,
  records: (data: RecordsJobData) => `records-${data.installationId}`,
  sla: (data: SlaJobData) => `sla-${data.installationId}`,
} as const;

/**
 * The BullMQ side. Score jobs are de-duplicated per person with keepLastIfActive: a burst of changes
 * gives one run, and a change that lands while the person is being scored gives exactly one more.
 * Writeback and tasks are de-duplicated per installation the same way, so they batch.
 */
export function bullmqEnqueuer(queues: Record<QueueName, Queue>): Enqueuer {
  return {
    async sync(data) {
      // one page of a stream at a time per installation: a scheduled run that fires while a chain is
      // still paging joins it instead of pulling the same pages twice
      await queues.sync.add('sync', data, { ...RETRY, ...(data.firstRun ? { priority: BULK_PRIORITY } : {}), deduplication: { id: DEDUP_ID.sync(data), keepLastIfActive: true } });
    },
    async score(items) {
      if (items.length === 0) return;
      await queues.score.addBulk(
        items.map((data) => ({
          name: 'score',
          data,
          opts: { ...RETRY, deduplication: { id: DEDUP_ID.score(data), keepLastIfActive: true } },
        })),
      );
    },
    async scoreBatch(workspaceId, personIds) {
      const jobs: { name: string; data: ScoreJobData; opts: JobsOptions }[] = [];
      for (let i = 0; i < personIds.length; i += SCORE_BATCH) {
        jobs.push({ name: 'score-batch', data: { workspaceId, personIds: personIds.slice(i, i + SCORE_BATCH) }, opts: { ...RETRY, priority: BULK_PRIORITY } });
      }
      if (jobs.length > 0) await queues.score.addBulk(jobs);
    },
    async writeback(data, delayMs = GATHER_MS) {
      await queues.writeback.add('writeback', data, {
        ...RETRY,
        delay: delayMs,
        deduplication: { id: DEDUP_ID.writeback(data), keepLastIfActive: true },
      });
    },
    async tasks(data, delayMs = GATHER_MS) {
      await queues.tasks.add('tasks', data, { ...RETRY, delay: delayMs, deduplication: { id: DEDUP_ID.tasks(data), keepLastIfActive: true } });
    },
    async records(data, delayMs = RECORDS_GATHER_MS) {
      // one per installation: changes that arrive while it runs wait for exactly one more run
      await queues.records.add('records', data, { ...RETRY, delay: delayMs, deduplication: { id: DEDUP_ID.records(data), keepLastIfActive: true } });
    },
    async sla(data, delayMs = 0) {
      // one tick per installation at a time: handoffs woken while one runs get exactly one more
      await queues.sla.add('sla', data, { ...RETRY, delay: delayMs, deduplication: { id: DEDUP_ID.sla(data), keepLastIfActive: true } });
    },
  };
}
