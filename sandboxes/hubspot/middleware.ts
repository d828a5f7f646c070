/**
 * The gate every API request passes, in HubSpot's order: count it, add injected latency (both
 * ../kit/middleware.ts), check the bearer token (401), apply rate limits and the forced-429 / DAILY
 * switches (429), then maybe an injected 5xx. Handlers only ever see authenticated, admitted requests.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { injectServerErrors as injectKitServerErrors } from '../kit/middleware';
import type { SandboxContext } from './context';
import { HubSpotError, UNAUTHORIZED_MESSAGE } from './errors';
import { RATE_LIMIT_MESSAGES, type RatePolicy, type RequestKind } from './rate-limit';

/** CRM search has its own per-second limit and no rate-limit headers (reference §1.4). */
export function requestKind(req: Request): RequestKind {
  return req.method === 'POST' && /\/search\/?$/.test(req.path) ? 'search' : 'standard';
}

export function requireBearerToken(ctx: SandboxContext): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!match || !ctx.tokens.has(match[1]!)) {
      throw new HubSpotError(401, { status: 'error', message: UNAUTHORIZED_MESSAGE, category: 'INVALID_AUTHENTICATION' });
    }
    res.locals.token = match[1];
    next();
  };
}

function tooManyRequests(policy: RatePolicy): HubSpotError {
  return new HubSpotError(429, { status: 'error', message: RATE_LIMIT_MESSAGES[policy], errorType: 'RATE_LIMIT', policyName: policy });
}

export function enforceRateLimits(ctx: SandboxContext): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = res.locals.token as string;
    const kind = requestKind(req);
    const burst = ctx.faults.applies(req.path) ? ctx.faults.takeBurst() : undefined;
    if (burst) {
      ctx.stats.fault('burst429s');
      ctx.stats.rateLimited(burst);
      if (kind === 'standard' && burst === 'TEN_SECONDLY_ROLLING') {
        const o = ctx.limiter.settings;
        res.set({ 'X-HubSpot-RateLimit-Max': String(o.maxPerWindow), 'X-HubSpot-RateLimit-Remaining': '0',
          'X-HubSpot-RateLimit-Interval-Milliseconds': String(o.windowMs) });
      }
      throw tooManyRequests(burst);
    }
    const decision = ctx.limiter.check(token, kind, ctx.faults.dailyExhausted);
    res.set(decision.headers);
    if (!decision.ok) {
      ctx.stats.rateLimited(decision.policy);
      throw tooManyRequests(decision.policy);
    }
    next();
  };
}

/** An injected 5xx, as HubSpot answers one. */
export function injectServerErrors(ctx: SandboxContext): RequestHandler {
  return injectKitServerErrors(ctx, (status) => new HubSpotError(status, {
    status: 'error', message: `Simulated ${status} (sandbox fault errorRate); the request was not processed.`, category: 'INTERNAL_ERROR',
  }));
}
