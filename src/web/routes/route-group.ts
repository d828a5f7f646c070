import express, { type RequestHandler, type Router } from 'express';
import { requireAdminToChange, requireCsrf, requireSession } from '../http/session';
import type { WebDeps } from '../web-deps';

/**
 * One file per group of routes (`*.routes.ts`), all listed in ./index.ts. `public` groups need no
 * session (health, install, OAuth callbacks, sign-in, webhooks); every other route is built with
 * `member` or `anyMember`, so it checks the session, the CSRF token and the role.
 */
export interface RouteGroup {
  name: string;
  access: 'public' | 'members';
  router(deps: WebDeps): Router;
}

/** Form posts and JSON, with small bodies: nothing here takes more than a few fields. */
export const parseBody: RequestHandler[] = [express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }), express.json({ limit: '64kb' })];

/** Members' routes: signed in, CSRF on state changes, admins only for state changes. */
export const member: RequestHandler[] = [...parseBody, requireSession, requireCsrf, requireAdminToChange];

/** A state change any member may make about themselves (signing out): signed in and CSRF, any role. */
export const anyMember: RequestHandler[] = [...parseBody, requireSession, requireCsrf];

/** Whether a request came from an HTML form (answer with a redirect) or from a script (answer JSON). */
export function fromForm(req: express.Request): boolean {
  return req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';
}
