/**
 * The HubSpot sandbox's public app ("install from the CRM") over loopback with fetch: the consent page
 * and its refusals, approval and cancel redirects, the v3 token endpoint (codes single-use, expiring,
 * bound to the redirect URI and a PKCE challenge; refresh tokens that do not rotate), HubSpot's error
 * bodies, access-token expiry on the sandbox clock (401 EXPIRED_AUTHENTICATION), introspection,
 * revocation, uninstall, the public-app rate tier, scope checks and the legacy v1 token endpoints.
 */
import { createHash } from 'node:crypto';
import { Client } from '@hubspot/api-client';
import { startHubSpotSandbox, type HubSpotSandbox, type HubSpotSandboxOptions } from '../../sandboxes/hubspot';

const REDIRECT = 'http://127.0.0.1/oauth/hubspot/callback';
const REQUIRED = 'oauth crm.objects.contacts.read crm.objects.contacts.write crm.schemas.contacts.read crm.schemas.contacts.write crm.objects.owners.read';
const HUB_ID = 24681357;

describe('HubSpot sandbox: OAuth for the public app', () => {
  let sandbox: HubSpotSandbox;
  let monotonic = 0;

  async function start(options: HubSpotSandboxOptions = {}): Promise<void> {
    monotonic = 0;
    sandbox = await startHubSpotSandbox({ contacts: 120, clock: 'frozen', monotonic: () => monotonic, ...options });
  }
  afterEach(async () => {
    await sandbox?.close();
  });

  const authorizeQuery = (extra: Record<string, string> = {}) => new URLSearchParams({
    client_id: sandbox.oauth.app.clientId, redirect_uri: REDIRECT, scope: REQUIRED, state: 'st-1', ...extra,
  });
  const post = (path: string, form: Record<string, string>) => fetch(`${sandbox.url}${path}`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form),
  });
  const token = async (form: Record<string, string>) => {
    const res = await post('/oauth/v3/token', { client_id: sandbox.oauth.app.clientId, client_secret: sandbox.oauth.app.clientSecret, ...form });
    return { status: res.status, body: await res.json() as Record<string, unknown> };
  };
  /** The form the consent page posts, as a test sends it; answers the redirect. */
  async function approve(extra: Record<string, string> = {}): Promise<URL> {
    const res = await post('/oauth/authorize', { ...Object.fromEntries(authorizeQuery()), approve: '1', ...extra });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  }
  async function installTokens(extra: Record<string, string> = {}) {
    const code = (await approve(extra)).searchParams.get('code')!;
    const exchanged = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(exchanged.status).toBe(200);
    return exchanged.body as { access_token: string; refresh_token: string };
  }
  const api = (accessToken: string, path = '/crm/v3/objects/contacts?limit=1') =>
    fetch(`${sandbox.url}${path}`, { headers: { authorization: `Bearer ${accessToken}` } });

  describe('the authorize page', () => {
    it('shows a consent page: the app, the portal, the scopes, a user picker, Connect app and Cancel', async () => {
      await start();
      const res = await fetch(`${sandbox.url}/oauth/authorize?${authorizeQuery({ optional_scope: 'forms' })}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toContain('Leadstage');
      expect(html).toContain(`Demo portal ${HUB_ID}`);
      for (const scope of [...REQUIRED.split(' '), 'forms']) expect(html).toContain(`<code>${scope}</code>`);
      expect(html).toContain('<form method="post" action="/oauth/authorize">');
      expect(html).toContain('<select name="user_id">');
      expect(html).toContain('dana.whitfield@uptimeforge.com');
      expect(html).toContain('<button type="submit">Connect app</button>');
      expect(html).toMatch(/<a href="\/oauth\/authorize\/cancel\?[^"]+">Cancel<\/a>/);
      expect(html).toContain('name="state" value="st-1"');
    });

    it('shows a fixed installing user when the app names one', async () => {
      await start({ app: { installingUserId: 9100108 } });
      const html = await (await fetch(`${sandbox.url}/oauth/authorize?${authorizeQuery()}`)).text();
      expect(html).toContain('Installing as <strong>Sam Ortega</strong> (sam.ortega@uptimeforge.com)');
      expect(html).not.toContain('<select');
    });

    it('refuses an unknown client_id, an unregistered redirect_uri and scope mismatches with a 400 page, no redirect', async () => {
      await start();
      const cases: [Record<string, string>, string][] = [
        [{ client_id: 'not-an-app' }, 'Invalid client_id'],
        [{ redirect_uri: 'https://evil.example/cb' }, 'Invalid redirect_uri'],
        [{ scope: 'oauth crm.objects.contacts.read' }, 'Scope mismatch'],
        [{ scope: `${REQUIRED} tickets` }, 'Scope mismatch'],
        [{ optional_scope: 'automation' }, 'Scope mismatch'],
      ];
      for (const [extra, title] of cases) {
        const res = await fetch(`${sandbox.url}/oauth/authorize?${authorizeQuery(extra)}`, { redirect: 'manual' });
        expect(res.status).toBe(400);
        expect(res.headers.get('location')).toBeNull();
        expect(await res.text()).toContain(title);
        // the form post is refused the same way
        const posted = await post('/oauth/authorize', { ...Object.fromEntries(authorizeQuery(extra)), approve: '1' });
        expect(posted.status).toBe(400);
      }
      expect(sandbox.stats().oauth.authorizationCodesIssued).toBe(0);
    });

    it('redirects with error=access_denied on Cancel or a post without approve', async () => {
      await start();
      const page = await (await fetch(`${sandbox.url}/oauth/authorize?${authorizeQuery()}`)).text();
      const cancelHref = /<a href="([^"]+)">Cancel<\/a>/.exec(page)![1]!.replaceAll('&amp;', '&');
      const cancelled = await fetch(`${sandbox.url}${cancelHref}`, { redirect: 'manual' });
      expect(cancelled.status).toBe(302);
      const location = new URL(cancelled.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
      expect(Object.fromEntries(location.searchParams)).toEqual({ error: 'access_denied', state: 'st-1' });

      const denied = await post('/oauth/authorize', { ...Object.fromEntries(authorizeQuery()), approve: '0' });
      expect(new URL(denied.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
      expect(sandbox.stats().oauth.consentDenied).toBe(2);
      expect(sandbox.oauth.installed).toBe(false);
    });
  });

  describe('the token endpoint', () => {
    it('exchanges an approved code for HubSpot\'s v3 token response; the token reads the portal', async () => {
      await start();
      const redirect = await approve({ user_id: '9100103' });
      expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT);
      expect(redirect.searchParams.get('state')).toBe('st-1');
      const exchanged = await token({ grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT });
      expect(exchanged.status).toBe(200);
      expect(exchanged.body).toEqual({
        access_token: expect.stringMatching(/^C[A-Za-z0-9_-]{150,300}$/),
        refresh_token: expect.stringMatching(/^na1-[0-9a-f-]{36}$/),
        expires_in: 1800,
        token_type: 'bearer',
        token_use: 'access_token',
        hub_id: HUB_ID,
        scopes: REQUIRED.split(' '),
        user_id: 9100103,
      });
      expect(sandbox.oauth.installed).toBe(true);

      const client = new Client({ accessToken: exchanged.body.access_token as string, basePath: sandbox.url });
      const info = await client.crm.contacts.basicApi.getPageWithHttpInfo(2);
      expect(info.data.results).toHaveLength(2);
      // the public-app tier: 110 per 10 s, no daily headers (reference §1.10)
      expect(info.headers['x-hubspot-ratelimit-max']).toBe('110');
      expect(info.headers['x-hubspot-ratelimit-interval-milliseconds']).toBe('10000');
      expect(info.headers['x-hubspot-ratelimit-daily']).toBeUndefined();
      expect(sandbox.stats().oauth).toMatchObject({ authorizationCodesIssued: 1, grants: { authorization_code: 1, refresh_token: 0 } });
    });

    it('answers HubSpot\'s 400 bodies: a code works once, expires after 10 minutes and is bound to its redirect_uri and client', async () => {
      await start();
      const bad = (status: string) => ({ status: 400, body: { status, message: expect.any(String), correlationId: expect.any(String), category: 'VALIDATION_ERROR' } });
      const code1 = (await approve()).searchParams.get('code')!;
      expect(await token({ grant_type: 'authorization_code', code: code1, redirect_uri: REDIRECT })).toMatchObject({ status: 200 });
      expect(await token({ grant_type: 'authorization_code', code: code1, redirect_uri: REDIRECT })).toEqual(bad('BAD_AUTH_CODE'));
      expect((await token({ grant_type: 'authorization_code', code: code1, redirect_uri: REDIRECT })).body.message).toBe('missing or unknown auth code');

      const code2 = (await approve()).searchParams.get('code')!;
      sandbox.clock.advance(10 * 60_000);
      expect(await token({ grant_type: 'authorization_code', code: code2, redirect_uri: REDIRECT })).toEqual(bad('BAD_AUTH_CODE'));

      const code3 = (await approve()).searchParams.get('code')!;
      expect(await token({ grant_type: 'authorization_code', code: code3, redirect_uri: 'http://localhost:3000/oauth/hubspot/callback' }))
        .toEqual(bad('BAD_REDIRECT_URI'));
      // the code was spent by the failed attempt
      expect(await token({ grant_type: 'authorization_code', code: code3, redirect_uri: REDIRECT })).toEqual(bad('BAD_AUTH_CODE'));

      const code4 = (await approve()).searchParams.get('code')!;
      expect(await token({ grant_type: 'authorization_code', code: code4, redirect_uri: REDIRECT, client_secret: 'wrong' })).toEqual(bad('BAD_CLIENT_SECRET'));
      expect(await token({ grant_type: 'authorization_code', code: code4, redirect_uri: REDIRECT, client_id: 'wrong' })).toEqual(bad('BAD_CLIENT_ID'));
      expect(await token({ grant_type: 'password', code: code4 })).toEqual(bad('BAD_GRANT_TYPE'));

      // v3 takes a form body only: JSON (or the query string) carries no parameters
      const json = await fetch(`${sandbox.url}/oauth/v3/token?grant_type=authorization_code`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'authorization_code', code: code4, client_id: sandbox.oauth.app.clientId }),
      });
      expect(json.status).toBe(400);
      expect((await json.json() as { status: string }).status).toBe('BAD_GRANT_TYPE');
      expect(sandbox.stats().oauth.failures).toEqual({
        BAD_AUTH_CODE: 4, BAD_REDIRECT_URI: 1, BAD_CLIENT_SECRET: 1, BAD_CLIENT_ID: 1, BAD_GRANT_TYPE: 2,
      });
    });

    it('checks a PKCE S256 verifier when the install URL had a challenge', async () => {
      await start();
      const verifier = 'v'.repeat(64);
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };
      const code1 = (await approve(pkce)).searchParams.get('code')!;
      expect((await token({ grant_type: 'authorization_code', code: code1, redirect_uri: REDIRECT })).body.status).toBe('BAD_AUTH_CODE');
      const code2 = (await approve(pkce)).searchParams.get('code')!;
      expect((await token({ grant_type: 'authorization_code', code: code2, redirect_uri: REDIRECT, code_verifier: 'x'.repeat(64) })).status).toBe(400);
      const code3 = (await approve(pkce)).searchParams.get('code')!;
      expect((await token({ grant_type: 'authorization_code', code: code3, redirect_uri: REDIRECT, code_verifier: verifier })).status).toBe(200);
    });

    it('expires access tokens after expires_in on the sandbox clock with HubSpot\'s 401; refresh does not rotate', async () => {
      await start();
      const first = await installTokens();
      expect((await api(first.access_token)).status).toBe(200);

      sandbox.clock.advance(1800 * 1000 + 75_000);
      const expired = await api(first.access_token);
      expect(expired.status).toBe(401);
      expect(await expired.json()).toEqual({
        status: 'error', message: 'The OAuth token used to make this call expired 1 minute(s) ago.', correlationId: expect.any(String),
        category: 'EXPIRED_AUTHENTICATION', context: { 'expire time': [expect.stringMatching(/^2026-11-27T12:30:00\.000Z$/)] },
      });

      const refreshed = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.refresh_token).toBe(first.refresh_token);
      expect(refreshed.body.access_token).not.toBe(first.access_token);
      expect((await api(refreshed.body.access_token as string)).status).toBe(200);
      // the same refresh token works again (no rotation)
      expect((await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).status).toBe(200);
      expect(await token({ grant_type: 'refresh_token', refresh_token: 'na1-nope' })).toMatchObject({
        status: 400, body: { status: 'BAD_REFRESH_TOKEN', message: 'missing or invalid refresh token' },
      });
      expect(sandbox.stats().oauth).toMatchObject({ grants: { refresh_token: 2 }, expiredTokenRequests: 1 });
    });
  });

  describe('introspection, revocation and uninstall', () => {
    const clientForm = () => ({ client_id: sandbox.oauth.app.clientId, client_secret: sandbox.oauth.app.clientSecret });
    const introspect = async (tokenValue: string, extra: Record<string, string> = {}) => {
      const res = await post('/oauth/v3/token/introspect', { ...clientForm(), token: tokenValue, ...extra });
      return { status: res.status, body: await res.json() as Record<string, unknown> };
    };

    it('introspects access and refresh tokens as the v3 spec describes them, and unknown ones as inactive', async () => {
      await start();
      const tokens = await installTokens({ user_id: '9100102' });
      expect(await introspect(tokens.access_token)).toEqual({
        status: 200,
        body: expect.objectContaining({
          active: true, app_id: sandbox.oauth.app.appId, client_id: sandbox.oauth.app.clientId, expires_in: 1800, hub_id: HUB_ID,
          scopes: REQUIRED.split(' '), token: tokens.access_token, token_use: 'access_token', user: 'marcus.bell@uptimeforge.com',
          user_id: 9100102, is_private_distribution: false, hub_domain: expect.any(String), signed_access_token: expect.any(Object),
        }),
      });
      expect((await introspect(tokens.refresh_token)).body).toMatchObject({ active: true, token_use: 'refresh_token', user_id: 9100102 });
      expect((await introspect('nope')).body).toEqual({ active: false });
      sandbox.clock.advance(1800 * 1000);
      expect((await introspect(tokens.access_token)).body).toEqual({ active: false });
      expect((await introspect(tokens.access_token, { client_secret: 'wrong' })).status).toBe(400);
    });

    it('revokes a refresh token: refresh answers BAD_REFRESH_TOKEN and its access tokens get 401', async () => {
      await start();
      const tokens = await installTokens();
      const other = await installTokens();
      expect((await post('/oauth/v3/token/revoke', { ...clientForm(), token: tokens.refresh_token })).status).toBe(200);
      expect((await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).body.status).toBe('BAD_REFRESH_TOKEN');
      const revoked = await api(tokens.access_token);
      expect(revoked.status).toBe(401);
      expect(await revoked.json()).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
      expect((await introspect(tokens.refresh_token)).body).toEqual({ active: false });
      // another install's grant is untouched
      expect((await api(other.access_token)).status).toBe(200);
      expect((await post('/oauth/v3/token/revoke', { ...clientForm(), client_secret: 'wrong', token: other.refresh_token })).status).toBe(400);
      expect(sandbox.stats().oauth.revocations).toBe(1);
    });

    it('uninstall (admin route) revokes every token of the portal; HubSpot sends no uninstall webhook', async () => {
      await start();
      const a = await installTokens();
      const b = await installTokens();
      const res = await fetch(`${sandbox.url}/__sandbox/uninstall`, { method: 'POST' });
      expect(await res.json()).toEqual({ uninstalled: true, grantsRevoked: 2, appUninstallWebhook: false });
      for (const t of [a, b]) {
        expect((await api(t.access_token)).status).toBe(401);
        expect((await token({ grant_type: 'refresh_token', refresh_token: t.refresh_token })).body.status).toBe('BAD_REFRESH_TOKEN');
      }
      expect(sandbox.oauth.installed).toBe(false);
      expect(sandbox.stats().oauth.uninstalls).toBe(1);
    });

    it('lets the app uninstall itself with DELETE /appinstalls/v3/external-install (OAuth token only)', async () => {
      await start();
      const tokens = await installTokens();
      const privateCall = await fetch(`${sandbox.url}/appinstalls/v3/external-install`, { method: 'DELETE', headers: { authorization: `Bearer ${sandbox.token}` } });
      expect(privateCall.status).toBe(401);
      const res = await fetch(`${sandbox.url}/appinstalls/v3/external-install`, { method: 'DELETE', headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(res.status).toBe(204);
      expect((await api(tokens.access_token)).status).toBe(401);
      expect(sandbox.oauth.installed).toBe(false);
    });

    it('serves the legacy v1 token metadata and refresh-token delete', async () => {
      await start();
      const tokens = await installTokens();
      const meta = await (await fetch(`${sandbox.url}/oauth/v1/access-tokens/${tokens.access_token}`)).json();
      expect(meta).toMatchObject({ token: tokens.access_token, hub_id: HUB_ID, app_id: sandbox.oauth.app.appId, expires_in: 1800, token_type: 'access' });
      expect(await (await fetch(`${sandbox.url}/oauth/v1/refresh-tokens/${tokens.refresh_token}`)).json()).toMatchObject({
        token: tokens.refresh_token, hub_id: HUB_ID, client_id: sandbox.oauth.app.clientId,
      });
      expect((await fetch(`${sandbox.url}/oauth/v1/refresh-tokens/${tokens.refresh_token}`, { method: 'DELETE' })).status).toBe(204);
      expect((await fetch(`${sandbox.url}/oauth/v1/refresh-tokens/${tokens.refresh_token}`)).status).toBe(404);
      expect((await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).body.status).toBe('BAD_REFRESH_TOKEN');
    });
  });

  describe('limits and scopes of OAuth calls', () => {
    it('shares one rolling window per installing account across the app\'s tokens; private-app tokens keep theirs', async () => {
      await start({ app: { rateLimit: { maxPerWindow: 3, windowMs: 10_000 } }, rateLimit: { maxPerWindow: 5 } });
      const a = await installTokens();
      const b = await installTokens();
      expect((await api(a.access_token)).headers.get('x-hubspot-ratelimit-remaining')).toBe('2');
      expect((await api(b.access_token)).headers.get('x-hubspot-ratelimit-remaining')).toBe('1');
      expect((await api(a.access_token)).status).toBe(200);
      const limited = await api(b.access_token);
      expect(limited.status).toBe(429);
      expect(await limited.json()).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
      // the private-app token has its own window and the daily headers
      const own = await api(sandbox.token);
      expect(own.status).toBe(200);
      expect(own.headers.get('x-hubspot-ratelimit-max')).toBe('5');
      expect(own.headers.get('x-hubspot-ratelimit-daily')).toBe('250000');
      monotonic = 10_001;
      expect((await api(b.access_token)).status).toBe(200);
      // the DAILY switch is the private apps' budget: OAuth calls go on
      sandbox.faults.set({ dailyExhausted: true });
      expect((await api(a.access_token)).status).toBe(200);
      expect((await api(sandbox.token)).status).toBe(429);
    });

    it('answers 403 MISSING_SCOPES for a call the token\'s scopes do not cover', async () => {
      await start();
      const plain = await installTokens();
      const denied = await api(plain.access_token, '/crm/v3/objects/companies?limit=1');
      expect(denied.status).toBe(403);
      expect(await denied.json()).toMatchObject({
        status: 'error', category: 'MISSING_SCOPES',
        errors: [{ context: { requiredGranularScopes: ['crm.objects.companies.read', 'crm.objects.companies.write'] } }],
      });
      const withCompanies = await installTokens({ optional_scope: 'crm.objects.companies.read' });
      expect((await api(withCompanies.access_token, '/crm/v3/objects/companies?limit=1')).status).toBe(200);
      // the private-app token is not scope-checked
      expect((await api(sandbox.token, '/crm/v3/objects/companies?limit=1')).status).toBe(200);
    });
  });
});
