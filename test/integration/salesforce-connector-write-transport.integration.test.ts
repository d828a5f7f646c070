/**
 * The Salesforce transport (connectors/salesforce/salesforce-api.ts on jsforce) against a small
 * express fake on loopback, with real Redis for the refresh lock: the limiter before every request,
 * the daily budget with headroom (`/limits` first, then Sforce-Limit-Info), the headers it sends
 * (batchSize, Sforce-Auto-Assign), Bulk 2.0 CSV pages, and token refresh with rotation shared by two
 * "processes" (two transports, one token store, one Redis lock): one token POST, the rotated refresh
 * token saved. The Salesforce sandbox test (salesforce-connector-write.integration.test.ts) covers
 * the same paths against the full sandbox.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { Redis } from 'ioredis';
import { createRedisRefreshLock } from '../../src/connector/redis-refresh-lock';
import { createInMemoryTokenStore, type SalesforceTokens, type TokenStore } from '../../connectors/salesforce/auth/token-store';
import { createSalesforceApi, type SalesforceApiOptions } from '../../connectors/salesforce/salesforce-api';
import { SalesforceApiError } from '../../connectors/salesforce/salesforce-api-error';
import type { SfApiUsage } from '../../connectors/salesforce/salesforce-api.types';
import { DailyQuotaExhaustedError } from '../../src/rate-limit/daily-quota-exhausted-error';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface FakeOrg {
  url: string;
  close(): Promise<void>;
  hits: string[];
  tokenPosts: string[];
  headers: Record<string, Record<string, string | undefined>>;
  state: { accessToken: string; refreshToken: string; used: number; max: number; limitError: string | null };
}

async function startFakeOrg(): Promise<FakeOrg> {
  const app = express();
  const state = { accessToken: 'AT-1', refreshToken: 'RT-1', used: 100, max: 10_000, limitError: null as string | null };
  const hits: string[] = [];
  const tokenPosts: string[] = [];
  const headers: FakeOrg['headers'] = {};
  let rotation = 1;
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());
  app.post('/services/oauth2/token', async (req, res) => {
    tokenPosts.push(String(req.body.refresh_token));
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (req.body.grant_type !== 'refresh_token' || req.body.refresh_token !== state.refreshToken || req.body.client_secret !== 'CLIENT-SECRET') {
      res.status(400).json({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
      return;
    }
    rotation += 1;
    state.accessToken = `AT-${rotation}`;
    state.refreshToken = `RT-${rotation}`;
    res.json({ access_token: state.accessToken, refresh_token: state.refreshToken, instance_url: url, id: `${url}/id/00D000000000001AAA/005000000000001AAA`, token_type: 'Bearer', scope: 'api refresh_token', issued_at: '0', signature: 'x' });
  });
  app.use('/services/data/v62.0', (req, res, next) => {
    hits.push(`${req.method} ${req.path}`);
    headers[`${req.method} ${req.path}`] = {
      'sforce-query-options': req.get('sforce-query-options'), 'sforce-auto-assign': req.get('sforce-auto-assign'), accept: req.get('accept'),
    };
    if (req.get('authorization') !== `Bearer ${state.accessToken}`) {
      res.status(401).json([{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
      return;
    }
    if (state.limitError) {
      res.status(403).json([{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: state.limitError }]);
      return;
    }
    state.used += 1;
    res.set('Sforce-Limit-Info', `api-usage=${state.used}/${state.max}`);
    next();
  });
  const api = express.Router();
  api.get('/limits', (_req, res) => {
    res.json({ DailyApiRequests: { Max: state.max, Remaining: state.max - state.used }, DailyBulkV2QueryJobs: { Max: 10_000, Remaining: 10_000 } });
  });
  api.get(['/query', '/queryAll'], (req, res) => {
    if (String(req.query.q).includes('Bogus')) {
      res.status(400).json([{ errorCode: 'INVALID_FIELD', message: "No such column 'Bogus' on entity 'Lead'" }]);
      return;
    }
    res.json({ totalSize: 3, done: false, nextRecordsUrl: '/services/data/v62.0/query/01gLOCATOR-2000', records: [{ attributes: { type: 'Lead' }, Id: '00Q1' }] });
  });
  api.get('/query/:locator', (_req, res) => res.json({ totalSize: 3, done: true, records: [{ attributes: { type: 'Lead' }, Id: '00Q2' }, { attributes: { type: 'Lead' }, Id: '00Q3' }] }));
  api.patch('/composite/sobjects', (req, res) => {
    const body = req.body as { allOrNone: boolean; records: { id: string }[] };
    res.json(body.records.map((r) => (r.id.endsWith('BAD') ? { id: r.id, success: false, errors: [{ statusCode: 'STRING_TOO_LONG', message: 'too long', fields: ['Leadstage_Stage__c'] }] } : { id: r.id, success: true, errors: [] })));
  });
  api.get('/jobs/query/:id/results', (req, res) => {
    if (req.query.locator === 'L2') {
      res.set('Sforce-Locator', 'null').type('text/csv').send('Id,Title\n00Q3,"VP, Ops"\n');
    } else {
      res.set('Sforce-Locator', 'L2').type('text/csv').send('Id,Title\n00Q1,VP | Ops\n00Q2,"Line 1\nLine 2"\n');
    }
  });
  app.use('/services/data/v62.0', api);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, hits, tokenPosts, headers, state, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('Salesforce transport on jsforce (loopback fake org, real Redis)', () => {
  let org: FakeOrg;
  let redis: Redis;
  const prefix = `leadstage-test-sf-transport-${randomUUID()}`;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  beforeEach(async () => {
    org = await startFakeOrg();
  });
  const cleanups: (() => void)[] = [];
  const onCleanup = (fn: () => void) => cleanups.push(fn);
  afterEach(async () => {
    for (const fn of cleanups.splice(0)) fn();
    await org.close();
  });

  const options = (overrides: Partial<SalesforceApiOptions> = {}): SalesforceApiOptions => ({
    installationId: 'inst-1', instanceUrl: org.url, loginUrl: org.url, clientId: 'CLIENT-ID', clientSecret: 'CLIENT-SECRET',
    accessToken: org.state.accessToken, refreshToken: org.state.refreshToken, ...overrides,
  });

  it('waits for the limiter before every request, reads /limits first, and reports usage', async () => {
    const limiterCalls: string[] = [];
    const usage: SfApiUsage[] = [];
    const api = createSalesforceApi(options({
      fetchLimiter: async (kind) => {
        limiterCalls.push(`${kind}:${org.hits.length}`);
      },
      onApiUsage: (u) => usage.push(u),
    }));
    const page = await api.query('SELECT Id FROM Lead', { batchSize: 500 });
    expect(page).toMatchObject({ done: false, nextRecordsUrl: '/services/data/v62.0/query/01gLOCATOR-2000', records: [{ Id: '00Q1' }] });
    const more = await api.queryMore(page.nextRecordsUrl!, { batchSize: 500 });
    expect(more.records.map((r) => r.Id)).toEqual(['00Q2', '00Q3']);
    expect(org.hits).toEqual(['GET /limits', 'GET /query', 'GET /query/01gLOCATOR-2000']);
    // each limiter wait happened before its request reached the org
    expect(limiterCalls).toEqual(['standard:0', 'standard:1', 'standard:2']);
    expect(org.headers['GET /query']!['sforce-query-options']).toBe('batchSize=500');
    expect(api.apiUsage()).toMatchObject({ used: 103, max: 10_000 });
    expect(usage.length).toBeGreaterThanOrEqual(3);
    await api.query('SELECT Id FROM Lead', { includeDeleted: true });
    expect(org.hits.at(-1)).toBe('GET /queryAll');
  });

  it('stops at the headroom without calling, then probes again after the back-off', async () => {
    let now = Date.parse('2026-11-27T12:00:00Z');
    org.state.used = 8_990; // the next call makes 8,991 of 10,000; 90% is 9,000
    const api = createSalesforceApi(options({ clock: () => now, dailyHeadroom: 0.1, quotaBackoffMs: 600_000 }));
    await api.query('SELECT Id FROM Lead'); // /limits (8,990 used) then the query (8,991)
    org.state.used = 8_999;
    await api.query('SELECT Id FROM Lead'); // reads 9,000 used
    const before = org.hits.length;
    const error = await api.query('SELECT Id FROM Lead').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DailyQuotaExhaustedError);
    expect(error).toMatchObject({ installationId: 'inst-1', source: 'counted', resetsAt: now + 600_000 });
    expect(org.hits.length).toBe(before);
    now += 600_000;
    org.state.used = 100; // the rolling window freed requests
    await api.query('SELECT Id FROM Lead');
    expect(org.hits.length).toBe(before + 1);
  });

  it('REQUEST_LIMIT_EXCEEDED: TotalRequests → daily quota error; ConcurrentRequests → short retryable delay', async () => {
    const api = createSalesforceApi(options({ readLimitsOnFirstUse: false, quotaBackoffMs: 3_600_000, clock: () => 1_000 }));
    org.state.limitError = 'TotalRequests Limit exceeded.';
    await expect(api.query('SELECT Id FROM Lead')).rejects.toMatchObject({ name: 'DailyQuotaExhaustedError', source: 'crm', resetsAt: 3_601_000 });
    org.state.limitError = 'ConcurrentRequests (Concurrent API Requests) Limit exceeded.';
    await expect(api.query('SELECT Id FROM Lead')).rejects.toMatchObject({ name: 'SalesforceApiError', status: 403, errorCode: 'REQUEST_LIMIT_EXCEEDED', retryable: true, retryAfterMs: 30_000 });
  });

  it('maps a 400 to a non-retryable SalesforceApiError with status and code', async () => {
    const api = createSalesforceApi(options({ readLimitsOnFirstUse: false }));
    const error = (await api.query('SELECT Bogus FROM Lead').catch((e: unknown) => e)) as SalesforceApiError;
    expect(error).toBeInstanceOf(SalesforceApiError);
    expect(error).toMatchObject({ status: 400, errorCode: 'INVALID_FIELD', retryable: false, endpoint: 'GET /query' });
    await expect(api.queryMore('https://evil.example/services/data/v62.0/query/x')).rejects.toMatchObject({ errorCode: 'INVALID_LOCATOR' });
  });

  it('updates through sObject Collections with allOrNone false and Sforce-Auto-Assign', async () => {
    const api = createSalesforceApi(options({ readLimitsOnFirstUse: false }));
    const results = await api.updateRecords([
      { type: 'Lead', id: '00Q000000000001AAA', fields: { Leadstage_Score__c: 42 } },
      { type: 'Lead', id: '00Q000000000002BAD', fields: { Leadstage_Stage__c: 'x' } },
    ]);
    expect(results).toEqual([
      { id: '00Q000000000001AAA', success: true, errors: [] },
      { id: '00Q000000000002BAD', success: false, errors: [{ statusCode: 'STRING_TOO_LONG', message: 'too long', fields: ['Leadstage_Stage__c'] }] },
    ]);
    expect(org.headers['PATCH /composite/sobjects']!['sforce-auto-assign']).toBe('FALSE');
    await api.updateRecords([{ type: 'Lead', id: '00Q000000000001AAA', fields: {} }], { autoAssign: true });
    expect(org.headers['PATCH /composite/sobjects']!['sforce-auto-assign']).toBe('TRUE');
  });

  it('pages Bulk 2.0 results by Sforce-Locator and parses the CSV', async () => {
    const api = createSalesforceApi(options({ readLimitsOnFirstUse: false }));
    const first = await api.bulkQueryResults('750000000000001AAA', null, 2);
    expect(first).toEqual({ records: [{ Id: '00Q1', Title: 'VP | Ops' }, { Id: '00Q2', Title: 'Line 1\nLine 2' }], locator: 'L2' });
    expect(await api.bulkQueryResults('750000000000001AAA', 'L2', 2)).toEqual({ records: [{ Id: '00Q3', Title: 'VP, Ops' }], locator: null });
  });

  it('two processes with an expired token: one token POST (Redis lock), the rotated refresh token saved', async () => {
    const saved: SalesforceTokens[] = [];
    const memory = createInMemoryTokenStore({ accessToken: 'AT-1', refreshToken: 'RT-1' });
    const store: TokenStore = { load: () => memory.load(), save: async (t) => { saved.push(t); await memory.save(t); } };
    // Salesforce no longer accepts AT-1 (expired); RT-1 is still good
    org.state.accessToken = 'AT-0';
    org.state.refreshToken = 'RT-1';
    const redisB = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    onCleanup(() => redisB.disconnect());
    const lockA = createRedisRefreshLock(redis, { prefix });
    const lockB = createRedisRefreshLock(redisB, { prefix });
    const a = createSalesforceApi(options({ accessToken: 'AT-1', refreshToken: 'RT-1', tokenStore: store, refreshLock: lockA, readLimitsOnFirstUse: false }));
    const b = createSalesforceApi(options({ accessToken: 'AT-1', refreshToken: 'RT-1', tokenStore: store, refreshLock: lockB, readLimitsOnFirstUse: false }));
    const [pa, pb] = await Promise.all([a.query('SELECT Id FROM Lead'), b.query('SELECT Id FROM Lead')]);
    expect(pa.records).toHaveLength(1);
    expect(pb.records).toHaveLength(1);
    expect(org.tokenPosts).toEqual(['RT-1']);
    expect(saved).toEqual([{ accessToken: 'AT-2', refreshToken: 'RT-2', instanceUrl: org.url }]);
    // both keep working on the new token, without another POST
    await Promise.all([a.query('SELECT Id FROM Lead'), b.query('SELECT Id FROM Lead')]);
    expect(org.tokenPosts).toEqual(['RT-1']);
  });

  it('a refused refresh token: non-retryable, says to reconnect, names no secret', async () => {
    org.state.accessToken = 'AT-NEW';
    org.state.refreshToken = 'RT-SOMETHING-ELSE';
    const api = createSalesforceApi(options({ accessToken: 'AT-OLD-SECRET', refreshToken: 'RT-OLD-SECRET', readLimitsOnFirstUse: false }));
    const error = (await api.query('SELECT Id FROM Lead').catch((e: unknown) => e)) as SalesforceApiError;
    expect(error).toBeInstanceOf(SalesforceApiError);
    expect(error).toMatchObject({ retryable: false, errorCode: 'invalid_grant', message: 'Salesforce refused the refresh token for inst-1: reconnect the org' });
    expect(JSON.stringify({ ...error, message: error.message })).not.toMatch(/SECRET/);
  });

  it('the Redis refresh lock excludes across connections and only its holder releases it', async () => {
    const other = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const lockA = createRedisRefreshLock(redis, { prefix, pollMs: 10 });
      const lockB = createRedisRefreshLock(other, { prefix, pollMs: 10 });
      const order: string[] = [];
      const slow = (name: string) => async () => {
        order.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, 60));
        order.push(`${name} out`);
        return name;
      };
      expect(await Promise.all([lockA.withLock('inst-x', slow('a')), lockB.withLock('inst-x', slow('b'))])).toEqual(['a', 'b']);
      expect(order).toEqual(['a in', 'a out', 'b in', 'b out']);
      expect(await redis.exists(`${prefix}:refresh-lock:inst-x`)).toBe(0);
      // a holder whose TTL lapsed does not delete the next holder's lock
      const short = createRedisRefreshLock(redis, { prefix, ttlMs: 30, pollMs: 5 });
      await short.withLock('inst-y', async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await other.set(`${prefix}:refresh-lock:inst-y`, 'someone-else', 'PX', 10_000);
      });
      expect(await redis.get(`${prefix}:refresh-lock:inst-y`)).toBe('someone-else');
      const impatient = createRedisRefreshLock(other, { prefix, waitMs: 50, pollMs: 10 });
      await expect(impatient.withLock('inst-y', async () => 1)).rejects.toMatchObject({ name: 'RefreshLockTimeoutError', retryable: true });
    } finally {
      other.disconnect();
    }
  });
});
