/**
 * The gate every API request passes, in HubSpot's order: count it, add injected latency (both
 * ../kit/middleware.ts), check the bearer token (401), check the OAuth token's scopes (403), apply
 * rate limits and the forced-429 / DAILY switches (429), then maybe an injected 5xx. Handlers only
 * ever see authenticated, admitted requests.
 *
 * A bearer token is either a private-app token (the `token` option; per-token limits with a daily
 * budget) or an access token of the public app (oauth.ts; one window per installing account, no daily
 * budget). An expired OAuth token answers HubSpot's EXPIRED_AUTHENTICATION 401, an unknown or revoked
 * one the INVALID_AUTHENTICATION 401.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { injectServerErrors as injectKitServerErrors } from '../kit/middleware';
import { callerOf, type Caller, type SandboxContext } from './context';
import { HubSpotError, UNAUTHORIZED_MESSAGE } from './errors';
import { expiredAgo } from './oauth';
import { RATE_LIMIT_MESSAGES, type RatePolicy, type RequestKind } from './rate-limit';
import { requiredScopes } from './scopes';

/** CRM search has its own per-second limit and no rate-limit headers (reference §1.4). */
export function requestKind(req: Request): RequestKind {
  return req.method === 'POST' && /\/search\/?$/.test(req.path) ? 'search' : 'standard';
}

export function requireBearerToken(ctx: SandboxContext): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    const token = match?.[1];
    let caller: Caller | undefined;
    if (token !== undefined && ctx.tokens.has(token)) caller = { kind: 'private', token };
    else if (token !== undefined) {
      const check = ctx.oauth.check(token);
      if (check.kind === 'expired') {
        const expired = new Date(check.expiredAt).toISOString();
        throw new HubSpotError(401, {
          status: 'error', message: `The OAuth token used to make this call expired ${expiredAgo(ctx.clock.now() - check.expiredAt)} ago.`,
          category: 'EXPIRED_AUTHENTICATION', context: { 'expire time': [expired] },
        });
      }
      if (check.kind === 'ok') caller = { kind: 'oauth', token, userId: check.userId, scopes: check.scopes };
    }
    if (!caller) throw new HubSpotError(401, { status: 'error', message: UNAUTHORIZED_MESSAGE, category: 'INVALID_AUTHENTICATION' });
    res.locals.caller = caller;
    // the limiter's key: the private token itself, or the account the public app is installed in
    res.locals.token = caller.kind === 'private' ? caller.token : ctx.oauth.rateLimitKey;
    next();
  };
}

/** An OAuth token must carry the scope an endpoint needs (private-app tokens are not checked). */
export function requireScopes(_ctx: SandboxContext): RequestHandler {
  return (req, res, next) => {
    const caller = callerOf(res.locals);
    if (caller.kind !== 'oauth') return next();
    const needed = requiredScopes(req.method, req.path);
    if (needed && !needed.some((scope) => caller.scopes.includes(scope))) {
      throw new HubSpotError(403, {
        status: 'error',
        message: "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
        errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: needed } }],
        links: { scopes: 'https://developers.hubspot.com/scopes' },
        category: 'MISSING_SCOPES',
      });
    }
    next();
  };
}

function tooManyRequests(policy: RatePolicy): HubSpotError {
  return new HubSpotError(429, { status: 'error', message: RATE_LIMIT_MESSAGES[policy], errorType: 'RATE_LIMIT', policyName: policy });
}

export function enforceRateLimits(ctx: SandboxContext): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = res.locals.token as string;
    const tier = callerOf(res.locals).kind === 'oauth' ? ctx.oauth.app.rateLimit : undefined;
    const kind = requestKind(req);
    const burst = ctx.faults.applies(req.path) ? ctx.faults.takeBurst() : undefined;
    if (burst) {
      ctx.stats.fault('burst429s');
      ctx.stats.rateLimited(burst);
      if (kind === 'standard' && burst === 'TEN_SECONDLY_ROLLING') {
        const o = tier ?? ctx.limiter.settings;
        res.set({ 'X-HubSpot-RateLimit-Max': String(o.maxPerWindow), 'X-HubSpot-RateLimit-Remaining': '0',
          'X-HubSpot-RateLimit-Interval-Milliseconds': String(o.windowMs) });
      }
      throw tooManyRequests(burst);
    }
    // the DAILY switch is the portal's daily budget of private apps; public-app OAuth calls have none
    const decision = ctx.limiter.check(token, kind, !tier && ctx.faults.dailyExhausted, tier);
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
