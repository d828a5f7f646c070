/**
 * Rate limits, fault switches, the admin API and request metrics of the HubSpot sandbox. Windows run
 * on an injected monotonic clock, so nothing here sleeps except the latency-fault check.
 */
import { Client } from '@hubspot/api-client';
import { startHubSpotSandbox, type HubSpotSandbox, type HubSpotSandboxOptions } from '../../sandboxes/hubspot';

type ApiError = { code: number; body: Record<string, unknown>; headers: Record<string, string> };

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('HubSpot sandbox: limits and faults', () => {
  let sandbox: HubSpotSandbox;
  let client: Client;
  let monotonic = 0;

  async function start(options: HubSpotSandboxOptions = {}): Promise<void> {
    monotonic = 0;
    sandbox = await startHubSpotSandbox({ contacts: 150, clock: 'frozen', monotonic: () => monotonic, ...options });
    client = new Client({ accessToken: sandbox.token, basePath: sandbox.url });
  }
  const admin = (path: string, body?: unknown) =>
    fetch(`${sandbox.url}/__sandbox/${path}`, body === undefined ? {} : {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });

  afterEach(async () => {
    await sandbox.close();
  });

  it('answers 429 TEN_SECONDLY_ROLLING with HubSpot body and headers once the rolling window is full', async () => {
    await start({ rateLimit: { maxPerWindow: 3, windowMs: 10_000 } });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const info = await client.crm.contacts.basicApi.getPageWithHttpInfo(1);
      expect(info.headers['x-hubspot-ratelimit-max']).toBe('3');
      expect(info.headers['x-hubspot-ratelimit-interval-milliseconds']).toBe('10000');
      remaining.push(info.headers['x-hubspot-ratelimit-remaining']!);
    }
    expect(remaining).toEqual(['2', '1', '0']);

    monotonic = 9_999;
    const error = await failure(client.crm.contacts.basicApi.getPage(1));
    expect(error.code).toBe(429);
    expect(error.body).toEqual({
      status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT',
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/), policyName: 'TEN_SECONDLY_ROLLING',
    });
    expect(error.headers['x-hubspot-ratelimit-remaining']).toBe('0');

    // The window rolls: once the first requests are 10 s old there is room again.
    monotonic = 10_001;
    await expect(client.crm.contacts.basicApi.getPage(1)).resolves.toBeDefined();

    const stats = sandbox.stats();
    expect(stats.requests.byEndpoint['GET /crm/v3/objects/contacts']).toBe(5);
    expect(stats.rateLimited).toEqual({ total: 1, byPolicy: { TEN_SECONDLY_ROLLING: 1 } });
    expect(stats.requests.byStatus).toEqual({ '200': 4, '429': 1 });
  });

  it("gives a private app its portal tier's limits: a Starter portal's 100 per 10 s, compressible for a benchmark", async () => {
    await start({ rateLimit: { windowMs: 1_000 } });
    for (let i = 0; i < 100; i++) await client.crm.contacts.basicApi.getPage(1);
    const refused = await failure(client.crm.contacts.basicApi.getPageWithHttpInfo(1));
    expect(refused.code).toBe(429);
    expect(refused.body.policyName).toBe('TEN_SECONDLY_ROLLING');
    monotonic = 1_001;
    const info = await client.crm.contacts.basicApi.getPageWithHttpInfo(1);
    expect(info.headers['x-hubspot-ratelimit-max']).toBe('100');
    expect(info.headers['x-hubspot-ratelimit-daily']).toBe('250000');
  });

  it.each([
    ['professional', 0, '190', '625000'],
    ['enterprise', 0, '190', '1000000'],
    ['professional', 1, '250', '1625000'],
    ['enterprise', 2, '250', '3000000'],
  ] as const)('a %s portal with %d API limit add-on(s): %s per 10 s and %s a day for its private app', async (tier, addOns, perWindow, daily) => {
    await start({ tier, apiLimitIncrease: addOns });
    const info = await client.crm.contacts.basicApi.getPageWithHttpInfo(1);
    expect(info.headers['x-hubspot-ratelimit-max']).toBe(perWindow);
    expect(info.headers['x-hubspot-ratelimit-interval-milliseconds']).toBe('10000');
    expect(info.headers['x-hubspot-ratelimit-daily']).toBe(daily);
  });

  it('limits search separately (SECONDLY, no rate-limit headers) from the other calls', async () => {
    await start({ rateLimit: { maxPerWindow: 2 } });
    for (let i = 0; i < 5; i++) {
      const info = await client.crm.contacts.searchApi.doSearchWithHttpInfo({ limit: 1 } as never);
      expect(info.headers['x-hubspot-ratelimit-max']).toBeUndefined();
    }
    const error = await failure(client.crm.contacts.searchApi.doSearch({ limit: 1 } as never));
    expect(error.code).toBe(429);
    expect(error.body).toMatchObject({ policyName: 'SECONDLY', message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT' });
    // Searches did not use the ordinary window.
    await client.crm.contacts.basicApi.getPage(1);
    await client.crm.contacts.basicApi.getPage(1);
    monotonic = 1_000;
    await expect(client.crm.objects.meetings.searchApi.doSearch({ limit: 1 } as never)).resolves.toBeDefined();
  });

  it('spends a daily budget, answers DAILY, and resets on the next sandbox day', async () => {
    await start({ rateLimit: { daily: 3 } });
    const left: string[] = [];
    for (let i = 0; i < 3; i++) {
      left.push((await client.crm.contacts.basicApi.getPageWithHttpInfo(1)).headers['x-hubspot-ratelimit-daily-remaining']!);
    }
    expect(left).toEqual(['2', '1', '0']);
    const error = await failure(client.crm.contacts.basicApi.getPage(1));
    expect(error.code).toBe(429);
    expect(error.body.policyName).toBe('DAILY');
    sandbox.clock.set(Date.parse('2026-11-28T00:00:01Z'));
    await expect(client.crm.contacts.basicApi.getPage(1)).resolves.toBeDefined();
  });

  it('switches faults over HTTP: DAILY exhausted, burst of 429s, 5xx rate, latency', async () => {
    await start();
    expect(await (await admin('faults', { dailyExhausted: true })).json()).toMatchObject({ dailyExhausted: true });
    const daily = await failure(client.crm.objects.tasks.basicApi.getPage(1));
    expect(daily.body).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'DAILY', message: 'You have reached your daily limit.' });
    await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' });

    await admin('faults', { burst429: 2 });
    expect((await failure(client.crm.contacts.basicApi.getPage(1))).body.policyName).toBe('TEN_SECONDLY_ROLLING');
    expect((await failure(client.crm.contacts.basicApi.getPage(1))).code).toBe(429);
    await expect(client.crm.contacts.basicApi.getPage(1)).resolves.toBeDefined();

    await admin('faults', { errorRate: 1, errorStatus: 502, pathPrefix: '/crm/v3/owners' });
    expect((await failure(client.crm.owners.ownersApi.getPage())).code).toBe(502);
    await expect(client.crm.contacts.basicApi.getPage(1)).resolves.toBeDefined();
    await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' });

    sandbox.faults.set({ latencyMs: 60 });
    const started = performance.now();
    await client.crm.contacts.basicApi.getPage(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    sandbox.faults.reset();

    const invalid = await admin('faults', { errorRate: 2, nonsense: true });
    expect(invalid.status).toBe(400);
    const problems = ((await invalid.json()) as { error: { errors: string[] } }).error.errors;
    expect(problems.join(' ')).toMatch(/errorRate.*nonsense|nonsense.*errorRate/s);

    const stats = (await (await admin('stats')).json()) as { faults: Record<string, number>; rateLimited: { byPolicy: Record<string, number> } };
    expect(stats.faults).toMatchObject({ burst429s: 2, serverErrors: 1 });
    expect(stats.rateLimited.byPolicy).toEqual({ DAILY: 1, TEN_SECONDLY_ROLLING: 2 });
  });

  it('fails chosen records of a batch update (by id or ratio) with a 207', async () => {
    await start();
    sandbox.faults.set({ batchFailIds: ['100003'] });
    const result = await client.crm.contacts.batchApi.update({
      inputs: ['100002', '100003', '100004'].map((id) => ({ id, properties: { jobtitle: 'Reliability Manager' } })),
    });
    expect(result.results.map((r) => r.id).sort()).toEqual(['100002', '100004']);
    const errors = (result as unknown as { errors: { category: string; context: { ids: string[] } }[] }).errors;
    expect(errors).toEqual([expect.objectContaining({ status: 'error', category: 'INTERNAL_ERROR', context: { ids: ['100003'] } })]);
    const unchanged = await client.crm.contacts.basicApi.getById('100003', ['jobtitle']);
    expect(unchanged.properties.jobtitle).not.toBe('Reliability Manager');

    sandbox.faults.set({ batchFailIds: [], batchFailRatio: 1 });
    const all = await client.crm.contacts.batchApi.update({ inputs: [{ id: '100005', properties: { jobtitle: 'x' } }] });
    expect(all.results).toEqual([]);
    expect(sandbox.stats().faults.batchRecordFailures).toBe(2);
  });

  it('reads and sets the clock, and reconfigures limits, over HTTP', async () => {
    await start();
    expect(await (await admin('clock')).json()).toEqual({ now: '2026-11-27T12:00:00.000Z', epochMs: Date.parse('2026-11-27T12:00:00Z'), mode: 'frozen' });
    expect(((await (await admin('clock', { advanceMs: 3_600_000 })).json()) as { now: string }).now).toBe('2026-11-27T13:00:00.000Z');
    expect(((await (await admin('clock', { now: '2026-12-01T09:00:00Z' })).json()) as { now: string }).now).toBe('2026-12-01T09:00:00.000Z');
    expect((await admin('clock', { now: 'soon' })).status).toBe(400);

    await client.crm.contacts.batchApi.update({ inputs: [{ id: '100001', properties: { jobtitle: 'COO' } }] });
    expect((await client.crm.contacts.basicApi.getById('100001')).properties.lastmodifieddate).toBe('2026-12-01T09:00:00.000Z');

    expect(await (await admin('rate-limit', { maxPerWindow: 1 })).json()).toMatchObject({ maxPerWindow: 1 });
    expect((await admin('rate-limit/reset', {})).status).toBe(204);
    await client.crm.contacts.basicApi.getPage(1);
    expect((await failure(client.crm.contacts.basicApi.getPage(1))).code).toBe(429);
    expect((await admin('rate-limit/reset', {})).status).toBe(204);
    await expect(client.crm.contacts.basicApi.getPage(1)).resolves.toBeDefined();
    expect((await admin('rate-limit', { windowMs: -1 })).status).toBe(400);

    const seed = (await (await admin('seed')).json()) as { contacts: number; kinds: Record<string, string[]> };
    expect(seed.contacts).toBe(150);
    expect(seed.kinds.demoRequester).toEqual(sandbox.describeSeed().kinds.demoRequester);
  });

  it('counts rate limits per token', async () => {
    await start({ token: ['tenant-a', 'tenant-b'], rateLimit: { maxPerWindow: 1 } });
    const a = new Client({ accessToken: 'tenant-a', basePath: sandbox.url });
    const b = new Client({ accessToken: 'tenant-b', basePath: sandbox.url });
    await a.crm.contacts.basicApi.getPage(1);
    await b.crm.contacts.basicApi.getPage(1);
    expect((await failure(a.crm.contacts.basicApi.getPage(1))).code).toBe(429);
  });
});
