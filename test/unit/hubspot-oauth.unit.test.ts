/**
 * Installing from HubSpot (connectors/hubspot/auth): the authorize URL and scopes, the code
 * exchange on POST /oauth/v3/token (parameters in the body, never the SDK's v1 call) with the
 * introspection that names the user, the refresh before expiry, revoking, and what a refused
 * refresh token means to the worker. HubSpot's endpoints are nock (native fetch, nock ≥ 14).
 */
import nock from 'nock';
import { hubspotConnectorModule, HubSpotCredentialsSchema } from '../../connectors/hubspot/connector-module';
import { hubspotInstallCapability, hubspotOAuthApp, requestHubSpotRefresh } from '../../connectors/hubspot/auth/oauth-app';
import { HubSpotTokenManager, REFRESH_MARGIN_MS, type OAuthTokens } from '../../connectors/hubspot/auth/token-manager';
import { OAuthExchangeError } from '../../src/connector/connector-install';
import { createLocalRefreshLock } from '../../src/connector/refresh-lock';

const API = 'https://api.hubapi.com';
const CONFIG = { clientId: 'client-id-1', clientSecret: 'client-secret-1', appId: '31337', oauthBase: 'https://app.hubspot.com', apiBase: API };
const NOW = Date.parse('2026-12-01T10:00:00Z');

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

/** nock hands a form body over parsed (an object) or as text. */
function form(body: unknown): URLSearchParams {
  return typeof body === 'string' ? new URLSearchParams(body) : new URLSearchParams(Object.entries(body as Record<string, string>));
}

describe('HubSpot OAuth app configuration', () => {
  const capability = hubspotInstallCapability();

  it('is off without its variables, and names the missing ones when only some are set', () => {
    expect(capability.configure({})).toBeNull();
    expect(() => capability.configure({ HUBSPOT_CLIENT_ID: 'x' })).toThrow(/HUBSPOT_CLIENT_SECRET, HUBSPOT_APP_ID: required/);
    expect(() => capability.configure({ HUBSPOT_CLIENT_ID: 'x', HUBSPOT_CLIENT_SECRET: 'y', HUBSPOT_APP_ID: 'abc' })).toThrow(/HUBSPOT_APP_ID: expected the app's numeric id/);
    expect(() => capability.configure({ HUBSPOT_CLIENT_ID: 'x', HUBSPOT_CLIENT_SECRET: 'y', HUBSPOT_APP_ID: '1', HUBSPOT_API_BASE_URL: 'ftp://x' })).toThrow(/HUBSPOT_API_BASE_URL/);
  });

  it('says why it needs each scope', () => {
    for (const scope of [...capability.scopes.install, ...capability.scopes.signin]) expect(scope.why.length).toBeGreaterThan(20);
    // HubSpot wants the app's required scopes on every authorize link: sign-in drops only the optional ones
    expect(capability.scopes.signin.map((s) => s.scope)).toEqual(capability.scopes.install.filter((s) => !s.optional).map((s) => s.scope));
  });

  it('builds the authorize URL on app.hubspot.com with the scopes, the callback and the state', () => {
    const app = capability.configure({ HUBSPOT_CLIENT_ID: 'cid', HUBSPOT_CLIENT_SECRET: 'sec', HUBSPOT_APP_ID: '42' })!;
    const url = new URL(app.authorizeUrl({ purpose: 'install', state: 'the-state', redirectUri: 'https://leadstage.example.com/oauth/hubspot/callback' }));
    expect(url.origin + url.pathname).toBe('https://app.hubspot.com/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'cid',
      redirect_uri: 'https://leadstage.example.com/oauth/hubspot/callback',
      scope: 'oauth crm.objects.contacts.read crm.objects.contacts.write crm.schemas.contacts.read crm.schemas.contacts.write',
      optional_scope: 'crm.objects.companies.read crm.objects.deals.read forms content crm.objects.owners.read sales-email-read',
      state: 'the-state',
    });
    expect(app.authorizeUrl({ purpose: 'install', state: 's', redirectUri: 'https://x/cb' })).not.toContain('client_secret');
    expect(app.pkce).toBe(false);
  });
});

