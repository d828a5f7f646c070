/**
 * The HubSpot sandbox's webhooks, delivered to a receiver on loopback: the payload of each subscription
 * type (the app's own writes as `INTEGRATION` with its app id, a CRM user's as `CRM_UI`), the v3 and v1
 * signatures recomputed here with node:crypto, batches of ≤100 events, the concurrency cap, retries on a
 * 500 and on a timeout (attemptNumber counting up), giving up, retries on the sandbox clock, uninstall,
 * the admin routes and the delivery stats.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHubSpotSandbox, type HubSpotSandbox, type HubSpotSandboxOptions } from '../../sandboxes/hubspot';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  events: Record<string, unknown>[];
}

/** A webhook receiver: records every request; `respond` decides each answer (status, delay). */
async function startReceiver(respond: (n: number) => { status: number; delayMs?: number } = () => ({ status: 200 })) {
  const received: Received[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method!, url: req.url!, headers: req.headers, raw, events: JSON.parse(raw) as Record<string, unknown>[] });
      const { status, delayMs = 0 } = respond(received.length);
      setTimeout(() => {
        inFlight--;
        if (!res.destroyed) res.writeHead(status).end();
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/hubspot?tenant=t1`;
  return {
    url, received, maxInFlight: () => maxInFlight,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('HubSpot sandbox: webhooks', () => {
  let sandbox: HubSpotSandbox;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  type WebhookOverrides = Partial<NonNullable<HubSpotSandboxOptions['webhooks']>>;
  const JOBTITLE_ONLY = [{ subscriptionType: 'contact.propertyChange' as const, propertyName: 'jobtitle' }];

  async function start(webhooks: WebhookOverrides = {}, respond?: (n: number) => { status: number; delayMs?: number }): Promise<void> {
    receiver = await startReceiver(respond);
    sandbox = await startHubSpotSandbox({
      contacts: 400,
      clock: 'frozen',
      webhooks: {
        targetUrl: receiver.url,
        subscriptions: [
          { subscriptionType: 'contact.propertyChange', propertyName: 'lifecyclestage' },
          { subscriptionType: 'contact.propertyChange', propertyName: 'jobtitle' },
          { subscriptionType: 'contact.creation' },
          { subscriptionType: 'contact.deletion' },
          { subscriptionType: 'contact.merge' },
          { subscriptionType: 'contact.privacyDeletion' },
        ],
        retryBaseDelayMs: 20,
        ...webhooks,
      },
    });
  }
  afterEach(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  const patch = (token: string, id: string, properties: Record<string, string>) =>
    fetch(`${sandbox.url}/crm/v3/objects/contacts/${id}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ properties }),
    });
  const change = async (body: unknown) => {
    const res = await fetch(`${sandbox.url}/__sandbox/contacts/change`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() as Record<string, unknown> };
  };
  const allEvents = () => receiver.received.flatMap((r) => r.events);

  it('sends the app\'s own write back as a signed propertyChange event with changeSource INTEGRATION and its app id', async () => {
    await start();
    const { access_token } = sandbox.oauth.install();
    const id = '100042';
    expect((await patch(access_token, id, { lifecyclestage: 'customer' })).status).toBe(200);
    await sandbox.webhooks.idle();

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.method).toBe('POST');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.events).toEqual([{
      eventId: expect.any(Number),
      subscriptionId: expect.any(Number),
      portalId: 24681357,
      appId: sandbox.oauth.app.appId,
      occurredAt: Date.parse('2026-11-27T12:00:00Z'),
      subscriptionType: 'contact.propertyChange',
      attemptNumber: 0,
      objectId: 100042,
      propertyName: 'lifecyclestage',
      propertyValue: 'customer',
      changeSource: 'INTEGRATION',
      sourceId: String(sandbox.oauth.app.appId),
    }]);
    // the field order is HubSpot's
    expect(Object.keys(request!.events[0]!)).toEqual([
      'eventId', 'subscriptionId', 'portalId', 'appId', 'occurredAt', 'subscriptionType', 'attemptNumber', 'objectId',
      'propertyName', 'propertyValue', 'changeSource', 'sourceId',
    ]);

    // v3: base64(HMAC-SHA256(clientSecret, method + URI + body + timestamp)), computed here independently
    const secret = sandbox.oauth.app.clientSecret;
    const timestamp = String(request!.headers['x-hubspot-request-timestamp']);
    expect(Math.abs(Date.now() - Number(timestamp))).toBeLessThan(60_000);
    const expected = createHmac('sha256', secret).update(`POST${receiver.url}${request!.raw}${timestamp}`, 'utf8').digest('base64');
    const given = String(request!.headers['x-hubspot-signature-v3']);
    expect(timingSafeEqual(Buffer.from(given), Buffer.from(expected))).toBe(true);
    // a different secret does not match
    const forged = createHmac('sha256', 'not-the-secret').update(`POST${receiver.url}${request!.raw}${timestamp}`, 'utf8').digest('base64');
    expect(given).not.toBe(forged);
    // v1 still comes along: hex SHA-256 of clientSecret + body
    expect(request!.headers['x-hubspot-signature-version']).toBe('v1');
    expect(request!.headers['x-hubspot-signature']).toBe(createHash('sha256').update(secret + request!.raw, 'utf8').digest('hex'));

    // a private app's write carries its own id
    await patch(sandbox.token, id, { jobtitle: 'Plant Director' });
    await sandbox.webhooks.idle();
    expect(allEvents()[1]).toMatchObject({ propertyName: 'jobtitle', propertyValue: 'Plant Director', changeSource: 'INTEGRATION', sourceId: '2718281' });
    // a write that changes nothing (a backward lifecycle move is ignored) sends nothing
    await patch(access_token, id, { lifecyclestage: 'lead' });
    await sandbox.webhooks.idle();
    expect(allEvents()).toHaveLength(2);
  });

  it('sends batch updates by the app as one event per changed contact', async () => {
    await start();
    const { access_token } = sandbox.oauth.install();
    const inputs = ['100001', '100002', '100003'].map((id) => ({ id, properties: { jobtitle: `Title ${id}` } }));
    const res = await fetch(`${sandbox.url}/crm/v3/objects/contacts/batch/update`, {
      method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' }, body: JSON.stringify({ inputs }),
    });
    expect(res.status).toBe(200);
    await sandbox.webhooks.idle();
    expect(allEvents().map((e) => [e.objectId, e.propertyValue])).toEqual([[100001, 'Title 100001'], [100002, 'Title 100002'], [100003, 'Title 100003']]);
  });

  it('delivers a CRM user\'s changes to 250 contacts in batches of at most 100, within the concurrency cap', async () => {
    await start({ maxConcurrentRequests: 2, subscriptions: JOBTITLE_ONLY },
      () => ({ status: 200, delayMs: 30 }));
    sandbox.oauth.install();
    const result = await change({ update: { count: 250, properties: { jobtitle: 'Chief Reliability Officer' } } });
    expect(result.status).toBe(200);
    expect((result.body.updated as string[]).length).toBe(250);
    expect(result.body.events).toBe(250);
    await sandbox.webhooks.idle();

    const sizes = receiver.received.map((r) => r.events.length);
    expect(sizes.every((n) => n <= 100)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(250);
    expect(receiver.maxInFlight()).toBeLessThanOrEqual(2);
    expect(new Set(allEvents().map((e) => e.eventId)).size).toBe(250);
    expect(allEvents()[0]).toMatchObject({ changeSource: 'CRM_UI', sourceId: 'userId:9100101', propertyValue: 'Chief Reliability Officer' });
    // the portal changed too
    const read = await fetch(`${sandbox.url}/crm/v3/objects/contacts/100249?properties=jobtitle`, { headers: { authorization: `Bearer ${sandbox.token}` } });
    expect((await read.json() as { properties: { jobtitle: string } }).properties.jobtitle).toBe('Chief Reliability Officer');
    const stats = sandbox.stats().webhooks;
    expect(stats).toMatchObject({ eventsQueued: 250, eventsAcknowledged: 250, eventsRetried: 0, eventsFailed: 0, pending: 0, inFlight: 0 });
    expect(stats.requestsSent).toBe(receiver.received.length);
    expect(stats.latencyMs.count).toBe(250);
  });

  it('sends creation, deletion, merge and privacy-deletion events and changes the portal accordingly', async () => {
    await start();
    sandbox.oauth.install();
    const result = await change({
      create: [{ properties: { email: 'new.person@example.com', firstname: 'New', jobtitle: 'Buyer' } }],
      merge: [{ primaryId: '100010', mergedId: '100011' }],
      delete: ['100020'],
      privacyDelete: ['100021'],
      userId: 9100104,
    });
    expect(result.status).toBe(200);
    const created = (result.body.created as string[])[0]!;
    expect(created).toBe('100401');
    await sandbox.webhooks.idle();
    const byType = Object.fromEntries(allEvents().map((e) => [e.subscriptionType, e]));
    expect(byType['contact.creation']).toMatchObject({ objectId: 100401, changeFlag: 'CREATED', changeSource: 'CRM_UI', sourceId: 'userId:9100104', attemptNumber: 0 });
    expect(byType['contact.deletion']).toMatchObject({ objectId: 100020, changeFlag: 'DELETED', changeSource: 'CRM_UI' });
    expect(byType['contact.privacyDeletion']).toMatchObject({ objectId: 100021, changeSource: 'CRM_UI' });
    expect(byType['contact.merge']).toEqual(expect.objectContaining({
      objectId: 100010, primaryObjectId: 100010, mergedObjectIds: [100011], newObjectId: 100010,
      numberOfPropertiesMoved: (result.body.merged as { numberOfPropertiesMoved: number }[])[0]!.numberOfPropertiesMoved,
    }));
    // creation sends only the creation event (no propertyChange for the values it was created with)
    expect(allEvents()).toHaveLength(4);

    const get = (id: string) => fetch(`${sandbox.url}/crm/v3/objects/contacts/${id}?properties=email`, { headers: { authorization: `Bearer ${sandbox.token}` } });
    expect((await get('100020')).status).toBe(404);
    expect((await get('100021')).status).toBe(404);
    expect((await get('100011')).status).toBe(404);
    expect((await get('100010')).status).toBe(200);
    expect(await (await get(created)).json()).toMatchObject({ id: created, properties: { email: 'new.person@example.com' } });

    // a bad request changes nothing
    const bad = await change({ delete: ['100020'], update: [{ id: '100030', properties: { lifecyclestage: 'not-a-stage' } }] });
    expect(bad.status).toBe(400);
    const problems = (bad.body.error as { errors: string[] }).errors;
    expect(problems).toContain('delete[0]: no live contact 100020');
    expect(problems.some((p) => p.startsWith('contact 100030: lifecyclestage: not-a-stage was not one of the allowed options'))).toBe(true);
    expect(allEvents()).toHaveLength(4);
  });

  it('retries a batch the receiver answers 500, attemptNumber counting up, signed anew', async () => {
    await start({}, (n) => ({ status: n === 1 ? 500 : 200 }));
    const { access_token } = sandbox.oauth.install();
    await patch(access_token, '100005', { jobtitle: 'Retry me' });
    await sandbox.webhooks.idle();
    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received;
    expect(first!.events[0]!.attemptNumber).toBe(0);
    expect(second!.events[0]!.attemptNumber).toBe(1);
    expect(second!.events[0]!.eventId).toBe(first!.events[0]!.eventId);
    const secret = sandbox.oauth.app.clientSecret;
    const ts = String(second!.headers['x-hubspot-request-timestamp']);
    expect(second!.headers['x-hubspot-signature-v3'])
      .toBe(createHmac('sha256', secret).update(`POST${receiver.url}${second!.raw}${ts}`).digest('base64'));
    expect(sandbox.stats().webhooks).toMatchObject({ requestsSent: 2, requestsFailed: 1, eventsRetried: 1, eventsAcknowledged: 1, byOutcome: { 500: 1, 200: 1 } });
    expect(sandbox.webhooks.deliveries().map((d) => d.outcome)).toEqual([500, 200]);
  });

  it('retries when the receiver does not answer within the timeout, and gives up after maxRetries', async () => {
    await start({ timeoutMs: 100, maxRetries: 2, subscriptions: JOBTITLE_ONLY },
      (n) => (n === 1 ? { status: 200, delayMs: 400 } : { status: 503 }));
    const { access_token } = sandbox.oauth.install();
    await patch(access_token, '100006', { jobtitle: 'Slow receiver' });
    await sandbox.webhooks.idle();
    expect(receiver.received.map((r) => r.events[0]!.attemptNumber)).toEqual([0, 1, 2]);
    expect(sandbox.webhooks.deliveries().map((d) => d.outcome)).toEqual(['timeout', 503, 503]);
    expect(sandbox.stats().webhooks).toMatchObject({ eventsRetried: 2, eventsFailed: 1, eventsAcknowledged: 0, pending: 0 });
  });

  it('can wait for retries on the sandbox clock', async () => {
    await start({ retryClock: 'sandbox', retryBaseDelayMs: 60_000, subscriptions: JOBTITLE_ONLY },
      (n) => ({ status: n === 1 ? 500 : 200 }));
    const { access_token } = sandbox.oauth.install();
    await patch(access_token, '100007', { jobtitle: 'Tomorrow' });
    await sleep(150);
    expect(receiver.received).toHaveLength(1);
    expect(sandbox.stats().webhooks.pending).toBe(1);
    sandbox.clock.advance(66_001);
    await sandbox.webhooks.idle();
    expect(receiver.received.map((r) => r.events[0]!.attemptNumber)).toEqual([0, 1]);
  });

  it('sends nothing while the app is not installed, and stops at uninstall', async () => {
    await start({}, () => ({ status: 500 }));
    await patch(sandbox.token, '100008', { jobtitle: 'Nobody listens' });
    await sandbox.webhooks.idle();
    expect(receiver.received).toHaveLength(0);

    const { access_token } = sandbox.oauth.install();
    await patch(access_token, '100008', { jobtitle: 'Now they do' });
    await sleep(100);
    expect(receiver.received.length).toBeGreaterThanOrEqual(1);
    const uninstall = await fetch(`${sandbox.url}/__sandbox/uninstall`, { method: 'POST' });
    expect((await uninstall.json() as { appUninstallWebhook: boolean }).appUninstallWebhook).toBe(false);
    await sandbox.webhooks.idle();
    const seen = receiver.received.length;
    expect(sandbox.stats().webhooks.pending).toBe(0);
    await change({ update: [{ id: '100009', properties: { jobtitle: 'After uninstall' } }] });
    await sleep(100);
    expect(receiver.received).toHaveLength(seen);
  });

  it('is configured over the admin API: settings with subscription ids, checked bodies, deliveries', async () => {
    receiver = await startReceiver();
    sandbox = await startHubSpotSandbox({ contacts: 50, clock: 'frozen' });
    const admin = (method: string, path: string, body?: unknown) => fetch(`${sandbox.url}/__sandbox/${path}`, {
      method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(await (await admin('GET', 'webhooks')).json()).toMatchObject({ settings: null, stats: { configured: false } });
    const bad = await admin('POST', 'webhooks', { targetUrl: 'ftp://x', subscriptions: [{ subscriptionType: 'contact.propertyChange' }], maxEventsPerRequest: 500 });
    expect(bad.status).toBe(400);
    expect((await bad.json() as { error: { errors: string[] } }).error.errors).toEqual([
      'targetUrl must be an http(s) URL', 'subscriptions[0]: contact.propertyChange needs a propertyName', 'maxEventsPerRequest must be an integer in [1, 100]',
    ]);
    const set = await admin('POST', 'webhooks', { targetUrl: receiver.url, subscriptions: [{ subscriptionType: 'contact.creation' }], retryBaseDelayMs: 10 });
    expect(await set.json()).toMatchObject({
      settings: { targetUrl: receiver.url, maxConcurrentRequests: 10, maxEventsPerRequest: 100, timeoutMs: 5000, maxRetries: 10,
        subscriptions: [{ subscriptionType: 'contact.creation', active: true, id: expect.any(Number) }] },
    });
    expect((await admin('PATCH', 'webhooks', { maxConcurrentRequests: 3 })).status).toBe(200);
    expect(sandbox.webhooks.settings?.maxConcurrentRequests).toBe(3);

    const install = await admin('POST', 'oauth/install', {});
    expect(await install.json()).toMatchObject({ hub_id: 24681357, token_type: 'bearer' });
    await admin('POST', 'contacts/change', { create: [{ properties: { email: 'a@b.example' } }] });
    await sandbox.webhooks.idle();
    const deliveries = await (await admin('GET', 'webhooks/deliveries')).json() as { deliveries: { outcome: number }[] };
    expect(deliveries.deliveries.map((d) => d.outcome)).toEqual([200]);
    expect((await (await admin('GET', 'stats')).json() as { webhooks: { eventsAcknowledged: number } }).webhooks.eventsAcknowledged).toBe(1);
    expect((await admin('DELETE', 'webhooks')).status).toBe(200);
    expect(sandbox.webhooks.settings).toBeUndefined();
  });
});
