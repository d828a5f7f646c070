/**
 * The wait before retry number `attempt` (1 for the first retry) of a 5xx or network error: capped
 * exponential backoff with full jitter, uniform in [0, min(maxMs, baseMs × 2^(attempt−1))). Full
 * jitter spreads the retries of many workers hit by the same outage, so they do not return together.
 * `random` is injected (Math.random in production) and must return a value in [0, 1).
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random: () => number;
}

export function backoffDelay(attempt: number, { baseMs, maxMs, random }: BackoffOptions): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer ≥ 1, got ${attempt}`);
  if (!(baseMs > 0) || !(maxMs >= baseMs)) throw new RangeError(`need 0 < baseMs ≤ maxMs, got baseMs ${baseMs}, maxMs ${maxMs}`);
  // 2 ** 1100 is Infinity, which min() caps: no overflow for any attempt count
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}
