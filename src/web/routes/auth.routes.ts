import { Router } from 'express';
import { z } from 'zod';
import { startFlow } from '../../app/oauth-flow';
import { html, page } from '../http/html';
import { rateLimit } from '../http/rate-limit';
import { sessionOf } from '../http/session';
import { validate } from '../http/validate';
import { clearSessionCookie, setStateCookie } from './cookies';
import { ProviderParams } from './install.routes';
import { anyMember, fromForm, type RouteGroup } from './route-group';

const SigninQuery = z.object({ next: z.string().max(300).optional() }).loose();

/**
 * Admins and viewers sign in with the CRM's OAuth (the same authorize/callback flow with the
 * `signin` purpose and the fewest scopes): `GET /signin` lists the systems, `GET /signin/:provider`
 * goes to the CRM. A user who belongs to no workspace is refused on the callback. `POST /signout`
 * ends the session (any member, with the CSRF token).
 */
export const signinRoutes: RouteGroup = {
  name: 'signin',
  access: 'public',
  router(deps) {
    const router = Router();
    const limit = rateLimit(deps.runtime.redis, deps.runtime.prefix, { name: 'signin', max: 30, windowMs: 60_000, ...deps.rateLimits?.signin });

    router.get('/signin', limit, (req, res) => {
      if (!validate(req, res, 'query', SigninQuery)) return;
      const systems = [...deps.installables.values()].map(({ module }) => module);
      const body = systems.length === 0
        ? html`<h1>Sign in to Leadstage</h1><section class="card"><p>No system is set up for sign-in on this server (its OAuth app variables are not set).</p></section>`
        : html`<h1>Sign in to Leadstage</h1>
          <section class="card"><h2>Already using Leadstage?</h2>
            <p class="muted">Sign in with the system your workspace is connected to.</p>
            <div class="actions">${systems.map((m) => html`<a class="button" href="/signin/${m.provider}">Sign in with ${m.label}</a>`)}</div></section>
          <section class="card"><h2>New here?</h2>
            <p class="muted">Install Leadstage from your CRM: you approve it there and come back as your workspace's admin. Connect your other system afterwards from Connections.</p>
            <div class="actions">${systems.map((m) => html`<a class="button primary" href="/install/${m.provider}">Install Leadstage from ${m.label}</a>`)}</div></section>`;
      res.type('html').send(page('Sign in', body));
    });

    router.get('/signin/:provider', limit, async (req, res) => {
      const params = validate(req, res, 'params', ProviderParams);
      if (!params) return;
      const flow = await startFlow(deps, { provider: params.provider, purpose: 'signin', sessionHash: null });
      setStateCookie(res, flow.nonce, deps.secureCookies);
      res.redirect(303, flow.url);
    });
    return router;
  },
};

export const signoutRoutes: RouteGroup = {
  name: 'signout',
  access: 'members',
  router(deps) {
    const router = Router();
    router.post('/signout', ...anyMember, async (req, res) => {
      await deps.runtime.store.sessions.delete(sessionOf(res)!.hash);
      clearSessionCookie(res, deps.secureCookies);
      if (fromForm(req)) res.redirect(303, '/signin');
      else res.json({ signedOut: true });
    });
    return router;
  },
};