describe('HubSpot code exchange', () => {
  it('POSTs the code to /oauth/v3/token in the body, introspects the token, and reads the portal, the user and the rate tier', async () => {
    let tokenBody: URLSearchParams | null = null;
    nock(API).post('/oauth/v3/token', (body) => {
      tokenBody = form(body);
      return true;
    }).reply(200, { access_token: 'access-1', refresh_token: 'refresh-1', expires_in: 1800, token_type: 'bearer', hub_id: 4242, user_id: 7 });
    nock(API).post('/oauth/v3/token/introspect', (body) => form(body).get('token') === 'access-1' && form(body).get('client_secret') === 'client-secret-1')
      .reply(200, { active: true, hub_id: 4242, user_id: 7, user: 'Admin@Acme.example', app_id: 31337, hub_domain: 'acme.example.com', scopes: ['oauth', 'crm.objects.contacts.read'] });

    const account = await hubspotOAuthApp(CONFIG).exchangeCode({ purpose: 'install', code: 'the-code', redirectUri: 'https://x/cb', now: NOW });
    expect(Object.fromEntries(tokenBody!)).toEqual({ client_id: 'client-id-1', client_secret: 'client-secret-1', grant_type: 'authorization_code', code: 'the-code', redirect_uri: 'https://x/cb' });
    expect(account).toEqual({
      externalAccountId: '4242',
      displayName: 'acme.example.com',
      user: { externalUserId: '7', email: 'admin@acme.example', name: null },
      credentials: { kind: 'oauth', accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: NOW + 1_800_000, clientId: 'client-id-1', clientSecret: 'client-secret-1', hubId: '4242', scopes: ['oauth', 'crm.objects.contacts.read'] },
      ratePolicy: 'publicApp',
      secrets: ['access-1', 'refresh-1'],
    });
    expect(HubSpotCredentialsSchema.parse(account.credentials)).toEqual(account.credentials);
    expect(hubspotConnectorModule.ratePolicies[account.ratePolicy]!.standard.max).toBeLessThanOrEqual(110);
  });

  it('refuses a token issued to another app, and a spent code', async () => {
    nock(API).post('/oauth/v3/token').reply(200, { access_token: 'a', refresh_token: 'r', expires_in: 1800, hub_id: 1, user_id: 2 });
    nock(API).post('/oauth/v3/token/introspect').reply(200, { active: true, hub_id: 1, user_id: 2, user: 'x@y.example', app_id: 999 });
    await expect(hubspotOAuthApp(CONFIG).exchangeCode({ purpose: 'install', code: 'c', redirectUri: 'https://x/cb', now: NOW })).rejects.toMatchObject({ code: 'WRONG_APP' });

    nock(API).post('/oauth/v3/token').reply(400, { status: 'BAD_AUTH_CODE', message: 'auth code not found' });
    const refused = hubspotOAuthApp(CONFIG).exchangeCode({ purpose: 'install', code: 'spent', redirectUri: 'https://x/cb', now: NOW });
    await expect(refused).rejects.toBeInstanceOf(OAuthExchangeError);
    await expect(refused).rejects.toThrow(/answered 400 \(BAD_AUTH_CODE\)/);
  });

  it('revokes the refresh token on disconnect, and takes "already gone" for done', async () => {
    const app = hubspotOAuthApp(CONFIG);
    const credentials = { kind: 'oauth' as const, accessToken: 'a', refreshToken: 'refresh-9', expiresAt: NOW, clientId: 'client-id-1', clientSecret: 'client-secret-1', hubId: '1' };
    nock(API).post('/oauth/v3/token/revoke', (body) => form(body).get('token') === 'refresh-9' && form(body).get('token_type_hint') === 'refresh_token').reply(204);
    await app.revoke(credentials);
    nock(API).post('/oauth/v3/token/revoke').reply(400, { status: 'BAD_REFRESH_TOKEN', message: 'not found' });
    await app.revoke(credentials);
    nock(API).post('/oauth/v3/token/revoke').reply(503, 'busy');
    await expect(app.revoke(credentials)).rejects.toThrow(/503/);
    // a private app's token is the portal admin's to rotate: nothing to call
    await app.revoke({ accessToken: 'pat' });
  });
});

