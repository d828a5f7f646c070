import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { findSession, sameToken, SESSION_COOKIE } from '../../app/sessions';
import type { SessionRecord, Store } from '../../store';
import { sendError } from './errors';

export type WebSession = SessionRecord & { hash: string };

/** Reads one cookie from the request (no cookie-parser: the server reads only its own two). */
export function cookieValue(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The signed-in session of this request, or null (loadSession ran first). */
export function sessionOf(res: Response): WebSession | null {
  return (res.locals.session as WebSession | null | undefined) ?? null;
}

/** Looks the session cookie up in the store (expired or unknown: no session). */
export function loadSession(store: Store, clock: () => number): RequestHandler {
  return async (req, res, next) => {
    res.locals.session = await findSession(store, cookieValue(req, SESSION_COOKIE), clock());
    next();
  };
}

/** A page (a browser GET asking for HTML) goes to sign-in; anything else gets a 401. */
function wantsPage(req: Request): boolean {
  return req.method === 'GET' && req.accepts(['json', 'html']) === 'html';
}

/** Every non-public route: a signed-in member of a workspace, or 401 / a redirect to sign-in. */
export const requireSession: RequestHandler = (req, res, next) => {
  if (sessionOf(res)) return next();
  if (wantsPage(req)) return res.redirect(303, `/signin?next=${encodeURIComponent(req.originalUrl.slice(0, 200))}`);
  sendError(res, 401, 'unauthenticated', 'sign in first');
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF: every state-changing request carries the session's synchronizer token, as the `_csrf`
 * form field or the X-CSRF-Token header. The cookie alone never suffices.
 */
export const requireCsrf: RequestHandler = (req, res, next) => {
  if (SAFE_METHODS.has(req.method)) return next();
  const session = sessionOf(res);
  const sent = req.get('x-csrf-token') ?? (typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>)._csrf : undefined);
  if (session && typeof sent === 'string' && sameToken(sent, session.csrfToken)) return next();
  sendError(res, 403, 'csrf', 'missing or wrong CSRF token: send the form again from the page');
};

/**
 * Roles: a viewer reads; only an admin changes anything. Applied after requireSession on every
 * route group, so a new state-changing route is admin-only unless it says otherwise.
 */
export const requireAdminToChange: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  if (SAFE_METHODS.has(req.method) || sessionOf(res)?.role === 'admin') return next();
  sendError(res, 403, 'forbidden', 'only a workspace admin can do this');
};
