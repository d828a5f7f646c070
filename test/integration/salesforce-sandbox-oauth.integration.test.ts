/**
 * The Salesforce sandbox's web-server flow as an installing user meets it, over loopback with fetch (and
 * jsforce where the product will use it): the login/approval page and its refusals, Allow and Deny, the
 * browser session that skips the page and `prompt`, PKCE (S256), single-use short-lived codes bound to the
 * callback URL, scopes (no refresh token without `refresh_token`), login vs test vs My Domain hosts,
 * UserInfo and the identity URL, revocation of access and refresh tokens (401 INVALID_SESSION_ID and
 * invalid_grant after it), introspection and the grant limit per user.
 */
import { createHash } from 'node:crypto';
import { Connection } from 'jsforce';
import { startSalesforceSandbox, type SalesforceSandbox, type SalesforceSandboxOptions } from '../../sandboxes/salesforce';

const CALLBACK = 'http://localhost:3000/oauth/salesforce/callback';
const MARCUS = { id: '0058d000030023jAAA', username: 'marcus.bell@uptimeforge.com.prod', email: 'marcus.bell@uptimeforge.com' };
/** Jordan Pike left the company: an inactive user. */
const JORDAN = '0058d0000300GToAAM';

describe('Salesforce sandbox: OAuth web-server flow with PKCE', () => {
  let sandbox: SalesforceSandbox;

  async function start(options: SalesforceSandboxOptions = {}): Promise<void> {
    sandbox = await startSalesforceSandbox({ leads: 40, contacts: 30, clock: 'frozen', oauthSession: null, ...options });
  }
  afterEach(async () => {
    await sandbox?.close();
  });

  const verifier = 'pkce-verifier-'.padEnd(60, 'x');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorizeQuery = (extra: Record<string, string> = {}) => new URLSearchParams({
    response_type: 'code', client_id: sandbox.clientId, redirect_uri: CALLBACK, state: 'st-9',
    code_challenge: challenge, code_challenge_method: 'S256', ...extra,
  });
  const form = (base: string, path: string, body: Record<string, string>) => fetch(`${base}${path}`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body),
  });
  /** What the approval page's Allow posts; answers the redirect. */
  async function allow(extra: Record<string, string> = {}, base = sandbox.url): Promise<URL> {
    const res = await form(base, '/services/oauth2/authorize', { ...Object.fromEntries(authorizeQuery()), user_id: MARCUS.id, approve: '1', ...extra });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  }
  async function token(body: Record<string, string>, base = sandbox.url) {
    const res = await form(base, '/services/oauth2/token', { client_id: sandbox.clientId, client_secret: sandbox.clientSecret, ...body });
    return { status: res.status, body: await res.json() as Record<string, string> };
  }
  const exchange = async (code: string, extra: Record<string, string> = {}, base = sandbox.url) =>
    token({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier, ...extra }, base);
  const api = (accessToken: string, base = sandbox.url) =>
    fetch(`${base}/services/data/v62.0/limits`, { headers: { authorization: `Bearer ${accessToken}` } });

  describe('the authorize page', () => {
    it('shows the org, the app, the scopes, a user picker and Allow / Deny', async () => {
      await start();
      const res = await fetch(`${sandbox.url}/services/oauth2/authorize?${authorizeQuery({ scope: 'api refresh_token' })}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toContain('Allow Access?');
      expect(html).toContain(`Uptime Forge</strong> (${sandbox.orgId})`);
      expect(html).toContain('<strong>Leadstage</strong> is asking to');
      expect(html).toContain('Manage user data via APIs (api)');
      expect(html).toContain('Perform requests at any time (refresh_token, offline_access)');
      expect(html).toContain(`<option value="${MARCUS.id}">Marcus Bell (${MARCUS.username})</option>`);
      expect(html).not.toContain('Jordan Pike'); // inactive users cannot log in
      expect(html).toContain('<form method="post" action="/services/oauth2/authorize">');
      expect(html).toContain('<button type="submit" name="approve" value="1">Allow</button>');
      expect(html).toContain('<button type="submit" name="approve" value="0">Deny</button>');
      expect(html).toContain(`name="code_challenge" value="${challenge}"`);
    });

    it('refuses an unknown client, a callback URL the app does not list, a scope it lacks, another response type: 400 page, no redirect', async () => {
      await start();
      const cases: [Record<string, string>, string][] = [
        [{ client_id: 'nope' }, 'error=invalid_client_id&amp;error_description=client identifier invalid'],
        [{ redirect_uri: 'https://evil.example/cb' }, 'error=redirect_uri_mismatch&amp;error_description=redirect_uri must match configuration'],
        [{ scope: 'api chatter_api' }, 'error=invalid_scope'],
        [{ response_type: 'token' }, 'error=unsupported_response_type'],
      ];
      for (const [extra, text] of cases) {
        const res = await fetch(`${sandbox.url}/services/oauth2/authorize?${authorizeQuery(extra)}`, { redirect: 'manual' });
        expect(res.status).toBe(400);
        expect(res.headers.get('location')).toBeNull();
        expect(await res.text()).toContain(text);
        expect((await form(sandbox.url, '/services/oauth2/authorize', { ...Object.fromEntries(authorizeQuery(extra)), approve: '1' })).status).toBe(400);
      }
    });

    it('Deny redirects with access_denied; an inactive or unknown user cannot log in', async () => {
      await start();
      const denied = await form(sandbox.url, '/services/oauth2/authorize', { ...Object.fromEntries(authorizeQuery()), user_id: MARCUS.id, approve: '0' });
      expect(denied.status).toBe(302);
      expect(Object.fromEntries(new URL(denied.headers.get('location')!).searchParams)).toEqual({
        error: 'access_denied', error_description: 'end-user denied authorization', state: 'st-9',
      });
      const inactive = await form(sandbox.url, '/services/oauth2/authorize', { ...Object.fromEntries(authorizeQuery()), user_id: JORDAN, approve: '1' });
      expect(inactive.status).toBe(400);
      expect(await inactive.text()).toContain('Please check your username and password');
      expect(sandbox.stats().oauth).toMatchObject({ consentDenied: 1, authorizationCodesIssued: 0 });
    });

    it('skips the page for a browser already logged in as a user who approved the app, unless prompt asks', async () => {
      await start({ oauthSession: undefined });
      const direct = await fetch(`${sandbox.url}/services/oauth2/authorize?${authorizeQuery()}`, { redirect: 'manual' });
      expect(direct.status).toBe(302);
      expect(new URL(direct.headers.get('location')!).searchParams.get('code')).toMatch(/^aPrx/);
      for (const prompt of ['login', 'consent', 'select_account']) {
        expect((await fetch(`${sandbox.url}/services/oauth2/authorize?${authorizeQuery({ prompt })}`, { redirect: 'manual' })).status).toBe(200);
      }
      sandbox.setOAuthSession(null);
      const none = await fetch(`${sandbox.url}/services/oauth2/authorize?${authorizeQuery({ prompt: 'none' })}`, { redirect: 'manual' });
      expect(new URL(none.headers.get('location')!).searchParams.get('error')).toBe('login_required');
      const immediate = await fetch(`${sandbox.url}/services/oauth2/authorize?${authorizeQuery({ immediate: 'true' })}`, { redirect: 'manual' });
      expect(new URL(immediate.headers.get('location')!).searchParams.get('error')).toBe('immediate_unavailable');
      expect((await fetch(`${sandbox.url}/services/oauth2/authorize?${authorizeQuery()}`, { redirect: 'manual' })).status).toBe(200);
    });
  });

  describe('the token endpoint', () => {
    it('exchanges an approved code (PKCE) for tokens of the user who approved; UserInfo and the identity URL say who', async () => {
      await start();
      const redirect = await allow();
      expect(`${redirect.origin}${redirect.pathname}`).toBe(CALLBACK);
      expect(redirect.searchParams.get('state')).toBe('st-9');
      const exchanged = await exchange(redirect.searchParams.get('code')!);
      expect(exchanged.status).toBe(200);
      expect(exchanged.body).toEqual({
        access_token: expect.stringMatching(/^00D[A-Za-z0-9]{12}!AR/),
        refresh_token: expect.stringMatching(/^5Aep861/),
        signature: expect.any(String),
        scope: 'api refresh_token id openid',
        instance_url: sandbox.instanceUrl,
        id: `${sandbox.loginUrl}/id/${sandbox.orgId}/${MARCUS.id}`,
        token_type: 'Bearer',
        issued_at: String(Date.parse('2026-11-27T12:00:00Z')),
      });
      const accessToken = exchanged.body.access_token!;
      const userinfo = await (await fetch(`${sandbox.url}/services/oauth2/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } })).json();
      expect(userinfo).toMatchObject({
        sub: exchanged.body.id, user_id: MARCUS.id, organization_id: sandbox.orgId, preferred_username: MARCUS.username,
        name: 'Marcus Bell', given_name: 'Marcus', family_name: 'Bell', email: MARCUS.email, email_verified: true, active: true,
      });
      const identity = await (await fetch(exchanged.body.id!, { headers: { authorization: `Bearer ${accessToken}` } })).json();
      expect(identity).toMatchObject({ user_id: MARCUS.id, organization_id: sandbox.orgId, username: MARCUS.username, email: MARCUS.email, display_name: 'Marcus Bell' });
      // the API runs as that user
      const conn = new Connection({ instanceUrl: exchanged.body.instance_url!, accessToken, version: '62.0' });
      const me = await conn.query<{ Id: string }>(`SELECT Id FROM User WHERE Id = '${MARCUS.id}'`);
      expect(me.totalSize).toBe(1);
      expect(sandbox.stats().oauth).toMatchObject({ authorizationCodesIssued: 1, authorizationCodeGrants: 1 });
    });

    it('answers invalid_grant for a missing or wrong PKCE verifier, a used or expired code; redirect_uri_mismatch for another callback', async () => {
      await start();
      const error = (error: string, description: string) => ({ status: 400, body: { error, error_description: description } });
      expect(await exchange((await allow()).searchParams.get('code')!, { code_verifier: '' })).toEqual(error('invalid_grant', 'invalid code verifier'));
      const noVerifier = await token({ grant_type: 'authorization_code', code: (await allow()).searchParams.get('code')!, redirect_uri: CALLBACK });
      expect(noVerifier).toEqual(error('invalid_grant', 'invalid code verifier'));
      expect(await exchange((await allow()).searchParams.get('code')!, { code_verifier: 'y'.repeat(60) })).toEqual(error('invalid_grant', 'invalid code verifier'));

      const code = (await allow()).searchParams.get('code')!;
      expect((await exchange(code)).status).toBe(200);
      expect(await exchange(code)).toEqual(error('invalid_grant', 'invalid authorization code'));

      const late = (await allow()).searchParams.get('code')!;
      sandbox.clock.advance(15 * 60_000);
      expect(await exchange(late)).toEqual(error('invalid_grant', 'invalid authorization code'));

      const other = (await allow()).searchParams.get('code')!;
      expect(await exchange(other, { redirect_uri: 'http://127.0.0.1/callback' })).toEqual(error('redirect_uri_mismatch', 'redirect_uri must match configuration'));
      expect(await exchange((await allow()).searchParams.get('code')!, { client_secret: 'wrong' })).toEqual(error('invalid_client', 'invalid client credentials'));
      // "Require Secret for Web Server Flow" is on by default: a verifier does not replace the secret
      const secretless = await form(sandbox.url, '/services/oauth2/token', {
        grant_type: 'authorization_code', client_id: sandbox.clientId, code: (await allow()).searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: verifier,
      });
      expect(await secretless.json()).toEqual({ error: 'invalid_client', error_description: 'invalid client credentials' });
      expect(sandbox.stats().oauth.failedGrants).toBe(8);
    });

    it('lets a PKCE verifier stand in for the secret when the app does not require it (a public client)', async () => {
      await start({ requireSecretForWebServerFlow: false });
      const res = await form(sandbox.url, '/services/oauth2/token', {
        grant_type: 'authorization_code', client_id: sandbox.clientId, code: (await allow()).searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: verifier,
      });
      expect(res.status).toBe(200);
    });

    it('gives no refresh token without the refresh_token scope', async () => {
      await start();
      const exchanged = await exchange((await allow({ scope: 'api id' })).searchParams.get('code')!);
      expect(exchanged.status).toBe(200);
      expect(exchanged.body.scope).toBe('api id');
      expect(exchanged.body.refresh_token).toBeUndefined();
    });

    it('keeps at most 5 grants per user: a sixth revokes the oldest', async () => {
      await start();
      const grants = [];
      for (let i = 0; i < 6; i++) grants.push((await exchange((await allow()).searchParams.get('code')!)).body);
      expect((await token({ grant_type: 'refresh_token', refresh_token: grants[0]!.refresh_token! })).body).toEqual({
        error: 'invalid_grant', error_description: 'expired access/refresh token',
      });
      expect((await api(grants[0]!.access_token!)).status).toBe(401);
      expect((await token({ grant_type: 'refresh_token', refresh_token: grants[1]!.refresh_token! })).status).toBe(200);
    });

    it('works through jsforce: getAuthorizationUrl with PKCE, the page\'s Allow, authorize(code)', async () => {
      await start();
      const conn = new Connection({
        loginUrl: sandbox.loginUrl, version: '62.0',
        oauth2: { clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, loginUrl: sandbox.loginUrl, redirectUri: CALLBACK, useVerifier: true },
      });
      const url = new URL(conn.oauth2.getAuthorizationUrl({ scope: 'api refresh_token', state: 'js' }));
      expect((await fetch(url)).status).toBe(200);
      const approved = await form(sandbox.url, '/services/oauth2/authorize', { ...Object.fromEntries(url.searchParams), user_id: MARCUS.id, approve: '1' });
      const code = new URL(approved.headers.get('location')!).searchParams.get('code')!;
      const userInfo = await conn.authorize(code);
      expect(userInfo).toMatchObject({ id: MARCUS.id, organizationId: sandbox.orgId });
      expect(conn.refreshToken).toMatch(/^5Aep861/);
      expect((await conn.query('SELECT Id FROM Lead LIMIT 1')).records).toHaveLength(1);
    });
  });

  describe('revocation and introspection', () => {
    const introspect = async (tokenValue: string, extra: Record<string, string> = {}) => {
      const res = await form(sandbox.url, '/services/oauth2/introspect', { client_id: sandbox.clientId, client_secret: sandbox.clientSecret, token: tokenValue, ...extra });
      return { status: res.status, body: await res.json() as Record<string, unknown> };
    };

    it('revokes an access token (401 INVALID_SESSION_ID after) and a refresh token (invalid_grant, and its access tokens die)', async () => {
      await start();
      const a = (await exchange((await allow()).searchParams.get('code')!)).body;
      expect((await api(a.access_token!)).status).toBe(200);
      expect((await form(sandbox.url, '/services/oauth2/revoke', { token: a.access_token! })).status).toBe(200);
      const after = await api(a.access_token!);
      expect(after.status).toBe(401);
      expect(await after.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
      // the refresh token still works after an access token is revoked
      const refreshed = await token({ grant_type: 'refresh_token', refresh_token: a.refresh_token! });
      expect(refreshed.status).toBe(200);

      // GET works too; revoking the (rotated) refresh token ends the family
      expect((await fetch(`${sandbox.url}/services/oauth2/revoke?token=${encodeURIComponent(refreshed.body.refresh_token!)}`)).status).toBe(200);
      expect((await api(refreshed.body.access_token!)).status).toBe(401);
      expect(await token({ grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token! })).toEqual({
        status: 400, body: { error: 'invalid_grant', error_description: 'expired access/refresh token' },
      });
      const unknown = await form(sandbox.url, '/services/oauth2/revoke', { token: 'nope' });
      expect(unknown.status).toBe(400);
      expect(await unknown.json()).toEqual({ error: 'unsupported_token_type', error_description: 'this token type is not supported' });
      expect(sandbox.stats().oauth.revocations).toBe(2);
    });

    it('introspects live access and refresh tokens; expired, revoked or unknown ones are inactive', async () => {
      await start();
      const t = (await exchange((await allow()).searchParams.get('code')!)).body;
      const now = Date.parse('2026-11-27T12:00:00Z') / 1000;
      expect(await introspect(t.access_token!)).toEqual({
        status: 200,
        body: {
          active: true, scope: 'api refresh_token id openid', client_id: sandbox.clientId, username: MARCUS.username, sub: t.id,
          token_type: 'access_token', exp: now + 7200, iat: now, nbf: now,
        },
      });
      expect((await introspect(t.refresh_token!, { token_type_hint: 'refresh_token' })).body).toMatchObject({ active: true, token_type: 'refresh_token', username: MARCUS.username });
      expect((await introspect('nope')).body).toEqual({ active: false });
      expect((await introspect(t.access_token!, { client_secret: 'wrong' })).status).toBe(400);
      sandbox.clock.advance(2 * 3_600_000);
      expect((await introspect(t.access_token!)).body).toEqual({ active: false });
      expect((await api(t.access_token!)).status).toBe(401);
    });
  });

  describe('login, test and My Domain hosts', () => {
    it('puts login, test and the instance on their own hosts: instance_url is My Domain, the API answers only there', async () => {
      await start({ hosts: 'separate' });
      expect(new Set([sandbox.loginUrl, sandbox.testLoginUrl, sandbox.instanceUrl]).size).toBe(3);
      expect(sandbox.url).toBe(sandbox.instanceUrl);
      const t = (await exchange((await allow({}, sandbox.loginUrl)).searchParams.get('code')!, {}, sandbox.loginUrl)).body;
      expect(t.instance_url).toBe(sandbox.instanceUrl);
      expect(t.id).toBe(`${sandbox.loginUrl}/id/${sandbox.orgId}/${MARCUS.id}`);
      expect((await api(t.access_token!, sandbox.instanceUrl)).status).toBe(200);
      const onLogin = await api(t.access_token!, sandbox.loginUrl);
      expect(onLogin.status).toBe(401);
      expect(await onLogin.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);

      // a production org does not log in through test.salesforce.com
      const wrongHost = await fetch(`${sandbox.testLoginUrl}/services/oauth2/authorize?${authorizeQuery()}`);
      expect(wrongHost.status).toBe(400);
      expect(await wrongHost.text()).toContain('Please check your username and password');
      expect(await token({ grant_type: 'refresh_token', refresh_token: t.refresh_token! }, sandbox.testLoginUrl)).toEqual({
        status: 400, body: { error: 'invalid_grant', error_description: 'authentication failure' },
      });
      // My Domain logs in whatever the org kind
      const viaMyDomain = await exchange((await allow({}, sandbox.instanceUrl)).searchParams.get('code')!, {}, sandbox.instanceUrl);
      expect(viaMyDomain.status).toBe(200);
    });

    it('a sandbox org (loginDomain test) logs in through test.salesforce.com, and both with loginDomain both', async () => {
      await start({ hosts: 'separate', loginDomain: 'test' });
      const t = (await exchange((await allow({}, sandbox.testLoginUrl)).searchParams.get('code')!, {}, sandbox.testLoginUrl)).body;
      expect(t.id).toBe(`${sandbox.testLoginUrl}/id/${sandbox.orgId}/${MARCUS.id}`);
      expect((await fetch(`${sandbox.loginUrl}/services/oauth2/authorize?${authorizeQuery()}`)).status).toBe(400);
      await sandbox.close();
      await start({ hosts: 'separate', loginDomain: 'both' });
      for (const base of [sandbox.loginUrl, sandbox.testLoginUrl]) {
        expect((await fetch(`${base}/services/oauth2/authorize?${authorizeQuery()}`)).status).toBe(200);
      }
    });
  });

  it('exposes the connected app and the session over the admin API', async () => {
    await start();
    const view = await (await fetch(`${sandbox.url}/__sandbox/oauth`)).json();
    expect(view).toMatchObject({
      app: { name: 'Leadstage', clientId: sandbox.clientId, callbackUrls: expect.arrayContaining([CALLBACK]), scopes: ['api', 'refresh_token', 'id', 'openid'], codeTtlMs: 900_000, maxGrantsPerUser: 5 },
      session: null,
    });
    const set = await fetch(`${sandbox.url}/__sandbox/oauth/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: MARCUS.id }),
    });
    expect((await set.json() as { session: string }).session).toBe(MARCUS.id);
    const direct = await fetch(`${sandbox.url}/services/oauth2/authorize?${authorizeQuery()}`, { redirect: 'manual' });
    const t = (await exchange(new URL(direct.headers.get('location')!).searchParams.get('code')!)).body;
    expect(t.id).toBe(`${sandbox.url}/id/${sandbox.orgId}/${MARCUS.id}`);
    const bad = await fetch(`${sandbox.url}/__sandbox/oauth/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: JORDAN }),
    });
    expect(bad.status).toBe(400);
  });
});
