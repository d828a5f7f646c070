/**
 * What a CRM allows one installation, as data: a rolling window per kind of request and a daily
 * budget. Each connector keeps its system's figures (`connectors/<name>/rate-policies.constant.ts`);
 * the limiter knows no provider.
 */
export type RequestKind = 'standard' | 'search';

/** At most `max` requests in any `windowMs` (a rolling window, not fixed buckets). */
export interface WindowLimit {
  max: number;
  windowMs: number;
}

export interface RatePolicy {
  standard: WindowLimit;
  /** CRM search has its own, separate limit; a search does not count against `standard`. */
  search: WindowLimit;
  /** Requests of both kinds per day, or null when we cannot know it (we then rely on the CRM's DAILY 429). */
  daily: number | null;
  /** The next daily reset after `now` (epoch ms). Default: the next midnight UTC. */
  dailyResetsAt?: (now: number) => number;
}
