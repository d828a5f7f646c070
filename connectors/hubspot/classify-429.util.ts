import { nextMidnight } from '../../src/rate-limit/next-midnight.util';
import { parseRetryAfter } from '../../src/rate-limit/parse-retry-after.util';

/**
 * What to do about a HubSpot 429 (shared/reference/hubspot-api.md §1.10): the rolling and secondly
 * limits clear within seconds, so back off (Retry-After when sent, else one window: 10 s or 1 s);
 * the DAILY limit clears at midnight in the account's timezone, so pause until then and do not retry.
 * A 429 after our own pacing means someone else spent the quota (another app on the same portal):
 * pass `backoff` on to `limiter.pause(id, now + waitMs, 'rate-limit')` so every process waits.
 */
export type RateLimitAction = { action: 'backoff'; waitMs: number } | { action: 'pause-daily'; untilMs: number };

const ROLLING_BACKOFF_MS = 10_000;
const SECONDLY_BACKOFF_MS = 1_000;
/** The text the SDK's own retry recognises when `policyName` is missing (reference §1.2). */
const SECONDLY_MESSAGE = 'You have reached your secondly limit.';

export type ResponseHeaders = Record<string, string | string[] | undefined>;

export function classify429(body: unknown, headers: ResponseHeaders | undefined, now: number, timeZone = 'UTC'): RateLimitAction {
  const policyName = stringField(body, 'policyName');
  if (policyName === 'DAILY') return { action: 'pause-daily', untilMs: nextMidnight(now, timeZone) };
  const retryAfter = parseRetryAfter(header(headers, 'retry-after'), now);
  if (retryAfter !== null) return { action: 'backoff', waitMs: retryAfter };
  const secondly = policyName === 'SECONDLY' || stringField(body, 'message') === SECONDLY_MESSAGE;
  // TEN_SECONDLY_ROLLING, and any 429 we cannot place: one full rolling window clears it
  return { action: 'backoff', waitMs: secondly ? SECONDLY_BACKOFF_MS : ROLLING_BACKOFF_MS };
}

function stringField(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Header names are case-insensitive; a repeated header counts by its first value. */
function header(headers: ResponseHeaders | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
