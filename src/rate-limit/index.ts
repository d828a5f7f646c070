/** A per-installation API rate limiter shared by all worker processes through Redis. */
export { backoffDelay, type BackoffOptions } from './backoff-delay.util';
export { classify429, type RateLimitAction, type ResponseHeaders } from './classify-429.util';
export { DailyQuotaExhaustedError } from './daily-quota-exhausted-error';
export { DEFAULT_HUBSPOT_POLICY, HUBSPOT_POLICIES, type HubSpotPolicyName } from './hubspot-policies.constant';
export { nextMidnight } from './next-midnight.util';
export { parseRetryAfter } from './parse-retry-after.util';
export type { Lease, PauseReason, RateLimiter, RateLimitStatus } from './rate-limiter';
export type { RatePolicy, RequestKind, WindowLimit } from './rate-policy';
export { createRedisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limiter';
export { DEFAULT_SALESFORCE_POLICY, SALESFORCE_POLICIES, type SalesforcePolicyName } from './salesforce-policies.constant';
export { withSafetyMargin } from './safety-margin.util';
