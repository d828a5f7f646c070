/**
 * The public app's OAuth endpoints (reference §1.8), before the bearer-token gate:
 * - `GET /oauth/authorize` (app.hubspot.com's install URL): the consent page, or an error page (400,
 *   no redirect) for an unknown `client_id`, an unregistered `redirect_uri` or a scope mismatch;
 * - `POST /oauth/authorize`: what the page's form posts (`approve=1` → 302 to `redirect_uri?code&state`;
 *   otherwise `?error=access_denied&state`), also a test's non-interactive approval;
 *   `GET /oauth/authorize/cancel`: the page's Cancel link;
 * - `POST /oauth/v3/token` (form body only): `authorization_code` and `refresh_token` grants;
 * - `POST /oauth/v3/token/introspect`, `POST /oauth/v3/token/revoke` (form bodies, client credentials);
 * - legacy `GET /oauth/v1/access-tokens/:token`, `GET|DELETE /oauth/v1/refresh-tokens/:token`.
 * `DELETE /appinstalls/v3/external-install` (OAuth bearer) is `appInstallsRouter`, behind the gate.
 */
import express, { Router, type Request, type Response } from 'express';
import { errorPage, escapeHtml, hiddenFields, page } from '../../kit/html';
import { callerOf, type SandboxContext } from '../context';
import { HubSpotError, UNAUTHORIZED_MESSAGE } from '../errors';
import {
  AuthorizeRefusal, OAuthFailure, PORTAL_NAME, PORTAL_USERS, type AuthorizeRequest, type CheckedAuthorize,
} from '../oauth';

function params(source: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (typeof source === 'object' && source !== null) {
    for (const [key, value] of Object.entries(source)) out[key] = typeof value === 'string' ? value : undefined;
  }
  return out;
}

/** The token endpoints read form bodies only (v3 moved every parameter out of the query string). */
function formParams(req: Request): Record<string, string | undefined> {
  return req.is('application/x-www-form-urlencoded') ? params(req.body) : {};
}

function authorizeRequest(p: Record<string, string | undefined>): AuthorizeRequest {
  return {
    clientId: p.client_id, redirectUri: p.redirect_uri, scope: p.scope, optionalScope: p.optional_scope, state: p.state,
    codeChallenge: p.code_challenge, codeChallengeMethod: p.code_challenge_method,
  };
}

function redirectWith(res: Response, redirectUri: string, query: Record<string, string | undefined>): void {
  const target = new URL(redirectUri);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) target.searchParams.set(key, value);
  res.redirect(302, target.toString());
}

function refusalPage(res: Response, refusal: AuthorizeRefusal): void {
  res.status(400).type('html').send(errorPage(refusal.title, refusal.message,
    'HubSpot shows this page instead of redirecting back to the app. (Local HubSpot sandbox.)'));
}

