import { z } from 'zod';

/**
 * The queues and the data each job carries, as zod schemas beside the enqueuer that produces them:
 * the worker parses every payload with them before a job runs, so a payload from an older or newer
 * deployment, or a hand-made one, fails that job with a clear error instead of being cast. Never a
 * token or a secret: only ids.
 */
export const QUEUE_NAMES = ['sync', 'score', 'writeback', 'tasks', 'records', 'retention', 'sla'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

const id = z.string().min(1).max(200);

export const SyncJobDataSchema = z
  .object({
    workspaceId: id,
    installationId: id,
    stream: z.string().min(1).max(100),
    /** After this stream is caught up, the streams still to pull in this run (a first sync chains them). */
    then: z.array(z.string().min(1).max(100)),
    /**
     * The "now" of this sync run, fixed when its first page is pulled and carried by every later page:
     * a pass ends at a fixed point, so a stream catches up instead of chasing a clock that moves.
     */
    runNow: z.number().int().nonnegative().optional(),
    /**
     * A first sync: people are scored once, when their engagement is already stored (the pages of the
     * connector's last first-sync phase, or everyone at the end), instead of after each page of each
     * stream that mentions them (which would score and write each person several times).
     */
    firstRun: z.boolean().optional(),
    /** Fired by the installation's job scheduler: skipped while its first sync is still running. */
    scheduled: z.boolean().optional(),
  })
  .strict();
export type SyncJobData = z.infer<typeof SyncJobDataSchema>;

/**
 * One person (an incremental change, de-duplicated per person), a page of people scored together,
 * or the nightly decay rescore of a whole workspace (which queues the pages).
 */
export const ScoreJobDataSchema = z.union([
  z.object({ workspaceId: id, personId: id }).strict(),
  z.object({ workspaceId: id, personIds: z.array(id).min(1).max(1_000) }).strict(),
  z.object({ workspaceId: id, rescore: z.literal('decay') }).strict(),
]);
export type ScoreJobData = z.infer<typeof ScoreJobDataSchema>;

export const WritebackJobDataSchema = z.object({ workspaceId: id, installationId: id }).strict();
export type WritebackJobData = z.infer<typeof WritebackJobDataSchema>;

export const TasksJobDataSchema = z.object({ workspaceId: id, installationId: id }).strict();
export type TasksJobData = z.infer<typeof TasksJobDataSchema>;

/**
 * Pull the records a CRM pushed changes for (webhooks) and store and score them like a page. The
 * changes themselves wait in Redis (record-changes.ts), so deliveries that arrive together share
 * full batch reads; the job names only the installation, de-duplicated per installation.
 */
export const RecordsJobDataSchema = z.object({ workspaceId: id, installationId: id }).strict();
export type RecordsJobData = z.infer<typeof RecordsJobDataSchema>;
/** The nightly retention run of one workspace (jobs/retention.job.ts, docs/data-protection.md). */
export const RetentionJobDataSchema = z.object({ workspaceId: id }).strict();
export type RetentionJobData = z.infer<typeof RetentionJobDataSchema>;

/**
 * One tick of an installation's SLA handoffs (jobs/sla.job.ts): the due ones, read through the
 * due-time index. `scheduled`: fired by the installation's job scheduler every minute.
 */
export const SlaJobDataSchema = z.object({ workspaceId: id, installationId: id, scheduled: z.boolean().optional() }).strict();
export type SlaJobData = z.infer<typeof SlaJobDataSchema>;

export interface JobDataByQueue {
  sync: SyncJobData;
  score: ScoreJobData;
  writeback: WritebackJobData;
  tasks: TasksJobData;
  records: RecordsJobData;
  retention: RetentionJobData;
  sla: SlaJobData;
}

export const JOB_DATA_SCHEMAS: { [Q in QueueName]: z.ZodType<JobDataByQueue[Q]> } = {
  sync: SyncJobDataSchema,
  score: ScoreJobDataSchema,
  writeback: WritebackJobDataSchema,
  tasks: TasksJobDataSchema,
  records: RecordsJobDataSchema,
  retention: RetentionJobDataSchema,
  sla: SlaJobDataSchema,
};

/** A job whose payload does not fit its queue's schema: it fails at once and stays failed, recorded. */
export class JobDataError extends Error {
  override readonly name = 'JobDataError';
  readonly code = 'JOB_DATA_INVALID';
  readonly retryable = false;
}

/** Parses a payload for its queue; the error names each bad field, its value's type and what was expected. */
export function parseJobData<Q extends QueueName>(queue: Q, data: unknown): JobDataByQueue[Q] {
  const parsed = JOB_DATA_SCHEMAS[queue].safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`);
  throw new JobDataError(`${queue} job data does not fit its schema: ${problems.join('; ')}`);
}
