import type { CrmErrorClass } from '../connector/crm-error';
import type { RateLimiter } from '../rate-limit';

export type ErrorDecision =
  /** Wait until `untilMs`, then run the job again without spending an attempt. */
  | { kind: 'delay'; untilMs: number }
  /** Retrying cannot help (a 400, a missing permission, revoked credentials): fail now with the reason. */
  | { kind: 'give-up'; reauthorize: boolean }
  /** Let the queue's capped exponential backoff retry it. */
  | { kind: 'retry' };

/**
 * Decides what a failed job does next from the connector's classification (crm-error.ts), knowing
 * no vendor. A refusal that spent the installation's quota (someone else's traffic, the day's
 * budget) pauses the installation in the shared limiter, so every worker stops calling it, and the
 * job is delayed, not failed; a wait that concerns only this call delays only this job.
 */
export async function decideOnError(error: CrmErrorClass, installationId: string | undefined, limiter: RateLimiter): Promise<ErrorDecision> {
  if (error.waitUntilMs !== null) {
    if (error.pauseInstallation && installationId) await limiter.pause(installationId, error.waitUntilMs, error.budget === 'daily' ? 'daily' : 'rate-limit');
    return { kind: 'delay', untilMs: error.waitUntilMs };
  }
  if (!error.retryable) return { kind: 'give-up', reauthorize: error.reauthorize };
  return { kind: 'retry' };
}
