import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { runScoreJob } from '../../jobs/score.job';
import { runSyncJob } from '../../jobs/sync.job';
import { runTasksJob } from '../../jobs/tasks.job';
import { runWritebackJob } from '../../jobs/writeback.job';
import type { JobDeps } from '../app/job-deps';
import type { Metrics } from '../metrics/metrics';
import type { RateLimiter } from '../rate-limit';
import { decideOnError } from './crm-error-policy';
import type { JobDataByQueue, QueueName } from '../queue/job-data';

/** Each queue's handler: the job files are plain functions of (data, deps). */
const HANDLERS: { [Q in QueueName]: (data: JobDataByQueue[Q], deps: JobDeps) => Promise<unknown> } = {
  sync: runSyncJob,
  score: runScoreJob,
  writeback: runWritebackJob,
  tasks: runTasksJob,
};

/**
 * A first sync pulls its streams side by side (the shared limiter paces them). Score jobs are
 * database-bound and may carry a page of 100 people each: eight at a time keep the store busy while
 * holding at most a few hundred people's events in memory.
 */
const CONCURRENCY: Record<QueueName, number> = { sync: 8, score: 8, writeback: 2, tasks: 2 };

export interface WorkerSet {
  workers: Worker[];
  /** Waits for active jobs to finish, then stops (graceful shutdown on SIGTERM). */
  close(): Promise<void>;
}

/**
 * How soon a job whose worker died is run again: BullMQ's lock (30 s by default) must lapse and the
 * stalled check (every 30 s) find it. Tests that kill workers shorten both.
 */
export interface StallSettings {
  lockDuration: number;
  stalledInterval: number;
}

export function startWorkers(connection: Redis, prefix: string, deps: JobDeps, metrics: Metrics, limiter: RateLimiter, stall?: StallSettings): WorkerSet {
  const workers = (Object.keys(HANDLERS) as QueueName[]).map((queue) => {
    const worker = new Worker(
      queue,
      async (job: Job, token?: string) => {
        const end = metrics.jobSeconds.startTimer({ queue });
        try {
          const result = await (HANDLERS[queue] as (data: unknown, deps: JobDeps) => Promise<unknown>)(job.data, deps);
          metrics.jobs.inc({ queue, outcome: 'completed' });
          return result;
        } catch (error) {
          const installationId = (job.data as { installationId?: string }).installationId;
          const decision = await decideOnError(error, installationId, limiter, Date.now());
          const message = (error as Error).message;
          if (decision.kind === 'delay') {
            metrics.jobs.inc({ queue, outcome: 'delayed' });
            if ((error as { status?: number }).status === 429) metrics.rateLimited.inc({ provider: 'crm', policy: String((error as { policyName?: string }).policyName) });
            deps.logger.warn(`${queue} job waits for the API quota`, { jobId: job.id, installationId, until: new Date(decision.untilMs).toISOString(), error: message });
            await job.moveToDelayed(decision.untilMs, token);
            throw new DelayedError();
          }
          metrics.jobs.inc({ queue, outcome: 'failed' });
          deps.logger.warn(`${queue} job failed`, { jobId: job.id, installationId, attempt: job.attemptsMade + 1, error: message });
          if (decision.kind === 'give-up') throw new UnrecoverableError(message);
          throw error;
        } finally {
          end();
        }
      },
      { connection, prefix, concurrency: CONCURRENCY[queue], ...(stall ?? {}) },
    );
    worker.on('error', (error) => deps.logger.error(`${queue} worker error`, { error: error.message }));
    return worker;
  });
  return {
    workers,
    close: async () => {
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}
