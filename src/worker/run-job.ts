import { runRecordsJob } from '../../jobs/records.job';
import { runScoreJob } from '../../jobs/score.job';
import { runSyncJob } from '../../jobs/sync.job';
import { runTasksJob } from '../../jobs/tasks.job';
import { runWritebackJob } from '../../jobs/writeback.job';
import { runRetentionJob } from '../../jobs/retention.job';
import { runSlaJob } from '../../jobs/sla.job';
import type { JobDeps } from '../../jobs/job-deps';
import { unclassifiedError, type CrmErrorClass } from '../connector/crm-error';
import type { RateLimiter } from '../rate-limit';
import { JobDataError, parseJobData, type JobDataByQueue, type QueueName } from '../queue/job-data';
import { decideOnError } from './crm-error-policy';
import { isInfrastructureError, type InfraFailures } from './infra-retry';
import { installationGate, markNeedsReauth, WAIT_FOR_RECONNECT_MS } from './installation-gate';

/** Each queue's handler: the job files are plain functions of (data, deps). */
const HANDLERS: { [Q in QueueName]: (data: JobDataByQueue[Q], deps: JobDeps) => Promise<unknown> } = {
  sync: runSyncJob,
  score: runScoreJob,
  writeback: runWritebackJob,
  tasks: runTasksJob,
  records: runRecordsJob,
  retention: runRetentionJob,
  sla: runSlaJob,
};

export type JobOutcome =
  | { kind: 'completed'; result: unknown }
  /** Run it again at `untilMs` without spending an attempt (quota). */
  | { kind: 'delayed'; untilMs: number; error: CrmErrorClass; provider?: string | null }
  /** Failed: `final` when retrying cannot help, else the queue's backoff retries it. */
  | { kind: 'failed'; final: boolean; error: CrmErrorClass; cause: unknown };

/**
 * Runs one job whatever drives the queue (BullMQ in production, the in-process driver in tests):
 * parses its payload, runs its handler, and turns a failure into what happens next through the
 * installation's connector's error classification. It never names a vendor.
 */
export async function runJob(
  queue: QueueName,
  rawData: unknown,
  deps: JobDeps,
  limiter: RateLimiter,
  /**
   * The clock a delay is measured on: the queue's, not the jobs' business clock (`deps.clock`, which
   * the demo and tests align with a sandbox). BullMQ delays on the wall clock.
   */
  queueClock: () => number = Date.now,
  /** The worker's record of infrastructure failures and this job's key in it (none: no infrastructure delays). */
  infra?: { failures: InfraFailures; key: string },
): Promise<JobOutcome> {
  const outcome = await runGuarded(queue, rawData, deps, limiter, queueClock, infra);
  if (infra && !(outcome.kind === 'delayed' && outcome.error.code === INFRASTRUCTURE_UNAVAILABLE)) infra.failures.clear(infra.key);
  return outcome;
}

/** The code of a job delayed because our store or Redis could not be reached. */
export const INFRASTRUCTURE_UNAVAILABLE = 'INFRASTRUCTURE_UNAVAILABLE';

async function runGuarded(
  queue: QueueName,
  rawData: unknown,
  deps: JobDeps,
  limiter: RateLimiter,
  queueClock: () => number,
  infra: { failures: InfraFailures; key: string } | undefined,
): Promise<JobOutcome> {
  let data: JobDataByQueue[QueueName];
  try {
    data = parseJobData(queue, rawData);
  } catch (error) {
    if (!(error instanceof JobDataError)) throw error;
    return { kind: 'failed', final: true, error: { ...unclassifiedError(error), code: error.code, retryable: false }, cause: error };
  }
  const gated = 'installationId' in data ? data.installationId : undefined;
  try {
    if (gated) {
      // needs_reauth / paused: wait for the admin; disconnected: nothing to do
      const gate = await installationGate(deps.store, data.workspaceId, gated, queueClock());
      if (gate.kind === 'skip') return { kind: 'completed', result: { skipped: gate.status } };
      // a scheduler's run is simply skipped (the scheduler fires again); any other job waits
      if (gate.kind === 'wait' && 'scheduled' in data && data.scheduled) return { kind: 'completed', result: { skipped: gate.error.code } };
      if (gate.kind === 'wait') return { kind: 'delayed', untilMs: gate.untilMs, error: gate.error, provider: null };
    }
    const result = await (HANDLERS[queue] as (data: unknown, deps: JobDeps) => Promise<unknown>)(data, deps);
    return { kind: 'completed', result };
  } catch (cause) {
    if (infra && isInfrastructureError(cause)) {
      // our store or Redis is down: wait for it by elapsed time, spending no attempt and no CRM call
      const untilMs = infra.failures.next(infra.key, queueClock());
      const error: CrmErrorClass = { ...unclassifiedError(cause), code: INFRASTRUCTURE_UNAVAILABLE, message: 'the store or Redis is unreachable', retryable: true };
      if (untilMs !== null) return { kind: 'delayed', untilMs, error: { ...error, waitUntilMs: untilMs }, provider: null };
      return { kind: 'failed', final: false, error, cause };
    }
    const installationId = 'installationId' in data ? data.installationId : undefined;
    const installation = installationId ? await deps.installation(data.workspaceId, installationId).catch(() => null) : null;
    const error = installation && deps.connectors.has(installation.provider)
      ? deps.connectors.get(installation.provider).classifyError(cause, queueClock())
      : retryableUnlessSaidOtherwise(cause);
    if (error.reauthorize && installationId) {
      // the CRM refused the credentials for good: the installation waits for a reconnect, and so
      // does this job (delayed, never failed: reconnecting resumes it with nothing lost)
      await markNeedsReauth(deps.store, data.workspaceId, installationId, error);
      deps.forget?.(installationId); // every process drops its connector with the refused credentials
      return { kind: 'delayed', untilMs: queueClock() + WAIT_FOR_RECONNECT_MS, error, provider: installation?.provider ?? null };
    }
    const decision = await decideOnError(error, installationId, limiter);
    if (decision.kind === 'delay') return { kind: 'delayed', untilMs: decision.untilMs, error, provider: installation?.provider ?? null };
    return { kind: 'failed', final: decision.kind === 'give-up', error, cause };
  }
}

/**
 * Errors of jobs that call no CRM (or of an unknown installation) are classified here: an error
 * that says `retryable: false` (a bad payload, unreadable credentials) is not retried.
 */
function retryableUnlessSaidOtherwise(cause: unknown): CrmErrorClass {
  const said = typeof cause === 'object' && cause !== null ? (cause as { retryable?: unknown }).retryable : undefined;
  return { ...unclassifiedError(cause), retryable: said !== false };
}
