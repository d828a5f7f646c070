/**
 * OAuth 2.0 endpoints on the login hosts and the org's My Domain (with one listener, the sandbox is all
 * of them):
 * - `GET /services/oauth2/authorize`: the web-server flow's login and approval page (org, user picker,
 *   the scopes, Allow / Deny), or an error page (400, no redirect) for an unknown client, a callback URL
 *   the connected app does not list, a scope it does not have. A browser already logged in as a user who
 *   approved the app (`oauthSession`, by default the integration user) is sent straight back with a code
 *   unless `prompt=login|consent|select_account`; `prompt=none` / `immediate=true` never show the page;
 * - `POST /services/oauth2/authorize`: what the page posts (Allow → 302 `redirect_uri?code&state`,
 *   Deny → `?error=access_denied&error_description=end-user denied authorization&state`), also a test's
 *   non-interactive approval;
 * - `POST /services/oauth2/token` (refresh_token with rotation, authorization_code with optional PKCE),
 *   `POST|GET /services/oauth2/revoke`, `POST /services/oauth2/introspect`;
 * - `GET|POST /services/oauth2/userinfo` (OpenID Connect claims) and the identity URL `GET /id/<orgId>/<userId>`
 *   that a token response's `id` points at. OAuth calls do not count against the API budget.
 */
import express, { Router, type Request, type Response } from 'express';
import { errorPage, escapeHtml, hiddenFields, page } from '../../kit/html';
import { AuthorizeRefusal, type CheckedAuthorize } from '../auth';
import type { SandboxContext } from '../context';
import { oauthError } from '../errors';
import { bearerToken, requireSession } from '../middleware';
import { ORG_NAME, USERS } from '../seed-catalog';

function params(body: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (typeof body === 'object' && body !== null) {
    for (const [key, value] of Object.entries(body)) out[key] = typeof value === 'string' ? value : undefined;
  }
  return out;
}

const SCOPE_LABELS: Record<string, string> = {
  api: 'Manage user data via APIs (api)',
  refresh_token: 'Perform requests at any time (refresh_token, offline_access)',
  offline_access: 'Perform requests at any time (refresh_token, offline_access)',
  id: 'Access the identity URL service (id, profile, email, address, phone)',
  openid: 'Access unique user identifiers (openid)',
  full: 'Full access (full)',
  web: 'Access the Salesforce API platform from the web (web)',
};

const LOGIN_FAILED = "Please check your username and password. If you still can't log in, contact your Salesforce administrator.";

function redirectWith(res: Response, redirectUri: string, query: Record<string, string | undefined>): void {
  const target = new URL(redirectUri);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) target.searchParams.set(key, value);
  res.redirect(302, target.toString());
}

function refusalPage(res: Response, refusal: AuthorizeRefusal): void {
  // Salesforce shows the OAuth error on its own page, e.g. "error=redirect_uri_mismatch&error_description=…"
  res.status(400).type('html').send(errorPage('Remote Access Authorization Error',
    `error=${refusal.error}&error_description=${refusal.description}`, 'Salesforce shows this page instead of redirecting back. (Local Salesforce sandbox.)'));
}

function loginFailedPage(res: Response): void {
  res.status(400).type('html').send(errorPage('Login | Salesforce', LOGIN_FAILED,
    'This org does not log users in through this login host (a production org uses login.salesforce.com, a sandbox test.salesforce.com; My Domain works for both). (Local Salesforce sandbox.)'));
}

const activeUsers = () => USERS.filter((u) => u.isActive);

