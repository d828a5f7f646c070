/**
 * OAuth 2.0 endpoints on the "login" host (the sandbox is both login and instance URL):
 * `POST /services/oauth2/token` (refresh_token with rotation, authorization_code with optional PKCE),
 * `GET /services/oauth2/authorize` (redirects straight back with a code: there is no login page),
 * `POST /services/oauth2/revoke`, and the identity URL `GET /id/<orgId>/<userId>` that a token
 * response's `id` points at. OAuth calls do not count against the API budget.
 */
import express, { Router } from 'express';
import type { SandboxContext } from '../context';
import { oauthError } from '../errors';
import { bearerToken, requireSession } from '../middleware';

function params(body: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (typeof body === 'object' && body !== null) {
    for (const [key, value] of Object.entries(body)) out[key] = typeof value === 'string' ? value : undefined;
  }
  return out;
}

export function oauthRouter(ctx: SandboxContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false });

  router.post('/services/oauth2/token', form, (req, res) => {
    const body = { ...params(req.query), ...params(req.body) };
    try {
      const response = ctx.auth.token(body);
      if (body.grant_type === 'refresh_token') ctx.stats.counters.oauth.refreshGrants += 1;
      else ctx.stats.counters.oauth.authorizationCodeGrants += 1;
      res.set('Cache-Control', 'no-cache,must-revalidate,max-age=0,no-store,private').json(response);
    } catch (error) {
      ctx.stats.counters.oauth.failedGrants += 1;
      throw error;
    }
  });

  router.get('/services/oauth2/authorize', (req, res) => {
    const query = params(req.query);
    if (query.response_type !== 'code') throw oauthError(400, 'unsupported_response_type', 'response type not supported');
    ctx.auth.checkClient(query, false);
    if (!query.redirect_uri) throw oauthError(400, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
    const code = ctx.auth.issueAuthorizationCode({
      redirectUri: query.redirect_uri,
      ...(query.code_challenge ? { codeChallenge: query.code_challenge } : {}),
    });
    const target = new URL(query.redirect_uri);
    target.searchParams.set('code', code);
    if (query.state !== undefined) target.searchParams.set('state', query.state);
    res.redirect(302, target.toString());
  });

  router.post('/services/oauth2/revoke', form, (req, res) => {
    const token = params(req.body).token ?? params(req.query).token ?? '';
    if (!ctx.auth.revoke(token)) throw oauthError(400, 'unsupported_token_type', 'this token type is not supported');
    ctx.stats.counters.oauth.revocations += 1;
    res.status(200).end();
  });

  router.get(['/id/:orgId/:userId', '/services/oauth2/userinfo'], requireSession(ctx), (req, res) => {
    const userId = req.params.userId ?? (res.locals.userId as string);
    const user = ctx.store.find(String(userId));
    if (!user || user.table.def.name !== 'User' || req.params.orgId !== undefined && req.params.orgId !== ctx.orgId) {
      throw oauthError(404, 'Bad_Id', 'Bad_Id');
    }
    const base = `${ctx.url()}/services/data/v{version}`;
    res.json({
      id: ctx.auth.identityUrl(String(user.row.Id)),
      asserted_user: bearerToken(req.get('authorization')) !== undefined,
      user_id: user.row.Id,
      organization_id: ctx.orgId,
      username: user.row.Username,
      nick_name: user.row.Alias,
      display_name: user.row.Name,
      email: user.row.Email,
      active: user.row.IsActive,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      urls: {
        enterprise: `${ctx.url()}/services/Soap/c/{version}/${ctx.orgId}`,
        rest: `${base}/`,
        sobjects: `${base}/sobjects/`,
        query: `${base}/query/`,
        limits: `${base}/limits`,
        profile: `${ctx.url()}/${String(user.row.Id)}`,
      },
      is_app_installed: true,
    });
  });

  return router;
}
