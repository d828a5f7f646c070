/**
 * Token refresh with rotation across processes (auth/token-refresher.ts): two refreshers (two worker
 * processes) sharing one lock and one token store make one token POST; the rotated refresh token is
 * saved; a stale access token is replaced by the stored one without a POST; invalid_grant says to
 * reconnect, without a secret.
 */
import { createLocalRefreshLock } from '../../src/connector/refresh-lock';
import { TokenRefresher, type RefreshTokenResponse } from '../../connectors/salesforce/auth/token-refresher';
import { createInMemoryTokenStore, type SalesforceTokens, type TokenStore } from '../../connectors/salesforce/auth/token-store';
import { SalesforceApiError } from '../../connectors/salesforce/salesforce-api-error';

/** A token endpoint with rotation: each refresh token works once. */
function tokenEndpoint() {
  let current = 'RT-1';
  let n = 1;
  const posts: string[] = [];
  const refresh = async (refreshToken: string): Promise<RefreshTokenResponse> => {
    posts.push(refreshToken);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (refreshToken !== current) throw Object.assign(new Error('expired access/refresh token'), { name: 'invalid_grant' });
    n += 1;
    current = `RT-${n}`;
    return { access_token: `AT-${n}`, refresh_token: current, instance_url: 'https://acme.my.salesforce.com' };
  };
  return { posts, refresh };
}

function recordingStore(initial: SalesforceTokens): TokenStore & { saved: SalesforceTokens[] } {
  const inner = createInMemoryTokenStore(initial);
  const saved: SalesforceTokens[] = [];
  return { saved, load: () => inner.load(), save: async (t) => { saved.push(t); await inner.save(t); } };
}

describe('TokenRefresher', () => {
  it('two processes refreshing at once make one token POST and share the new token', async () => {
    const endpoint = tokenEndpoint();
    const store = recordingStore({ accessToken: 'AT-1', refreshToken: 'RT-1' });
    const lock = createLocalRefreshLock();
    const a = new TokenRefresher({ installationId: 'inst-1', lock, store, requestRefresh: endpoint.refresh });
    const b = new TokenRefresher({ installationId: 'inst-1', lock, store, requestRefresh: endpoint.refresh });
    const [ra, rb] = await Promise.all([a.refresh('AT-1'), b.refresh('AT-1')]);
    expect(endpoint.posts).toEqual(['RT-1']);
    expect(ra.accessToken).toBe('AT-2');
    expect(rb.accessToken).toBe('AT-2');
    expect([ra.refreshed, rb.refreshed].sort()).toEqual([false, true]);
    // rotation: the new refresh token is what the store holds now
    expect(store.saved).toEqual([{ accessToken: 'AT-2', refreshToken: 'RT-2', instanceUrl: 'https://acme.my.salesforce.com' }]);
    expect(await store.load()).toMatchObject({ refreshToken: 'RT-2' });
  });

  it('a later refresh spends the rotated token, not the first one', async () => {
    const endpoint = tokenEndpoint();
    const store = recordingStore({ accessToken: 'AT-1', refreshToken: 'RT-1' });
    let t = 0;
    const refresher = new TokenRefresher({ installationId: 'inst-1', lock: createLocalRefreshLock(), store, requestRefresh: endpoint.refresh, clock: () => (t += 60_000) });
    await refresher.refresh('AT-1');
    const second = await refresher.refresh('AT-2');
    expect(endpoint.posts).toEqual(['RT-1', 'RT-2']);
    expect(second).toMatchObject({ accessToken: 'AT-3', refreshToken: 'RT-3', refreshed: true });
  });

  it('uses the stored access token when another process already refreshed, without a POST', async () => {
    const endpoint = tokenEndpoint();
    const store = recordingStore({ accessToken: 'AT-9', refreshToken: 'RT-9' });
    const refresher = new TokenRefresher({ installationId: 'inst-1', lock: createLocalRefreshLock(), store, requestRefresh: endpoint.refresh });
    expect(await refresher.refresh('AT-1')).toMatchObject({ accessToken: 'AT-9', refreshed: false });
    expect(endpoint.posts).toEqual([]);
  });

  it('keeps the old refresh token when Salesforce does not rotate', async () => {
    const store = recordingStore({ accessToken: 'AT-1', refreshToken: 'RT-1' });
    const refresher = new TokenRefresher({
      installationId: 'inst-1', lock: createLocalRefreshLock(), store, requestRefresh: async () => ({ access_token: 'AT-2' }),
    });
    await refresher.refresh('AT-1');
    expect(store.saved[0]).toEqual({ accessToken: 'AT-2', refreshToken: 'RT-1' });
  });

  it('invalid_grant: a clear, non-retryable error without secrets', async () => {
    const store = recordingStore({ accessToken: 'AT-1', refreshToken: 'RT-SECRET-VALUE' });
    const refresher = new TokenRefresher({
      installationId: 'inst-7', lock: createLocalRefreshLock(), store,
      requestRefresh: async () => { throw Object.assign(new Error('expired access/refresh token RT-SECRET-VALUE'), { name: 'invalid_grant' }); },
    });
    const error = await refresher.refresh('AT-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SalesforceApiError);
    expect(error).toMatchObject({ retryable: false, errorCode: 'invalid_grant', message: 'Salesforce refused the refresh token for inst-7: reconnect the org' });
    expect(store.saved).toEqual([]);
  });

  it('invalid_grant after a lapsed lock: the tokens another process stored meanwhile are used', async () => {
    const store = recordingStore({ accessToken: 'AT-1', refreshToken: 'RT-1' });
    const refresher = new TokenRefresher({
      installationId: 'inst-1', lock: createLocalRefreshLock(), store,
      requestRefresh: async () => {
        await store.save({ accessToken: 'AT-OTHER', refreshToken: 'RT-OTHER' });
        throw Object.assign(new Error('expired'), { name: 'invalid_grant' });
      },
    });
    expect(await refresher.refresh('AT-1')).toMatchObject({ accessToken: 'AT-OTHER', refreshed: false });
  });

  it('a token endpoint outage is retryable and names no secret', async () => {
    const store = recordingStore({ accessToken: 'AT-1', refreshToken: 'RT-SECRET-VALUE' });
    const refresher = new TokenRefresher({
      installationId: 'inst-1', lock: createLocalRefreshLock(), store, secrets: ['CLIENT-SECRET-VALUE'],
      requestRefresh: async () => { throw Object.assign(new Error('<html>503 for RT-SECRET-VALUE CLIENT-SECRET-VALUE</html>'), { name: 'ERROR_HTTP_503' }); },
    });
    const error = (await refresher.refresh('AT-1').catch((e: unknown) => e)) as SalesforceApiError;
    expect(error).toMatchObject({ retryable: true, status: 503 });
    expect(error.message).not.toMatch(/SECRET-VALUE/);
  });

  it('does not loop when Salesforce refuses a token it has just issued', async () => {
    const endpoint = tokenEndpoint();
    const store = recordingStore({ accessToken: 'AT-1', refreshToken: 'RT-1' });
    const refresher = new TokenRefresher({ installationId: 'inst-1', lock: createLocalRefreshLock(), store, requestRefresh: endpoint.refresh, clock: () => 1_000 });
    await refresher.refresh('AT-1');
    await expect(refresher.refresh('AT-2')).rejects.toMatchObject({ errorCode: 'INVALID_SESSION_ID' });
    expect(endpoint.posts).toEqual(['RT-1']);
  });
});
