import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobDeps } from '../../jobs/job-deps';
import type { Metrics } from '../metrics/metrics';
import type { RateLimiter } from '../rate-limit';
import { QUEUE_NAMES, type QueueName } from '../queue/job-data';
import { reportOutcome } from './report-outcome';
import { runJob } from './run-job';
import { INFRA_RETRY, InfraFailures, type InfraRetry } from './infra-retry';

/**
 * A first sync pulls its streams side by side (the shared limiter paces them). Score jobs are
 * database-bound and may carry a page of 100 people each: eight at a time keep the store busy while
 * holding at most a few hundred people's events in memory.
 */
const CONCURRENCY: Record<QueueName, number> = { sync: 8, score: 8, writeback: 2, tasks: 2, records: 4, retention: 1, sla: 2 };

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

export function startWorkers(connection: Redis, prefix: string, deps: JobDeps, metrics: Metrics, limiter: RateLimiter, stall?: StallSettings, infraRetry: InfraRetry = INFRA_RETRY): WorkerSet {
  // store or Redis outages: jobs wait by elapsed time, spending no attempts (infra-retry.ts)
  const failures = new InfraFailures(infraRetry);
  const workers = QUEUE_NAMES.map((queue) => {
    const worker = new Worker(
      queue,
      async (job: Job, token?: string) => {
        const end = metrics.jobSeconds.startTimer({ queue });
        try {
          const outcome = await runJob(queue, job.data, deps, limiter, Date.now, { failures, key: `${queue}:${job.id}` });
          reportOutcome(queue, job.data, outcome, { metrics, logger: deps.logger, jobId: job.id, attempt: job.attemptsMade + 1 });
          if (outcome.kind === 'completed') return outcome.result;
          if (outcome.kind === 'delayed') {
            await job.moveToDelayed(outcome.untilMs, token);
            throw new DelayedError();
          }
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
