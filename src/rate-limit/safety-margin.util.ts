import type { RatePolicy } from './rate-policy';

/**
 * The CRM counts requests when they arrive. Leased slots (RateLimiter.lease) already stay counted
 * until a window after the response, which covers any delay between our grant and the arrival, so
 * what is left is a small allowance for the CRM's clock and ours not ticking quite alike, and for
 * the odd request made outside a lease. Lengthening our windows by 1% costs 1% of throughput.
 */
export function withSafetyMargin(policy: RatePolicy, margin = 0.01): RatePolicy {
  const widen = (limit: RatePolicy['standard']) => ({ max: limit.max, windowMs: Math.ceil(limit.windowMs * (1 + margin)) });
  return { ...policy, standard: widen(policy.standard), search: widen(policy.search) };
}
