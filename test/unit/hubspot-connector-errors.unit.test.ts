/**
 * Error classification of the HubSpot connector with nock (native fetch, nock ≥14): 429s of each
 * policy, 5xx, 4xx and network errors become HubSpotApiError with the right fields, the SDK never
 * retries on its own, the injected limiter sees every request, and no message carries the token.
 */
import nock from 'nock';
import { createHubSpotConnector, HubSpotApiError } from '../../connectors/hubspot';

const BASE = 'http://hubspot.test';
const TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';
const NOW = Date.parse('2026-11-27T12:00:00Z');

async function failure(promise: Promise<unknown>): Promise<HubSpotApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(HubSpotApiError);
    const e = error as HubSpotApiError;
    expect(e.message).not.toContain(TOKEN);
    expect(JSON.stringify(e)).not.toContain(TOKEN);
    expect(e.stack ?? '').not.toContain(TOKEN);
    return e;
  }
  throw new Error('expected the call to fail');
}

describe('HubSpot connector: error classification', () => {
  const kinds: string[] = [];
  const connector = createHubSpotConnector({
    accessToken: TOKEN, basePath: BASE, fetchLimiter: async (kind) => void kinds.push(kind),
  });
  const contacts = () => nock(BASE).get('/crm/v3/objects/contacts').query(true);
  const pullContacts = () => connector.pull('contacts', null, { now: NOW });

  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    kinds.length = 0;
  });
  afterAll(() => nock.enableNetConnect());

  it('429 TEN_SECONDLY_ROLLING: retryable, with the policy and Retry-After', async () => {
    const scope = contacts().once().reply(429,
      { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', correlationId: 'c-1', policyName: 'TEN_SECONDLY_ROLLING' },
      { 'Retry-After': '3' });
    const e = await failure(pullContacts());
    expect(e).toMatchObject({ status: 429, retryable: true, policyName: 'TEN_SECONDLY_ROLLING', retryAfterMs: 3000, correlationId: 'c-1', endpoint: 'GET /crm/v3/objects/contacts' });
    expect(e.message).toBe('HubSpot GET /crm/v3/objects/contacts answered 429 (TEN_SECONDLY_ROLLING): You have reached your ten_secondly_rolling limit.');
    expect(scope.isDone()).toBe(true);
  });

  it('429 DAILY: retryable later, policy named, no Retry-After', async () => {
    contacts().once().reply(429, { status: 'error', message: 'You have reached your daily limit.', errorType: 'RATE_LIMIT', policyName: 'DAILY' });
    const e = await failure(pullContacts());
    expect(e).toMatchObject({ status: 429, retryable: true, policyName: 'DAILY', retryAfterMs: null });
    expect(e.message).toContain('daily limit');
  });

  it('500: retryable, and the SDK does not retry by itself', async () => {
    const scope = contacts().once().reply(500, { status: 'error', message: 'internal error', category: 'INTERNAL_ERROR' });
    const e = await failure(pullContacts());
    expect(e).toMatchObject({ status: 500, retryable: true, category: 'INTERNAL_ERROR', policyName: null });
    expect(scope.isDone()).toBe(true);
    expect(kinds).toEqual(['standard']);
  });

  it('4xx: not retryable, with HubSpot category and message', async () => {
    contacts().once().reply(400, { status: 'error', message: 'limit must be at most 100', category: 'VALIDATION_ERROR' });
    const e = await failure(pullContacts());
    expect(e).toMatchObject({ status: 400, retryable: false, category: 'VALIDATION_ERROR' });
    expect(e.message).toContain('limit must be at most 100');
  });

  it('401: not retryable, and a token echoed by the server is scrubbed', async () => {
    contacts().once().reply(401, { status: 'error', message: `The token ${TOKEN} is expired`, category: 'EXPIRED_AUTHENTICATION' });
    const e = await failure(pullContacts());
    expect(e).toMatchObject({ status: 401, retryable: false, category: 'EXPIRED_AUTHENTICATION' });
    expect(e.message).toContain('[redacted]');
  });

  it('network error: retryable, no status', async () => {
    contacts().once().replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const e = await failure(pullContacts());
    expect(e).toMatchObject({ status: null, retryable: true, endpoint: 'GET /crm/v3/objects/contacts' });
    expect(e.message).toMatch(/^HubSpot GET \/crm\/v3\/objects\/contacts failed without a response/);
  });

  it('endpoints outside the typed SDK (apiRequest) are classified the same way', async () => {
    nock(BASE).get('/email/public/v1/events').query(true).once().reply(502, '<html>Bad gateway</html>');
    const e = await failure(connector.pull('email_events', null, { now: NOW }));
    expect(e).toMatchObject({ status: 502, retryable: true, endpoint: 'GET /email/public/v1/events' });
    expect(e.message).toContain('Bad gateway');
  });

  it('search requests go through the limiter as "search"', async () => {
    nock(BASE).post('/crm/v3/objects/meetings/search').once().reply(200, { total: 0, results: [] });
    const page = await connector.pull('meetings', null, { now: NOW });
    expect(page).toEqual({ people: [], events: [], next: { since: NOW, until: null, skip: 0, span: NOW }, more: false });
    expect(kinds).toEqual(['search']);
  });

  it('write: a 429 on the whole batch is thrown for the job to pause the installation; a 503 retries the records; a 403 fails them', async () => {
    nock(BASE).post('/crm/v3/objects/contacts/batch/update').once()
      .reply(429, { status: 'error', message: 'You have reached your secondly limit.', policyName: 'SECONDLY' });
    const writes = ['1', '2'].map((crmId) => ({ crmId, objectType: 'contact' as const, properties: { leadstage_score: '1' }, current: {} }));
    const limited = await connector.write(writes).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(HubSpotApiError);
    expect(limited).toMatchObject({ status: 429, policyName: 'SECONDLY', retryable: true });
    expect((limited as Error).message).not.toContain(TOKEN);

    nock(BASE).post('/crm/v3/objects/contacts/batch/update').once().reply(503, { status: 'error', message: 'unavailable' });
    const retry = await connector.write(writes);
    expect(retry.map((o) => o.status)).toEqual(['retry', 'retry']);
    expect(JSON.stringify(retry)).not.toContain(TOKEN);

    nock(BASE).post('/crm/v3/objects/contacts/batch/update').once()
      .reply(403, { status: 'error', message: 'missing scopes', category: 'MISSING_SCOPES' });
    const failed = await connector.write(writes);
    expect(failed).toEqual(writes.map((w) => ({ crmId: w.crmId, status: 'failed', code: 'MISSING_SCOPES', error: expect.stringContaining('missing scopes') })));
  });
});
