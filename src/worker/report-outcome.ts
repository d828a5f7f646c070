import type { JobDeps } from '../../jobs/job-deps';
import type { Metrics } from '../metrics/metrics';
import type { JobRunner } from '../queue/in-process-queue.driver';
import type { QueueName } from '../queue/job-data';
import type { RateLimiter } from '../rate-limit';
import { runJob, type JobOutcome } from './run-job';

/**
 * Counts and logs what became of one run of a job, the same whatever drives the queue (the BullMQ
 * workers, the in-process driver). A refusal the CRM sent because someone spent the installation's
 * quota is counted under the CRM's own code for it (its policy name).
 */
export function reportOutcome(queue: QueueName, data: unknown, outcome: JobOutcome, context: { metrics: Metrics; logger: JobDeps['logger']; jobId: string | number | undefined; attempt: number }): void {
  const { metrics, logger, jobId, attempt } = context;
  const installationId = typeof data === 'object' && data !== null ? (data as { installationId?: unknown }).installationId : undefined;
  if (outcome.kind === 'completed') {
    metrics.jobs.inc({ queue, outcome: 'completed' });
    return;
  }
  if (outcome.error.budget && outcome.error.pauseInstallation) metrics.rateLimited.inc({ provider: (outcome.kind === 'delayed' ? outcome.provider : null) ?? 'crm', policy: outcome.error.code });
  if (outcome.kind === 'delayed') {
    metrics.jobs.inc({ queue, outcome: 'delayed' });
    logger.warn(`${queue} job waits ${outcome.error.budget ? 'for the API quota' : `(${outcome.error.code})`}`, { jobId, installationId, until: new Date(outcome.untilMs).toISOString(), code: outcome.error.code, error: outcome.error.message });
    return;
  }
  metrics.jobs.inc({ queue, outcome: 'failed' });
  logger.warn(`${queue} job failed`, { jobId, installationId, attempt, code: outcome.error.code, error: outcome.error.message });
}

/** What the in-process driver runs: runJob, timed, counted and logged as the workers do. */
export function jobRunner(deps: JobDeps, limiter: RateLimiter, metrics: Metrics): JobRunner {
  let runs = 0;
  return async (queue, data, attempt) => {
    const end = metrics.jobSeconds.startTimer({ queue });
    try {
      const outcome = await runJob(queue, data, deps, limiter);
      reportOutcome(queue, data, outcome, { metrics, logger: deps.logger, jobId: `in-process-${++runs}`, attempt });
      return outcome;
    } finally {
      end();
    }
  };
}
