/** A per-installation API rate limiter shared by all worker processes through Redis. */
export { backoffDelay, type BackoffOptions } from './backoff-delay.util';
export { DailyQuotaExhaustedError } from './daily-quota-exhausted-error';
export { nextMidnight } from './next-midnight.util';
export { parseRetryAfter } from './parse-retry-after.util';
export type { Lease, PauseReason, RateLimiter, RateLimitStatus } from './rate-limiter';
export type { RatePolicy, RequestKind, WindowLimit } from './rate-policy';
export { createRedisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limiter';
export { withSafetyMargin } from './safety-margin.util';