describe('HubSpot token refresh', () => {
  type Stored = OAuthTokens & { clientId: string; clientSecret: string; hubId: string };
  function memoryStore(initial: Stored) {
    let current = initial;
    return { load: async () => current, save: async (next: Stored) => void (current = next), get current() { return current; } };
  }
  const base: Stored = { kind: 'oauth', accessToken: 'access-old', refreshToken: 'refresh-1', expiresAt: NOW + 30 * 60_000, clientId: 'client-id-1', clientSecret: 'client-secret-1', hubId: '1' };

  it('uses a fresh token as is, and refreshes once, before expiry, when less than the margin is left', async () => {
    let now = NOW;
    const store = memoryStore(base);
    const manager = new HubSpotTokenManager({ installationId: 'i1', initial: base, lock: createLocalRefreshLock(), credentials: store, requestRefresh: requestHubSpotRefresh(base), clock: () => now });
    expect(await manager.current()).toBe('access-old');

    now = base.expiresAt - REFRESH_MARGIN_MS + 1; // 4:59 left: refresh now, not on a 401
    const scope = nock(API).post('/oauth/v3/token', (body) => form(body).get('grant_type') === 'refresh_token' && form(body).get('refresh_token') === 'refresh-1')
      .once().delay(50).reply(200, { access_token: 'access-new', refresh_token: 'refresh-1', expires_in: 1800 });
    const tokens = await Promise.all([manager.current(), manager.current(), manager.current()]);
    expect(tokens).toEqual(['access-new', 'access-new', 'access-new']);
    expect(scope.isDone()).toBe(true);
    expect(manager.refreshes).toBe(1);
    expect(store.current).toMatchObject({ accessToken: 'access-new', refreshToken: 'refresh-1', expiresAt: now + 1_800_000 });
  });

  it('refreshes a token HubSpot says expired though it looks fresh here, once; takes a newer stored one instead', async () => {
    const store = memoryStore(base);
    const manager = new HubSpotTokenManager({ installationId: 'i1', initial: base, lock: createLocalRefreshLock(), credentials: store, requestRefresh: requestHubSpotRefresh(base), clock: () => NOW });
    expect(await manager.current()).toBe('access-old');
    const scope = nock(API).post('/oauth/v3/token', (body) => form(body).get('refresh_token') === 'refresh-1')
      .once().delay(50).reply(200, { access_token: 'access-new', refresh_token: 'refresh-1', expires_in: 1800 });
    expect(await Promise.all([manager.expired('access-old'), manager.expired('access-old')])).toEqual(['access-new', 'access-new']);
    expect(scope.isDone()).toBe(true);
    expect(manager.refreshes).toBe(1);
    // another process refreshed already: its token is taken, no second refresh
    await store.save({ ...store.current, accessToken: 'access-other' });
    expect(await manager.expired('access-new')).toBe('access-other');
    expect(manager.refreshes).toBe(1);
  });

  it('a refused refresh token means the admin must reconnect; a busy token endpoint is retried', async () => {
    const expired = { ...base, expiresAt: NOW - 1 };
    const manager = new HubSpotTokenManager({ installationId: 'i1', initial: expired, lock: createLocalRefreshLock(), credentials: memoryStore(expired), requestRefresh: requestHubSpotRefresh(expired), clock: () => NOW });
    nock(API).post('/oauth/v3/token').reply(400, { status: 'BAD_REFRESH_TOKEN', message: 'refresh token is invalid, expired or revoked' });
    const error = await manager.current().catch((e: unknown) => e);
    expect(hubspotConnectorModule.classifyError(error, NOW)).toMatchObject({ code: 'invalid_grant', reauthorize: true, retryable: false });
    expect(String((error as Error).message)).not.toContain('refresh-1');

    nock(API).post('/oauth/v3/token').reply(502, 'bad gateway');
    const busy = await manager.current().catch((e: unknown) => e);
    expect(hubspotConnectorModule.classifyError(busy, NOW)).toMatchObject({ reauthorize: false, retryable: true });
  });
});

describe('HubSpot credentials', () => {
  it('keep the private app shape (no kind) beside the OAuth one', () => {
    expect(HubSpotCredentialsSchema.safeParse({ accessToken: 'pat-na1-x' }).success).toBe(true);
    expect(HubSpotCredentialsSchema.safeParse({ kind: 'private_app', accessToken: 'pat-na1-x', basePath: 'http://127.0.0.1:1' }).success).toBe(true);
    expect(HubSpotCredentialsSchema.safeParse({ kind: 'oauth', accessToken: 'a', expiresAt: 1, clientId: 'c', clientSecret: 's', hubId: '1' }).success).toBe(false);
    expect(HubSpotCredentialsSchema.safeParse({ kind: 'oauth', accessToken: 'a', refreshToken: 'r', expiresAt: 1, clientId: 'c', clientSecret: 's', hubId: '1' }).success).toBe(true);
  });
});
