/**
 * Installing from Salesforce (connectors/salesforce/auth/oauth-app.ts): the web server flow with
 * PKCE S256, the code exchange with the verifier, the org and user from the identity URL and
 * userinfo, the login URLs allowed, and revoking. Salesforce's endpoints are nock.
 */
import { createHash } from 'node:crypto';
import nock from 'nock';
import { SalesforceCredentialsSchema } from '../../connectors/salesforce/connector-module';
import { checkLoginUrl, salesforceInstallCapability, salesforceOAuthApp } from '../../connectors/salesforce/auth/oauth-app';

const LOGIN = 'https://login.salesforce.com';
const ORG = '00Dxx0000001gPLEAY';
const USER = '005xx000001X8UzAAK';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

function form(body: unknown): URLSearchParams {
  return typeof body === 'string' ? new URLSearchParams(body) : new URLSearchParams(Object.entries(body as Record<string, string>));
}

describe('Salesforce OAuth app', () => {
  const capability = salesforceInstallCapability();
  const app = capability.configure({ SALESFORCE_CLIENT_ID: 'consumer-key', SALESFORCE_CLIENT_SECRET: 'consumer-secret' })!;

  it('defaults to login.salesforce.com and allows test.salesforce.com, a My Domain or loopback only', () => {
    expect(capability.configure({})).toBeNull();
    expect(() => capability.configure({ SALESFORCE_CLIENT_ID: 'x' })).toThrow(/SALESFORCE_CLIENT_SECRET: required/);
    expect(checkLoginUrl('https://test.salesforce.com')).toBe('https://test.salesforce.com');
    expect(checkLoginUrl('https://acme.my.salesforce.com/')).toBe('https://acme.my.salesforce.com');
    expect(checkLoginUrl('https://acme--uat.sandbox.my.salesforce.com')).toBe('https://acme--uat.sandbox.my.salesforce.com');
    expect(checkLoginUrl('http://127.0.0.1:4020')).toBe('http://127.0.0.1:4020');
    expect(() => checkLoginUrl('https://login.salesforce.com.evil.example')).toThrow(/SALESFORCE_LOGIN_URL/);
    expect(() => checkLoginUrl('http://login.salesforce.com')).toThrow(/SALESFORCE_LOGIN_URL/);
  });

  it('sends the admin to the authorize endpoint with the scopes and an S256 code challenge', () => {
    expect(app.pkce).toBe(true);
    const verifier = 'v'.repeat(64);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const url = new URL(app.authorizeUrl({ purpose: 'install', state: 'st', redirectUri: 'https://leadstage.example.com/oauth/salesforce/callback', codeChallenge: challenge }));
    expect(url.origin + url.pathname).toBe(`${LOGIN}/services/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code', client_id: 'consumer-key', redirect_uri: 'https://leadstage.example.com/oauth/salesforce/callback',
      scope: 'api refresh_token id', state: 'st', code_challenge: challenge, code_challenge_method: 'S256',
    });
    expect(new URL(app.authorizeUrl({ purpose: 'signin', state: 's', redirectUri: 'https://x/cb', codeChallenge: challenge })).searchParams.get('scope')).toBe('id');
    expect(() => app.authorizeUrl({ purpose: 'install', state: 's', redirectUri: 'https://x/cb' })).toThrow(/PKCE/);
  });

  it('exchanges the code with the verifier and reads the org and the user', async () => {
    let sent: URLSearchParams | null = null;
    nock(LOGIN).post('/services/oauth2/token', (body) => {
      sent = form(body);
      return true;
    }).reply(200, { access_token: 'sf-access', refresh_token: 'sf-refresh', instance_url: 'https://acme.my.salesforce.com', id: `${LOGIN}/id/${ORG}/${USER}`, token_type: 'Bearer', issued_at: '1', signature: 'sig' });
    nock(LOGIN).get('/services/oauth2/userinfo').matchHeader('authorization', 'Bearer sf-access')
      .reply(200, { user_id: USER, organization_id: ORG, email: 'Admin@Acme.example', name: 'Ada Admin' });
    const account = await app.exchangeCode({ purpose: 'install', code: 'the-code', redirectUri: 'https://x/cb', codeVerifier: 'the-verifier', now: 0 });
    expect(Object.fromEntries(sent!)).toEqual({ grant_type: 'authorization_code', code: 'the-code', client_id: 'consumer-key', client_secret: 'consumer-secret', redirect_uri: 'https://x/cb', code_verifier: 'the-verifier' });
    expect(account).toMatchObject({
      externalAccountId: ORG,
      displayName: 'acme.my.salesforce.com',
      user: { externalUserId: USER, email: 'admin@acme.example', name: 'Ada Admin' },
      credentials: { accessToken: 'sf-access', refreshToken: 'sf-refresh', instanceUrl: 'https://acme.my.salesforce.com', loginUrl: LOGIN, clientId: 'consumer-key', clientSecret: 'consumer-secret' },
      ratePolicy: 'production',
    });
    expect(SalesforceCredentialsSchema.safeParse(account.credentials).success).toBe(true);
  });

  it('falls back to the identity URL for the email, and refuses an install without a refresh token', async () => {
    nock(LOGIN).post('/services/oauth2/token').reply(200, { access_token: 'a', refresh_token: 'r', instance_url: 'https://acme.my.salesforce.com', id: `${LOGIN}/id/${ORG}/${USER}` });
    nock(LOGIN).get('/services/oauth2/userinfo').reply(403, { error: 'insufficient_scope' });
    nock(LOGIN).get(`/id/${ORG}/${USER}`).reply(200, { user_id: USER, organization_id: ORG, email: 'ada@acme.example', display_name: 'Ada' });
    expect((await app.exchangeCode({ purpose: 'install', code: 'c', redirectUri: 'https://x/cb', codeVerifier: 'v', now: 0 })).user).toEqual({ externalUserId: USER, email: 'ada@acme.example', name: 'Ada' });

    nock(LOGIN).post('/services/oauth2/token').reply(200, { access_token: 'a', instance_url: 'https://acme.my.salesforce.com', id: `${LOGIN}/id/${ORG}/${USER}` });
    await expect(app.exchangeCode({ purpose: 'install', code: 'c', redirectUri: 'https://x/cb', codeVerifier: 'v', now: 0 })).rejects.toMatchObject({ code: 'NO_REFRESH_TOKEN' });

    nock(LOGIN).post('/services/oauth2/token').reply(400, { error: 'invalid_grant', error_description: 'invalid code verifier' });
    await expect(app.exchangeCode({ purpose: 'install', code: 'c', redirectUri: 'https://x/cb', codeVerifier: 'wrong', now: 0 })).rejects.toMatchObject({ code: 'invalid_grant', status: 400 });
  });

  it('revokes the refresh token on disconnect', async () => {
    const scope = nock(LOGIN).post('/services/oauth2/revoke', (body) => form(body).get('token') === 'sf-refresh').reply(200);
    await app.revoke({ accessToken: 'a', refreshToken: 'sf-refresh', instanceUrl: 'https://acme.my.salesforce.com', clientId: 'consumer-key' });
    expect(scope.isDone()).toBe(true);
    nock(LOGIN).post('/services/oauth2/revoke').reply(400, { error: 'invalid_token', error_description: 'Token was invalid' });
    await app.revoke({ accessToken: 'a', refreshToken: 'gone', instanceUrl: 'https://acme.my.salesforce.com', clientId: 'consumer-key' });
  });
});
