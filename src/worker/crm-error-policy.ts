import { classify429, DailyQuotaExhaustedError, type RateLimiter } from '../rate-limit';

/** What a connector error says about retrying, read by shape so the worker knows no CRM. */
interface CrmErrorShape {
  status?: number | null;
  retryable?: boolean;
  policyName?: string | null;
  retryAfterMs?: number | null;
  /** The CRM's own error code (Salesforce: REQUEST_LIMIT_EXCEEDED, UNABLE_TO_LOCK_ROW, …). */
  errorCode?: string | null;
}

export type ErrorDecision =
  /** Wait until `untilMs`, then run the job again without spending an attempt. */
  | { kind: 'delay'; untilMs: number }
  /** Retrying cannot help (a 400, a missing permission): fail now with the reason. */
  | { kind: 'give-up' }
  /** Let the queue's capped exponential backoff retry it. */
  | { kind: 'retry' };

/**
 * Decides what a failed CRM job does next. A 429 we did not cause (another app on the portal spent
 * the quota) pauses the whole installation in the shared limiter, so every worker stops; a DAILY 429
 * or our own exhausted daily budget delays the job until the reset instead of failing it.
 * Salesforce: the daily REQUEST_LIMIT_EXCEEDED arrives as a DailyQuotaExhaustedError from the CRM,
 * which also pauses the installation for every worker; the concurrent-requests one carries
 * `retryAfterMs` and pauses it briefly.
 */
export async function decideOnError(error: unknown, installationId: string | undefined, limiter: RateLimiter, now: number): Promise<ErrorDecision> {
  if (error instanceof DailyQuotaExhaustedError) {
    if (error.source === 'crm' && installationId) await limiter.pause(installationId, error.resetsAt, 'daily');
    return { kind: 'delay', untilMs: error.resetsAt };
  }
  const shape = (typeof error === 'object' && error !== null ? error : {}) as CrmErrorShape;
  if (shape.errorCode === 'REQUEST_LIMIT_EXCEEDED' && installationId) {
    const untilMs = now + Math.max(1_000, shape.retryAfterMs ?? 30_000);
    await limiter.pause(installationId, untilMs, 'rate-limit');
    return { kind: 'delay', untilMs };
  }
  if (shape.status === 429 && installationId) {
    const headers = shape.retryAfterMs != null ? { 'retry-after': String(Math.ceil(shape.retryAfterMs / 1000)) } : undefined;
    const action = classify429({ policyName: shape.policyName ?? undefined }, headers, now);
    if (action.action === 'pause-daily') {
      await limiter.pause(installationId, action.untilMs, 'daily');
      return { kind: 'delay', untilMs: action.untilMs };
    }
    await limiter.pause(installationId, now + action.waitMs, 'rate-limit');
    return { kind: 'delay', untilMs: now + action.waitMs };
  }
  if (shape.retryable === false) return { kind: 'give-up' };
  return { kind: 'retry' };
}
