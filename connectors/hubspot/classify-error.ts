import type { CrmErrorClass } from '../../src/connector/crm-error';
import { unclassifiedError } from '../../src/connector/crm-error';
import { OAuthExchangeError } from '../../src/connector/connector-install';
import { DailyQuotaExhaustedError } from '../../src/rate-limit/daily-quota-exhausted-error';
import { HubSpotApiError } from './hubspot-api-error';

/**
 * What a HubSpot failure means to the worker. A 429 reaches us only when someone else spent the
 * portal's quota (our own pacing keeps below it), so it pauses the whole installation: every worker
 * waits for the window (or, for DAILY, the portal's midnight) instead of earning more 429s.
 * 401 means the token was revoked or has expired for good: an admin must reconnect. So does a
 * refresh token the token endpoint refuses (`invalid_grant`: the app was uninstalled or revoked);
 * the token endpoint being down or busy is retried.
 */
export function classifyHubSpotError(error: unknown, now: number): CrmErrorClass {
  if (error instanceof DailyQuotaExhaustedError) {
    return { code: error.code, message: error.message, retryable: true, waitUntilMs: error.resetsAt, budget: 'daily', pauseInstallation: error.source === 'crm', reauthorize: false };
  }
  if (error instanceof OAuthExchangeError) {
    const reauthorize = error.code === 'invalid_grant';
    const retryable = !reauthorize && (error.status === null || error.status === 429 || error.status >= 500);
    return { code: error.code, message: error.message, retryable, waitUntilMs: null, budget: null, pauseInstallation: false, reauthorize };
  }
  if (!(error instanceof HubSpotApiError)) return unclassifiedError(error);
  const code = error.policyName ?? error.category ?? (error.status === null ? 'NO_RESPONSE' : `HTTP_${error.status}`);
  const base = { code, message: error.message, budget: null, pauseInstallation: false, reauthorize: false, waitUntilMs: null };
  if (error.refusal) {
    return { ...base, retryable: true, waitUntilMs: Math.max(now, error.refusal.untilMs), budget: error.refusal.budget, pauseInstallation: true };
  }
  if (error.status === 401) return { ...base, retryable: false, reauthorize: true };
  return { ...base, retryable: error.retryable };
}
