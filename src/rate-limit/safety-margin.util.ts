import type { RatePolicy } from './rate-policy';

/**
 * The CRM counts requests when they arrive, we count them when we grant them: uneven latency can
 * bunch a window's worth of grants into a slightly shorter span on arrival. Lengthening our windows
 * by a few percent keeps our own traffic clear of 429s at a cost of that much throughput.
 */
export function withSafetyMargin(policy: RatePolicy, margin = 0.03): RatePolicy {
  const widen = (limit: RatePolicy['standard']) => ({ max: limit.max, windowMs: Math.ceil(limit.windowMs * (1 + margin)) });
  return { ...policy, standard: widen(policy.standard), search: widen(policy.search) };
}
