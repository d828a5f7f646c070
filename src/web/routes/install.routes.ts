import { Router } from 'express';
import { z } from 'zod';
import { completeFlow, FlowError, STATE_COOKIE, startFlow } from '../../app/oauth-flow';
import { messagePage } from '../http/html';
import { rateLimit } from '../http/rate-limit';
import { cookieValue, sessionOf } from '../http/session';
import { validate } from '../http/validate';
import { clearStateCookie, setSessionCookie, setStateCookie } from './cookies';
import type { RouteGroup } from './route-group';

export const ProviderParams = z.object({ provider: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'expected a system id such as the one in the install link') }).strict();

/** What the CRM sends back: a code and our state, or an OAuth error (the admin declined). */
const CallbackQuery = z
  .object({
    code: z.string().min(1).max(4096).optional(),
    state: z.string().min(1).max(200).optional(),
    error: z.string().min(1).max(200).optional(),
    error_description: z.string().max(2000).optional(),
  })
  .loose()
  .superRefine((query, ctx) => {
    if (query.error !== undefined) return;
    if (query.code === undefined) ctx.addIssue({ code: 'custom', path: ['code'], message: 'required (the authorization code the system sends back)' });
    if (query.state === undefined) ctx.addIssue({ code: 'custom', path: ['state'], message: 'required (the state the install link carried)' });
  });

/**
 * Installing from the CRM: `GET /install/:provider` sends the browser to the system's consent page
 * with a signed single-use state; `GET /oauth/:provider/callback` checks it, exchanges the code,
 * connects the account in the admin's workspace and signs the installing user in. Both are public
 * (a first install has no session yet) and rate-limited per IP.
 */
export const installRoutes: RouteGroup = {
  name: 'install',
  access: 'public',
  router(deps) {
    const router = Router();
    const limit = rateLimit(deps.runtime.redis, deps.runtime.prefix, { name: 'install', max: 30, windowMs: 60_000, ...deps.rateLimits?.install });

    router.get('/install/:provider', limit, async (req, res) => {
      const params = validate(req, res, 'params', ProviderParams);
      if (!params) return;
      const session = sessionOf(res);
      if (session && session.role !== 'admin') {
        res.status(403).type('html').send(messagePage('Admins only', 'Only a workspace admin can connect a system.', { href: '/console', label: 'Back to the console' }));
        return;
      }
      const flow = await startFlow(deps, { provider: params.provider, purpose: 'install', sessionHash: session?.hash ?? null });
      setStateCookie(res, flow.nonce, deps.secureCookies);
      res.redirect(303, flow.url);
    });

    router.get('/oauth/:provider/callback', limit, async (req, res) => {
      const params = validate(req, res, 'params', ProviderParams);
      if (!params) return;
      const query = validate(req, res, 'query', CallbackQuery);
      if (!query) return;
      clearStateCookie(res, deps.secureCookies);
      if (query.error !== undefined) {
        const label = deps.installables.get(params.provider)?.module.label ?? params.provider;
        res.status(400).type('html').send(messagePage('Not connected', `${label} did not authorize Leadstage (${query.error}${query.error_description ? `: ${query.error_description}` : ''}).`));
        return;
      }
      const session = sessionOf(res);
      const result = await completeFlow(deps, {
        provider: params.provider,
        state: query.state!,
        code: query.code!,
        browserNonce: cookieValue(req, STATE_COOKIE),
        session: session ? { hash: session.hash, workspaceId: session.workspaceId, userId: session.userId, role: session.role } : null,
      });
      // a fresh session id (no fixation); the previous one ends
      if (session) await deps.runtime.store.sessions.delete(session.hash);
      setSessionCookie(res, result.session.token, deps.secureCookies);
      res.redirect(303, '/console');
    });
    return router;
  },
};

export { FlowError };
