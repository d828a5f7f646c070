/**
 * The Salesforce sandbox's OAuth server and fault switches through the real jsforce: access-token
 * expiry → jsforce's refresh → refresh-token rotation (and the old token refused), the
 * authorization-code flow with PKCE, missing sessions, 5xx / latency / limitExceeded /
 * recordFailIds faults, the rate-limit window and the admin API.
 */
import { createHash } from 'node:crypto';
import { Connection, OAuth2 } from 'jsforce';
import { startSalesforceSandbox, type SalesforceSandbox, type SalesforceSandboxOptions } from '../../sandboxes/salesforce';

type SfError = Error & { errorCode?: string; name: string };
type Row = Record<string, unknown> & { Id: string };
type SaveResult = { id?: string; success: boolean; errors: { statusCode: string; message: string }[] };

async function failure(promise: PromiseLike<unknown>): Promise<SfError> {
  try {
    await promise;
  } catch (error) {
    return error as SfError;
  }
  throw new Error('expected the call to fail');
}

const TWO_HOURS = 2 * 3_600_000;

describe('Salesforce sandbox: OAuth and faults', () => {
  let sandbox: SalesforceSandbox;

  async function start(options: SalesforceSandboxOptions = {}): Promise<Connection> {
    sandbox = await startSalesforceSandbox({ leads: 200, contacts: 60, clock: 'frozen', ...options });
    return new Connection({
      instanceUrl: sandbox.url,
      loginUrl: sandbox.url,
      version: '62.0',
      oauth2: { clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, loginUrl: sandbox.url },
      accessToken: sandbox.accessToken,
      refreshToken: sandbox.refreshToken,
    });
  }

  afterEach(async () => {
    await sandbox?.close();
  });

  describe('tokens', () => {
    it('expires access tokens after 2 h of sandbox time; jsforce refreshes once and the refresh token rotates', async () => {
      const conn = await start();
      const refreshes: { accessToken: string; refreshToken?: string }[] = [];
      conn.on('refresh', (accessToken: string, res: { refresh_token?: string }) => {
        refreshes.push({ accessToken, refreshToken: res.refresh_token });
        // jsforce drops the rotated refresh token (it keeps the old one): the connector must keep it
        if (res.refresh_token) conn.refreshToken = res.refresh_token;
      });
      await conn.query('SELECT Id FROM User');
      sandbox.clock.advance(TWO_HOURS);
      const result = await conn.query('SELECT Id FROM User');
      expect(result.totalSize).toBeGreaterThan(0);
      expect(refreshes).toHaveLength(1);
      expect(refreshes[0]!.refreshToken).toMatch(/^5Aep861/);
      expect(refreshes[0]!.refreshToken).not.toBe(sandbox.refreshToken);
      expect(conn.accessToken).toBe(refreshes[0]!.accessToken);
      expect(sandbox.stats()).toMatchObject({ unauthorized: 1, oauth: { refreshGrants: 1 } });

      // the used refresh token is now invalid
      const oauth = new OAuth2({ clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, loginUrl: sandbox.url });
      const reused = await failure(oauth.refreshToken(sandbox.refreshToken));
      expect(reused.name).toBe('invalid_grant');
      expect(reused.message).toBe('expired access/refresh token');

      // a second expiry works with the rotated token
      sandbox.expireTokens();
      await conn.query('SELECT Id FROM User');
      expect(refreshes).toHaveLength(2);
    });

    it('shows the jsforce pitfall: without keeping the rotated token the second refresh fails', async () => {
      const conn = await start();
      sandbox.clock.advance(TWO_HOURS);
      await conn.query('SELECT Id FROM User');
      sandbox.clock.advance(TWO_HOURS);
      const error = await failure(conn.query('SELECT Id FROM User'));
      expect(error.message).toMatch(/Unable to refresh session due to: expired access\/refresh token/);
    });

    it('can revoke the whole token family when a retired refresh token is reused', async () => {
      await start({ refreshTokenReuse: 'revoke-family' });
      const oauth = new OAuth2({ clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, loginUrl: sandbox.url });
      const rotated = await oauth.refreshToken(sandbox.refreshToken);
      expect((await failure(oauth.refreshToken(sandbox.refreshToken))).name).toBe('invalid_grant');
      // the reuse looked like a stolen token: the newer one is revoked too
      expect((await failure(oauth.refreshToken(rotated.refresh_token!))).name).toBe('invalid_grant');
    });

    it('refuses unknown clients and secrets', async () => {
      await start();
      const wrongId = new OAuth2({ clientId: 'nope', clientSecret: sandbox.clientSecret, loginUrl: sandbox.url });
      expect((await failure(wrongId.refreshToken(sandbox.refreshToken))).name).toBe('invalid_client_id');
      const wrongSecret = new OAuth2({ clientId: sandbox.clientId, clientSecret: 'nope', loginUrl: sandbox.url });
      expect((await failure(wrongSecret.refreshToken(sandbox.refreshToken))).name).toBe('invalid_client');
    });

    it('runs the authorization-code flow with PKCE (jsforce useVerifier) and the authorize redirect', async () => {
      await start();
      const redirectUri = 'http://127.0.0.1/callback';
      const conn = new Connection({
        loginUrl: sandbox.url, version: '62.0',
        oauth2: { clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, loginUrl: sandbox.url, redirectUri, useVerifier: true },
      });
      const authorizeUrl = conn.oauth2.getAuthorizationUrl({ state: 'xyz' });
      const redirect = await fetch(authorizeUrl, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      const location = new URL(redirect.headers.get('location')!);
      expect(location.searchParams.get('state')).toBe('xyz');
      const userInfo = await conn.authorize(location.searchParams.get('code')!);
      expect(userInfo).toMatchObject({ id: sandbox.userId, organizationId: sandbox.orgId });
      expect(conn.instanceUrl).toBe(sandbox.url);
      expect(conn.refreshToken).toMatch(/^5Aep861/);
      expect((await conn.query('SELECT Id FROM Lead LIMIT 1')).records).toHaveLength(1);
      // a code works once; a wrong verifier is refused
      expect((await failure(conn.authorize(location.searchParams.get('code')!))).name).toBe('invalid_grant');
      const verifier = 'a'.repeat(50);
      const code = sandbox.issueAuthorizationCode({ redirectUri, codeChallenge: createHash('sha256').update(verifier).digest('base64url') });
      const other = new OAuth2({ clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, loginUrl: sandbox.url, redirectUri });
      other.codeVerifier = 'b'.repeat(50);
      expect((await failure(other.requestToken(code))).name).toBe('invalid_grant');
    });

    it('answers 401 INVALID_SESSION_ID without a valid bearer token', async () => {
      await start();
      const none = await fetch(`${sandbox.url}/services/data/v62.0/limits`);
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
      const wrong = await fetch(`${sandbox.url}/services/data/v62.0/limits`, { headers: { Authorization: 'Bearer 00Dxx!nope' } });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('sforce-limit-info')).toBeNull();
      // the versions list needs no session
      const versions = await (await fetch(`${sandbox.url}/services/data`)).json() as { version: string }[];
      expect(versions.map((v) => v.version)).toContain('62.0');
    });
  });

  describe('faults', () => {
    it('answers 503 SERVER_UNAVAILABLE on writes (jsforce does not retry POST/PATCH)', async () => {
      const conn = await start();
      const [lead] = (await conn.query<Row>('SELECT Id FROM Lead WHERE IsConverted = false LIMIT 1')).records;
      sandbox.faults.set({ errorRate: 1, errorStatus: 503 });
      const error = await failure(conn.sobject('Lead').update([{ Id: lead!.Id, Rating: 'Hot' }], { allOrNone: false }));
      expect(error.errorCode).toBe('SERVER_UNAVAILABLE');
      expect(sandbox.stats().faults.serverErrors).toBe(1);
    });

    it('recovers from failNext on a GET through jsforce retries', async () => {
      const conn = await start();
      sandbox.faults.set({ failNext: 1, errorStatus: 500 });
      const result = await conn.query('SELECT Id FROM User');
      expect(result.totalSize).toBeGreaterThan(0);
      expect(sandbox.stats().requests.byStatus).toMatchObject({ 500: 1, 200: 1 });
    });

    it('adds latency, limited to a path prefix', async () => {
      const conn = await start();
      sandbox.faults.set({ latencyMs: 150, pathPrefix: '/services/data/v62.0/query' });
      let started = performance.now();
      await conn.query('SELECT Id FROM User');
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      started = performance.now();
      await conn.limits();
      expect(performance.now() - started).toBeLessThan(140);
    });

    it('limitExceeded makes every call a 403 REQUEST_LIMIT_EXCEEDED', async () => {
      const conn = await start();
      sandbox.faults.set({ limitExceeded: true });
      const error = await failure(conn.query('SELECT Id FROM User'));
      expect(error.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
      sandbox.faults.reset();
      await expect(conn.query('SELECT Id FROM User')).resolves.toBeDefined();
    });

    it('recordFailIds fails those records with FIELD_CUSTOM_VALIDATION_EXCEPTION (set over HTTP)', async () => {
      const conn = await start();
      const [a, b] = (await conn.query<Row>('SELECT Id FROM Lead WHERE IsConverted = false LIMIT 2')).records;
      const set = await fetch(`${sandbox.url}/__sandbox/faults`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ recordFailIds: [b!.Id.slice(0, 15)] }),
      });
      expect(set.status).toBe(200);
      const results = (await conn.sobject('Lead').update([{ Id: a!.Id, Rating: 'Warm' }, { Id: b!.Id, Rating: 'Warm' }], { allOrNone: false })) as SaveResult[];
      expect(results.map((r) => r.success)).toEqual([true, false]);
      expect(results[1]!.errors[0]!.statusCode).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION');
      const bad = await fetch(`${sandbox.url}/__sandbox/faults`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorStatus: 418 }),
      });
      expect(bad.status).toBe(400);
    });

    it('expireTokens over HTTP makes jsforce refresh', async () => {
      const conn = await start();
      await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ expireTokens: true }) });
      await conn.query('SELECT Id FROM User');
      expect(sandbox.stats().oauth.refreshGrants).toBe(1);
    });

    it('an optional rate-limit window answers REQUEST_LIMIT_EXCEEDED (off by default)', async () => {
      let now = 0;
      const conn = await start({ rateLimit: { maxPerWindow: 2, windowMs: 1000 }, monotonic: () => now });
      await conn.query('SELECT Id FROM User');
      await conn.query('SELECT Id FROM User');
      expect((await failure(conn.query('SELECT Id FROM User'))).errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
      now = 1000;
      await expect(conn.query('SELECT Id FROM User')).resolves.toBeDefined();
      expect(sandbox.stats().limitExceeded.byReason).toEqual({ rateLimit: 1 });
    });

    it('reports stats by endpoint and resets them', async () => {
      const conn = await start();
      await conn.query('SELECT Id FROM User');
      await conn.sobject('Lead').describe();
      const stats = await (await fetch(`${sandbox.url}/__sandbox/stats`)).json() as { requests: { byEndpoint: Record<string, number> }; apiCalls: number };
      expect(stats.requests.byEndpoint).toEqual({
        'GET /services/data/vXX.X/query': 1,
        'GET /services/data/vXX.X/sobjects/Lead/describe': 1,
      });
      expect(stats.apiCalls).toBe(2);
      sandbox.resetStats();
      expect(sandbox.stats().requests.total).toBe(0);
    });
  });
});
