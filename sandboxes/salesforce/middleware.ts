/**
 * The gate every REST API request passes, in Salesforce's order: count it, add injected latency (both
 * ../kit/middleware.ts), check the session (401 INVALID_SESSION_ID), apply the org's limits and the limitExceeded switch
 * (403 REQUEST_LIMIT_EXCEEDED), stamp `Sforce-Limit-Info`, then maybe an injected 5xx. Handlers only
 * see authenticated, admitted requests.
 */
import type { RequestHandler } from 'express';
import { injectServerErrors as injectKitServerErrors } from '../kit/middleware';
import type { SandboxContext } from './context';
import { invalidSession, requestLimitExceeded, restError, SalesforceError } from './errors';

/** `Authorization: Bearer <token>` (or Salesforce's older `OAuth <token>`). */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export function requireSession(ctx: SandboxContext): RequestHandler {
  return (req, res, next) => {
    const token = bearerToken(req.get('authorization'));
    const userId = token === undefined ? undefined : ctx.auth.userOf(token);
    if (token === undefined || userId === undefined) {
      ctx.stats.counters.unauthorized += 1;
      throw invalidSession();
    }
    res.locals.token = token;
    res.locals.userId = userId;
    next();
  };
}

/**
 * Field-level security belongs to the user a session runs as: describe, SOQL and writes show the
 * custom fields that user's profile and assigned permission sets grant (permissions.ts), not the
 * integration user's. Requests are handled one at a time against the in-memory org, so the store
 * is switched to the request's user before its handler runs.
 */
export function runAsSessionUser(ctx: SandboxContext): RequestHandler {
  return (_req, res, next) => {
    ctx.runAs(res.locals.userId as string);
    next();
  };
}

export function enforceLimits(ctx: SandboxContext): RequestHandler {
  return (req, res, next) => {
    if (ctx.faults.limitExceeded && ctx.faults.applies(req.path)) {
      ctx.stats.limitExceeded('fault');
      ctx.stats.counters.faults.limitExceeded += 1;
      res.set('Sforce-Limit-Info', ctx.limits.limitInfo());
      throw requestLimitExceeded();
    }
    const decision = ctx.limits.admit();
    res.set('Sforce-Limit-Info', ctx.limits.limitInfo());
    if (!decision.ok) {
      ctx.stats.limitExceeded(decision.reason);
      throw requestLimitExceeded(decision.message);
    }
    ctx.stats.counters.apiCalls += 1;
    ctx.limits.started();
    res.on('close', () => ctx.limits.finished());
    next();
  };
}

const PROXY_502 = '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The proxy server received an invalid response from an upstream server.</p></body></html>';

/** An injected 5xx, as Salesforce answers one: 503 SERVER_UNAVAILABLE, a proxy's HTML 502, or a 500 with an ErrorId. */
export function injectServerErrors(ctx: SandboxContext): RequestHandler {
  return injectKitServerErrors(ctx, (status) => {
    if (status === 503) return restError(503, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable. Please try again later. (sandbox fault)');
    if (status === 502) return new SalesforceError(502, [], { contentType: 'text/html', text: PROXY_502 });
    const errorId = `${ctx.prng.int(100000000, 999999999)}-${ctx.prng.int(10000, 99999)} (${-ctx.prng.int(100000000, 999999999)})`;
    return restError(500, 'UNKNOWN_EXCEPTION', `An unexpected error occurred. Please include this ErrorId if you contact support: ${errorId}`);
  });
}
