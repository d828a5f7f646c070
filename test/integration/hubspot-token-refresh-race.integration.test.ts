/**
 * Two workers whose HubSpot access token is about to expire, racing to refresh it: with the shared
 * Redis refresh lock exactly one POSTs grant_type=refresh_token; the other waits, re-reads the
 * stored credentials and uses the new token. HubSpot's token endpoint is nock; the lock is the real
 * Redis one, each worker on its own connection.
 */
import { Redis } from 'ioredis';
import nock from 'nock';
import { hubspotConnectorModule, type HubSpotCredentials, type HubSpotOAuthCredentials } from '../../connectors/hubspot/connector-module';
import { requestHubSpotRefresh } from '../../connectors/hubspot/auth/oauth-app';
import { HubSpotTokenManager } from '../../connectors/hubspot/auth/token-manager';
import { createRedisRefreshLock } from '../../src/connector/redis-refresh-lock';

const API = 'https://api.hubapi.com';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('two workers refreshing the same HubSpot token', () => {
  const prefix = `leadstage-refresh-race-${process.pid}-${Date.now()}`;
  const connections: Redis[] = [];

  beforeAll(() => nock.disableNetConnect());
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    const keys = await connections[0]!.keys(`${prefix}:*`);
    if (keys.length > 0) await connections[0]!.del(...keys);
    for (const redis of connections) redis.disconnect();
  });

  it('make exactly one refresh, and both use the new token', async () => {
    const now = Date.now();
    // one row in the store, shared by both workers (load re-reads it, save re-seals it)
    let stored: HubSpotOAuthCredentials = { kind: 'oauth', accessToken: 'access-expiring', refreshToken: 'refresh-1', expiresAt: now + 60_000, clientId: 'cid', clientSecret: 'csecret', hubId: '4242' };
    const store = {
      load: async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return stored;
      },
      save: async (next: HubSpotOAuthCredentials) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        stored = hubspotConnectorModule.credentialsSchema.parse(next) as HubSpotOAuthCredentials;
      },
    };
    const refreshes: string[] = [];
    nock(API).post('/oauth/v3/token', (body: Record<string, string>) => {
      refreshes.push(body.refresh_token!);
      return body.grant_type === 'refresh_token';
    }).delay(300).reply(200, { access_token: 'access-fresh', refresh_token: 'refresh-1', expires_in: 1800 });

    const workers = [0, 1].map(() => {
      const redis = new Redis(REDIS_URL);
      connections.push(redis);
      return new HubSpotTokenManager<HubSpotOAuthCredentials>({
        installationId: 'installation-race',
        initial: stored,
        lock: createRedisRefreshLock(redis, { prefix, pollMs: 20 }),
        credentials: store,
        requestRefresh: requestHubSpotRefresh(stored),
      });
    });
    const tokens = await Promise.all(workers.map((worker) => worker.current()));
    expect(tokens).toEqual(['access-fresh', 'access-fresh']);
    expect(refreshes).toEqual(['refresh-1']);
    expect(workers.map((w) => w.refreshes).sort()).toEqual([0, 1]);
    expect(stored).toMatchObject({ accessToken: 'access-fresh', expiresAt: expect.any(Number) });
    expect(stored.expiresAt).toBeGreaterThan(now + 25 * 60_000);
    // and neither refreshes again while the new token is fresh
    expect(await Promise.all(workers.map((worker) => worker.current()))).toEqual(['access-fresh', 'access-fresh']);
    expect(refreshes).toHaveLength(1);
  });

  it('through the connector module: OAuth credentials get a token manager, a private app token none', async () => {
    const credentials: HubSpotCredentials = { kind: 'oauth', accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 3_600_000, clientId: 'c', clientSecret: 's', hubId: '1' };
    const context = {
      installationId: 'i', mappings: [], logger: { info() {}, warn() {} }, beforeRequest: async () => async () => undefined,
      refreshLock: createRedisRefreshLock(connections[0]!, { prefix }), credentials: { load: async () => credentials, save: async () => undefined }, registerSecret() {},
    };
    await expect(hubspotConnectorModule.connect(credentials, context)).resolves.toMatchObject({ provider: 'hubspot' });
    await expect(hubspotConnectorModule.connect({ accessToken: 'pat' }, context)).resolves.toMatchObject({ provider: 'hubspot' });
  });
});