function consentPage(ctx: SandboxContext, checked: CheckedAuthorize, raw: Record<string, string | undefined>, appName: string): string {
  const labels = [...new Set(checked.scopes.map((s) => SCOPE_LABELS[s] ?? `${s}`))];
  const users = activeUsers();
  const selected = ctx.oauthSession.userId;
  return page(`Allow Access? | ${ORG_NAME}`, `  <h1>Allow Access?</h1>
  <div class="box">
    <p>Org: <strong>${escapeHtml(ORG_NAME)}</strong> (${escapeHtml(ctx.orgId)})</p>
    <p><strong>${escapeHtml(appName)}</strong> is asking to:</p>
      <ul>
        ${labels.map((l) => `<li>${escapeHtml(l)}</li>`).join('\n        ')}
      </ul>
  </div>
  <form method="post" action="/services/oauth2/authorize">
      ${hiddenFields({
        response_type: raw.response_type, client_id: raw.client_id, redirect_uri: raw.redirect_uri, scope: raw.scope, state: raw.state,
        code_challenge: raw.code_challenge, code_challenge_method: raw.code_challenge_method,
      })}
      <label>Log in as
        <select name="user_id">
          ${users.map((u) => `<option value="${u.id}"${u.id === selected ? ' selected' : ''}>${escapeHtml(`${u.firstName} ${u.lastName}`)} (${escapeHtml(u.username)})</option>`).join('\n          ')}
        </select>
      </label>
      <p><button type="submit" name="approve" value="1">Allow</button> <button type="submit" name="approve" value="0">Deny</button></p>
  </form>
  <p class="note">Local Salesforce sandbox: Allow redirects to <code>${escapeHtml(checked.redirectUri)}</code> with a code.</p>`);
}

