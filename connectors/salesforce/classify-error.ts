import type { CrmErrorClass } from '../../src/connector/crm-error';
import { unclassifiedError } from '../../src/connector/crm-error';
import { DailyQuotaExhaustedError } from '../../src/rate-limit/daily-quota-exhausted-error';
import { SalesforceApiError } from './salesforce-api-error';
import { SalesforceSchemaSetupRequired } from './schema/schema-setup-required.error';

/** The shortest pause after a concurrent-requests refusal that carried no wait of its own. */
const MIN_CONCURRENCY_PAUSE_MS = 1_000;
const DEFAULT_CONCURRENCY_PAUSE_MS = 30_000;

/**
 * What a Salesforce failure means to the worker. The daily REQUEST_LIMIT_EXCEEDED arrives as a
 * DailyQuotaExhaustedError (source `crm`: the org's budget, other apps included) and pauses every
 * worker; the concurrent-requests one pauses the installation briefly; our own headroom (`counted`)
 * delays the job without a pause; a refused refresh token needs an admin to reconnect; missing
 * schema needs an admin's setup steps, so retrying cannot help.
 */
export function classifySalesforceError(error: unknown, now: number): CrmErrorClass {
  if (error instanceof DailyQuotaExhaustedError) {
    return { code: error.code, message: error.message, retryable: true, waitUntilMs: error.resetsAt, budget: 'daily', pauseInstallation: error.source === 'crm', reauthorize: false };
  }
  if (error instanceof SalesforceSchemaSetupRequired) {
    return { code: error.code, message: error.message, retryable: false, waitUntilMs: null, budget: null, pauseInstallation: false, reauthorize: false };
  }
  if (!(error instanceof SalesforceApiError)) return unclassifiedError(error);
  const base = { code: error.errorCode, message: error.message, waitUntilMs: null, budget: null, pauseInstallation: false, reauthorize: false };
  if (error.errorCode === 'REQUEST_LIMIT_EXCEEDED') {
    const waitMs = Math.max(MIN_CONCURRENCY_PAUSE_MS, error.retryAfterMs ?? DEFAULT_CONCURRENCY_PAUSE_MS);
    return { ...base, retryable: true, waitUntilMs: now + waitMs, budget: 'concurrency', pauseInstallation: true };
  }
  if (error.errorCode === 'invalid_grant') return { ...base, retryable: false, reauthorize: true };
  return { ...base, retryable: error.retryable };
}
