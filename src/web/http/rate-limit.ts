import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { sendError } from './errors';

export interface RateLimitRule {
  /** Names the counter (`signin`, `install`, `webhook`). */
  name: string;
  max: number;
  windowMs: number;
}

const COUNT = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return {n, redis.call('PTTL', KEYS[1])}`;

/**
 * Requests per client IP per fixed window, counted in Redis so every web process shares the
 * count. Over the limit: 429 with Retry-After. If Redis does not answer, the request is let through
 * (the limit protects the CRM sign-in and the webhook handlers, it must not take the site down).
 */
export function rateLimit(redis: Redis, prefix: string, rule: RateLimitRule): RequestHandler {
  return async (req, res, next) => {
    const window = Math.floor(Date.now() / rule.windowMs);
    const key = `${prefix}:web-rate:${rule.name}:${req.ip ?? 'unknown'}:${window}`;
    let count: number;
    let ttl: number;
    try {
      [count, ttl] = (await redis.eval(COUNT, 1, key, String(rule.windowMs))) as [number, number];
    } catch {
      return next();
    }
    res.setHeader('RateLimit-Policy', `${rule.max};w=${Math.ceil(rule.windowMs / 1000)}`);
    if (count <= rule.max) return next();
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(ttl / 1000))));
    sendError(res, 429, 'rate_limited', `too many ${rule.name} requests from this address; try again in ${Math.max(1, Math.ceil(ttl / 1000))} s`);
  };
}