export function oauthRouter(ctx: SandboxContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false });
  const counters = () => ctx.stats.counters.oauth;

  const check = (req: Request, res: Response, raw: Record<string, string | undefined>): CheckedAuthorize | undefined => {
    try {
      const checked = ctx.auth.checkAuthorize(raw);
      if (!ctx.loginAccepted(ctx.hostOf(req))) {
        loginFailedPage(res);
        return undefined;
      }
      return checked;
    } catch (error) {
      if (error instanceof AuthorizeRefusal) {
        refusalPage(res, error);
        return undefined;
      }
      throw error;
    }
  };
  const approve = (res: Response, checked: CheckedAuthorize, userId: string) => {
    counters().authorizationCodesIssued += 1;
    const code = ctx.auth.issueAuthorizationCode({
      redirectUri: checked.redirectUri, userId, scopes: checked.scopes, ...(checked.codeChallenge ? { codeChallenge: checked.codeChallenge } : {}),
    });
    redirectWith(res, checked.redirectUri, { code, state: checked.state });
  };

  router.get('/services/oauth2/authorize', (req, res) => {
    const raw = params(req.query);
    const checked = check(req, res, raw);
    if (!checked) return;
    const session = ctx.oauthSession.userId;
    const mustShow = checked.prompt.some((p) => p === 'login' || p === 'consent' || p === 'select_account');
    if (checked.immediate || checked.prompt.includes('none')) {
      if (session && !mustShow) return approve(res, checked, session);
      return redirectWith(res, checked.redirectUri, {
        error: checked.immediate ? 'immediate_unavailable' : 'login_required',
        error_description: checked.immediate ? 'user is not logged in or has not approved the app' : 'user is not logged in',
        state: checked.state,
      });
    }
    if (session && !mustShow) return approve(res, checked, session);
    res.type('html').send(consentPage(ctx, checked, raw, ctx.settings.appName));
  });

  router.post('/services/oauth2/authorize', form, (req, res) => {
    const raw = { ...params(req.query), ...params(req.body) };
    const checked = check(req, res, raw);
    if (!checked) return;
    if (raw.approve !== '1') {
      counters().consentDenied += 1;
      return redirectWith(res, checked.redirectUri, { error: 'access_denied', error_description: 'end-user denied authorization', state: checked.state });
    }
    const userId = raw.user_id ?? ctx.oauthSession.userId ?? undefined;
    const user = activeUsers().find((u) => u.id === userId);
    if (!user) return loginFailedPage(res);
    approve(res, checked, user.id);
  });

  router.post('/services/oauth2/token', form, (req, res) => {
    const body = { ...params(req.query), ...params(req.body) };
    try {
      const response = ctx.auth.token(body, ctx.loginAccepted(ctx.hostOf(req)));
      if (body.grant_type === 'refresh_token') counters().refreshGrants += 1;
      else counters().authorizationCodeGrants += 1;
      res.set('Cache-Control', 'no-cache,must-revalidate,max-age=0,no-store,private').json(response);
    } catch (error) {
      counters().failedGrants += 1;
      throw error;
    }
  });

  const revoke = (req: Request, res: Response) => {
    const token = params(req.body).token ?? params(req.query).token ?? '';
    if (!ctx.auth.revoke(token)) throw oauthError(400, 'unsupported_token_type', 'this token type is not supported');
    counters().revocations += 1;
    res.status(200).end();
  };
  router.post('/services/oauth2/revoke', form, revoke);
  router.get('/services/oauth2/revoke', revoke);

  router.post('/services/oauth2/introspect', form, (req, res) => {
    counters().introspections += 1;
    const username = (userId: string) => USERS.find((u) => u.id === userId)?.username;
    res.set('Cache-Control', 'no-store').json(ctx.auth.introspect(params(req.body), username));
  });

  const userRow = (userId: string) => {
    const user = ctx.store.find(userId);
    return user && user.table.def.name === 'User' ? user.row : undefined;
  };
  const urls = (userId: string) => {
    const base = `${ctx.url()}/services/data/v{version}`;
    return {
      enterprise: `${ctx.url()}/services/Soap/c/{version}/${ctx.orgId}`,
      metadata: `${ctx.url()}/services/Soap/m/{version}/${ctx.orgId}`,
      partner: `${ctx.url()}/services/Soap/u/{version}/${ctx.orgId}`,
      rest: `${base}/`,
      sobjects: `${base}/sobjects/`,
      search: `${base}/search/`,
      query: `${base}/query/`,
      limits: `${base}/limits`,
      profile: `${ctx.url()}/${userId}`,
    };
  };

  // OpenID Connect's UserInfo: who signed in (sign-in with Salesforce reads email and name here)
  router.all('/services/oauth2/userinfo', requireSession(ctx), (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'POST') return next();
    const userId = res.locals.userId as string;
    const row = userRow(userId);
    if (!row) throw oauthError(404, 'Bad_Id', 'Bad_Id');
    res.json({
      sub: ctx.auth.identityUrl(userId),
      user_id: userId,
      organization_id: ctx.orgId,
      preferred_username: row.Username,
      nickname: row.Alias,
      name: row.Name,
      email: row.Email,
      email_verified: true,
      given_name: row.FirstName,
      family_name: row.LastName,
      zoneinfo: 'America/Los_Angeles',
      photos: { picture: `${ctx.url()}/profilephoto/005/F`, thumbnail: `${ctx.url()}/profilephoto/005/T` },
      profile: `${ctx.url()}/${userId}`,
      picture: `${ctx.url()}/profilephoto/005/F`,
      address: { country: 'US' },
      is_salesforce_integration_user: false,
      urls: urls(userId),
      active: row.IsActive,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: -28800000,
      updated_at: String(row.LastModifiedDate ?? ''),
      is_app_installed: true,
    });
  });

  router.get('/id/:orgId/:userId', requireSession(ctx), (req, res) => {
    const userId = String(req.params.userId);
    const row = userRow(userId);
    if (!row || req.params.orgId !== ctx.orgId) throw oauthError(404, 'Bad_Id', 'Bad_Id');
    res.json({
      id: ctx.auth.identityUrl(userId),
      asserted_user: bearerToken(req.get('authorization')) !== undefined && res.locals.userId === userId,
      user_id: userId,
      organization_id: ctx.orgId,
      username: row.Username,
      nick_name: row.Alias,
      display_name: row.Name,
      email: row.Email,
      email_verified: true,
      first_name: row.FirstName,
      last_name: row.LastName,
      timezone: 'America/Los_Angeles',
      active: row.IsActive,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: -28800000,
      last_modified_date: row.LastModifiedDate,
      urls: urls(userId),
      is_app_installed: true,
    });
  });

  return router;
}
