import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobDeps } from '../../jobs/job-deps';
import type { Metrics } from '../metrics/metrics';
import type { RateLimiter } from '../rate-limit';
import { QUEUE_NAMES, type QueueName } from '../queue/job-data';
import { runJob } from './run-job';

/**
 * A first sync pulls its streams side by side (the shared limiter paces them). Score jobs are
 * database-bound and may carry a page of 100 people each: eight at a time keep the store busy while
 * holding at most a few hundred people's events in memory.
 */
const CONCURRENCY: Record<QueueName, number> = { sync: 8, score: 8, writeback: 2, tasks: 2, retention: 1 };

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
  const workers = QUEUE_NAMES.map((queue) => {
    const worker = new Worker(
      queue,
      async (job: Job, token?: string) => {
        const end = metrics.jobSeconds.startTimer({ queue });
        try {
          const outcome = await runJob(queue, job.data, deps, limiter);
          const installationId = (job.data as { installationId?: unknown }).installationId;
          if (outcome.kind === 'completed') {
            metrics.jobs.inc({ queue, outcome: 'completed' });
            return outcome.result;
          }
          if (outcome.kind === 'delayed') {
            metrics.jobs.inc({ queue, outcome: 'delayed' });
            if (outcome.error.budget) metrics.rateLimited.inc({ provider: outcome.provider ?? 'unknown', policy: outcome.error.code });
            deps.logger.warn(`${queue} job waits for the API quota`, { jobId: job.id, installationId, until: new Date(outcome.untilMs).toISOString(), code: outcome.error.code, error: outcome.error.message });
            await job.moveToDelayed(outcome.untilMs, token);
            throw new DelayedError();
          }
          metrics.jobs.inc({ queue, outcome: 'failed' });
          deps.logger.warn(`${queue} job failed`, { jobId: job.id, installationId, attempt: job.attemptsMade + 1, code: outcome.error.code, error: outcome.error.message });
          if (outcome.final) throw new UnrecoverableError(outcome.error.message);
          throw outcome.cause;
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