function consentPage(ctx: SandboxContext, checked: CheckedAuthorize, raw: Record<string, string | undefined>): string {
  const app = checked.app;
  const fixed = app.installingUserId === undefined ? undefined : ctx.oauth.user(app.installingUserId);
  const userField = fixed
    ? `<p>Installing as <strong>${escapeHtml(fixed.name)}</strong> (${escapeHtml(fixed.email)}).</p>
      <input type="hidden" name="user_id" value="${fixed.id}">`
    : `<label>Install as
        <select name="user_id">
          ${PORTAL_USERS.map((u) => `<option value="${u.id}">${escapeHtml(u.name)} (${escapeHtml(u.email)})</option>`).join('\n          ')}
        </select>
      </label>`;
  const scopeItems = [
    ...checked.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`),
    ...checked.optionalScopes.map((s) => `<li><code>${escapeHtml(s)}</code> (optional)</li>`),
  ].join('\n        ');
  const cancel = new URLSearchParams(Object.entries({
    client_id: raw.client_id, redirect_uri: raw.redirect_uri, state: raw.state,
  }).filter((e): e is [string, string] => e[1] !== undefined));
  return page(`Connect ${app.name} to HubSpot`, `  <h1>Connect <em>${escapeHtml(app.name)}</em> to your HubSpot account</h1>
  <div class="box">
    <p>Account: <strong>${escapeHtml(PORTAL_NAME)}</strong></p>
    <p>${escapeHtml(app.name)} (app ${app.appId}) is asking to:</p>
      <ul>
        ${scopeItems}
      </ul>
  </div>
  <form method="post" action="/oauth/authorize">
      ${hiddenFields({
        client_id: raw.client_id, redirect_uri: raw.redirect_uri, scope: raw.scope, optional_scope: raw.optional_scope,
        state: raw.state, code_challenge: raw.code_challenge, code_challenge_method: raw.code_challenge_method, approve: '1',
      })}
      ${userField}
      <p><button type="submit">Connect app</button> <a href="/oauth/authorize/cancel?${escapeHtml(cancel.toString())}">Cancel</a></p>
  </form>
  <p class="note">Local HubSpot sandbox: approving redirects to <code>${escapeHtml(checked.redirectUri)}</code> with a code.</p>`);
}

function oauthError(error: unknown): never {
  if (error instanceof OAuthFailure) {
    // v1's body (`status` + `message`, from integrators' captures) with the `category` the v3 spec's Error requires
    throw new HubSpotError(error.httpStatus, { status: error.status, message: error.message, category: 'VALIDATION_ERROR' });
  }
  throw error;
}

export function oauthRouter(ctx: SandboxContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false });
  const noStore = (res: Response) => res.set('Cache-Control', 'no-store');

  router.get('/oauth/authorize', (req, res) => {
    const raw = params(req.query);
    let checked: CheckedAuthorize;
    try {
      checked = ctx.oauth.checkAuthorize(authorizeRequest(raw));
    } catch (error) {
      if (error instanceof AuthorizeRefusal) return refusalPage(res, error);
      throw error;
    }
    res.type('html').send(consentPage(ctx, checked, raw));
  });

  router.post('/oauth/authorize', form, (req, res) => {
    const raw = { ...params(req.query), ...params(req.body) };
    let checked: CheckedAuthorize;
    try {
      checked = ctx.oauth.checkAuthorize(authorizeRequest(raw));
    } catch (error) {
      if (error instanceof AuthorizeRefusal) return refusalPage(res, error);
      throw error;
    }
    if (raw.approve !== '1') {
      ctx.oauth.deny();
      return redirectWith(res, checked.redirectUri, { error: 'access_denied', state: checked.state });
    }
    const fixed = ctx.oauth.app.installingUserId;
    const userId = fixed ?? Number(raw.user_id ?? PORTAL_USERS[0]!.id);
    if (!ctx.oauth.user(userId) || (fixed !== undefined && raw.user_id !== undefined && Number(raw.user_id) !== fixed)) {
      return refusalPage(res, new AuthorizeRefusal('Unknown user', `User ${raw.user_id ?? ''} is not a user of ${PORTAL_NAME}.`));
    }
    redirectWith(res, checked.redirectUri, { code: ctx.oauth.approve(checked, userId), state: checked.state });
  });

  router.get('/oauth/authorize/cancel', (req, res) => {
    const raw = params(req.query);
    if (raw.client_id !== ctx.oauth.app.clientId || !raw.redirect_uri || !ctx.oauth.app.redirectUris.includes(raw.redirect_uri)) {
      return refusalPage(res, new AuthorizeRefusal('Invalid request', 'Unknown client_id or redirect_uri.'));
    }
    ctx.oauth.deny();
    redirectWith(res, raw.redirect_uri, { error: 'access_denied', state: raw.state });
  });

  router.post('/oauth/v3/token', form, (req, res) => {
    try {
      const response = ctx.oauth.token(formParams(req));
      noStore(res).json(response);
    } catch (error) {
      oauthError(error);
    }
  });

  router.post('/oauth/v3/token/introspect', form, (req, res) => {
    try {
      noStore(res).json(ctx.oauth.introspect(formParams(req)));
    } catch (error) {
      oauthError(error);
    }
  });

  router.post('/oauth/v3/token/revoke', form, (req, res) => {
    const p = formParams(req);
    try {
      ctx.oauth.revoke(p.token ?? '', p);
    } catch (error) {
      oauthError(error);
    }
    res.status(200).end();
  });

  const notFoundToken = () => new HubSpotError(404, { status: 'error', message: 'Token not found, expired or revoked.', category: 'OBJECT_NOT_FOUND' });
  router.get('/oauth/v1/access-tokens/:token', (req, res) => {
    const info = ctx.oauth.accessTokenMetadata(req.params.token);
    if (!info) throw notFoundToken();
    res.json(info);
  });
  router.get('/oauth/v1/refresh-tokens/:token', (req, res) => {
    const info = ctx.oauth.refreshTokenMetadata(req.params.token);
    if (!info) throw notFoundToken();
    res.json(info);
  });
  router.delete('/oauth/v1/refresh-tokens/:token', (req, res) => {
    if (!ctx.oauth.refreshTokenMetadata(req.params.token)) throw notFoundToken();
    ctx.oauth.revoke(req.params.token);
    res.status(204).end();
  });

  return router;
}

/** `DELETE /appinstalls/v3/external-install`: the app uninstalls itself from the token's account (204). */
export function appInstallsRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.delete('/appinstalls/v3/external-install', (_req, res) => {
    if (callerOf(res.locals).kind !== 'oauth') {
      throw new HubSpotError(401, { status: 'error', message: UNAUTHORIZED_MESSAGE, category: 'INVALID_AUTHENTICATION' });
    }
    ctx.oauth.uninstall();
    res.status(204).end();
  });
  return router;
}
