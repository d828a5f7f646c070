import './support/native-pglite';
import { createHmac, randomBytes } from 'node:crypto';
import http, { type Server } from 'node:http';
import { Client } from '@hubspot/api-client';
import { Redis } from 'ioredis';
import { ensureInstallations } from '../../src/app/bootstrap';
import { waitForIdle } from '../../src/app/first-sync';
import { createRuntime, type Runtime } from '../../src/app/runtime';
import { serve, type Serving } from '../../src/app/serve';
import { webhookRouteDeps } from '../../src/app/webhooks';
import { loadEnv } from '../../src/config/env';
import { createLogger } from '../../src/log/logger';
import type { Installation } from '../../src/store';
import { createWebApp } from '../../src/web/web-app';
import { runJob } from '../../src/worker/run-job';
import { counterValue, dropPrefix, FAST_POLICY, startSandbox, uniqueRun, waitUntil } from './support/sync-harness';
import type { HubSpotSandbox } from '../../sandboxes/hubspot';

/**
 * Inbound HubSpot webhooks: the route (signature, replay, echo, unknown portal, body, rate limit)
 * with the real BullMQ queues asserted, then deliveries end to end through the workers into the
 * sandbox portal. Deliveries are built and signed here with node:crypto, in the shape HubSpot
 * documents (a JSON array of events; v3 signature over method + URI + body + timestamp).
 */
const SECRET = 'test-client-secret-5f4e3d2c';
const APP_ID = '31337';
const PUBLIC_URL = 'https://leadstage.test';
const ENVIRONMENT = { HUBSPOT_CLIENT_SECRET: SECRET, HUBSPOT_APP_ID: APP_ID };

let eventIds = Date.now();
/** One HubSpot event; a new eventId unless given. */
function event(portalId: string, subscriptionType: string, objectId: string | number, extra: Record<string, unknown> = {}) {
  return {
    eventId: (eventIds += 1),
    subscriptionId: 1001,
    portalId: Number(portalId),
    appId: Number(APP_ID),
    occurredAt: Date.now(),
    subscriptionType,
    attemptNumber: 0,
    objectId: Number(objectId),
    changeSource: 'CRM_UI',
    sourceId: 'userId:7',
    ...extra,
  };
}

/** POSTs a delivery to our server, signed as HubSpot signs it for the public URL (unless told otherwise). */
async function deliver(serverUrl: string, events: unknown, options: { secret?: string; timestamp?: number; unsigned?: boolean; body?: string } = {}) {
  const body = options.body ?? JSON.stringify(events);
  const timestamp = String(options.timestamp ?? Date.now());
  const signature = createHmac('sha256', options.secret ?? SECRET).update(`POST${PUBLIC_URL}/webhooks/hubspot${body}${timestamp}`, 'utf8').digest('base64');
  const response = await fetch(`${serverUrl}/webhooks/hubspot`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': timestamp, ...(options.unsigned ? {} : { 'x-hubspot-signature-v3': signature }) },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function listen(app: ReturnType<typeof createWebApp>): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${address.port}` };
}

/** On PostgreSQL (DATABASE_URL) each runtime gets a schema of its own, dropped by `dropSchema`. */
const schemas = new Map<Runtime, string>();
async function startWebhookRuntime(prefix: string): Promise<Runtime> {
  const schema = process.env.DATABASE_URL ? `leadstage_webhooks_${process.pid}_${randomBytes(4).toString('hex')}` : undefined;
  const runtime = await createRuntime({
    env: loadEnv({ ...process.env, NODE_ENV: 'test', PUBLIC_URL }),
    dataDir: 'memory',
    prefix,
    logger: createLogger({ level: 'error' }),
    ratePolicies: { hubspot: FAST_POLICY },
    ...(schema ? { schema } : {}),
  });
  if (schema) schemas.set(runtime, schema);
  return runtime;
}
async function dropSchema(runtime: Runtime | undefined): Promise<void> {
  const schema = runtime && schemas.get(runtime);
  if (schema) await runtime.store.db.query(`DROP SCHEMA ${schema} CASCADE`);
}

async function connectPortal(runtime: Runtime, sandbox: HubSpotSandbox, portalId: string): Promise<Installation> {
  const [installation] = await ensureInstallations(runtime.store, runtime.box, `Company ${portalId}`, 'config/rulebook.default.yaml', [
    { provider: 'hubspot', externalAccountId: portalId, displayName: 'Webhook portal', credentials: { accessToken: sandbox.token, basePath: sandbox.url } },
  ]);
  return installation!;
}

const contactIds = (sandbox: HubSpotSandbox, count: number, skip = 0) => [...sandbox.store.collection('contacts').scan()].slice(skip, skip + count).map((record) => record.id);

describe('POST /webhooks/hubspot', () => {
  const prefix = uniqueRun('webhooks-route');
  const portalId = String(70_000_000 + (process.pid % 1_000_000));
  let sandbox: HubSpotSandbox;
  let runtime: Runtime;
  let server: Server;
  let url: string;
  let installation: Installation;

  beforeAll(async () => {
    sandbox = await startSandbox({ contacts: 60 });
    runtime = await startWebhookRuntime(prefix);
    installation = await connectPortal(runtime, sandbox, portalId);
    ({ server, url } = await listen(createWebApp({ runtime, installables: new Map(), publicUrl: '', secureCookies: false, clock: Date.now, webhooks: webhookRouteDeps(runtime, ENVIRONMENT) })));
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await dropPrefix(runtime.redis, prefix);
    await dropSchema(runtime);
    await runtime?.close();
    await sandbox?.close();
  });

  const recordsJobs = async () => {
    const counts = await runtime.queues.records.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  };
  const pending = () => runtime.deps.recordChanges!.pending(installation.id);

  it('refuses an unsigned, forged or expired delivery with a 401 and queues nothing', async () => {
    const [id] = contactIds(sandbox, 1);
    const events = [event(portalId, 'contact.creation', id!)];
    const unsigned = await deliver(url, events, { unsigned: true });
    expect(unsigned).toEqual({ status: 401, body: { error: { code: 'invalid_signature', message: 'missing X-HubSpot-Signature-v3 header' } } });
    const forged = await deliver(url, events, { secret: 'someone-elses-secret' });
    expect(forged).toEqual({ status: 401, body: { error: { code: 'invalid_signature', message: 'signature does not match' } } });
    const expired = await deliver(url, events, { timestamp: Date.now() - 6 * 60_000 });
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ error: { code: 'invalid_signature', message: expect.stringMatching(/^timestamp is 36\d s old/) } });
    // a body altered after signing
    const altered = await fetch(`${url}/webhooks/hubspot`, { method: 'POST', headers: { 'x-hubspot-request-timestamp': '1', 'x-hubspot-signature-v3': 'AAAA' }, body: '[]' });
    expect(altered.status).toBe(401);
    expect(await recordsJobs()).toBe(0);
    expect(await pending()).toBe(0);
    expect(await counterValue(runtime.metrics.webhookRequests, { provider: 'hubspot', status: '401' })).toBe(4);
  });

  it('queues exactly the non-echo person records of a valid delivery, one records job for all of them', async () => {
    const [a, b, c, d] = contactIds(sandbox, 4);
    const response = await deliver(url, [
      event(portalId, 'contact.creation', a!),
      event(portalId, 'contact.propertyChange', b!, { propertyName: 'jobtitle', propertyValue: 'CTO' }),
      // our own write-back echoing: INTEGRATION from our app id
      event(portalId, 'contact.propertyChange', c!, { propertyName: 'leadstage_stage', propertyValue: 'mql', changeSource: 'INTEGRATION', sourceId: APP_ID }),
      // another app's change is a real change
      event(portalId, 'contact.propertyChange', d!, { propertyName: 'jobtitle', propertyValue: 'COO', changeSource: 'INTEGRATION', sourceId: '999' }),
      event(portalId, 'company.creation', 55),
    ]);
    expect(response).toEqual({ status: 200, body: { received: 5, accepted: 3, duplicates: 0, echoes: 1, ignored: 1, unknownAccount: 0 } });
    expect(await recordsJobs()).toBe(1);
    const claimed = await runtime.deps.recordChanges!.claim(installation.id, 100);
    expect(claimed.map(({ change }) => change)).toEqual([a, b, d].map((crmId) => ({ kind: 'pull', objectType: 'contact', crmId })));
    expect(await counterValue(runtime.metrics.webhookChanges, { provider: 'hubspot', outcome: 'echoes' })).toBe(1);
    expect(await counterValue(runtime.metrics.webhookChanges, { provider: 'hubspot', outcome: 'accepted' })).toBe(3);
  });

  it('takes a replayed delivery once: same eventIds → duplicates, no second job, each record pulled once', async () => {
    const [e] = contactIds(sandbox, 1, 10);
    const events = [event(portalId, 'contact.creation', e!)];
    expect((await deliver(url, events)).body).toMatchObject({ accepted: 1, duplicates: 0 });
    // HubSpot retries with the same events (a new timestamp and signature)
    expect((await deliver(url, events, { timestamp: Date.now() + 1 })).body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await recordsJobs()).toBe(1);

    // run the queued job: every waiting record is pulled in one batch read, then the replay again
    sandbox.resetStats();
    const outcome = await runJob('records', { workspaceId: installation.workspaceId, installationId: installation.id }, runtime.deps, runtime.limiter);
    expect(outcome).toMatchObject({ kind: 'completed', result: { pulled: 4, found: 4, removed: 0, left: 0 } });
    expect(sandbox.stats().requests.byEndpoint['POST /crm/v3/objects/contacts/batch/read']).toBe(1);
    await runtime.queues.records.obliterate({ force: true });
    expect((await deliver(url, events, { timestamp: Date.now() + 2 })).body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await recordsJobs()).toBe(0);
    expect(await pending()).toBe(0);
    expect(await runtime.store.people.findByIdentity(installation.id, 'contact', e!)).not.toBeNull();
  });

  it('a record deleted and then restored stays live: what the pull finds wins over the deletion', async () => {
    const [restored] = contactIds(sandbox, 1, 30);
    await deliver(url, [event(portalId, 'contact.creation', restored!)]);
    await runJob('records', { workspaceId: installation.workspaceId, installationId: installation.id }, runtime.deps, runtime.limiter);
    await deliver(url, [event(portalId, 'contact.deletion', restored!), event(portalId, 'contact.restore', restored!)]);
    const outcome = await runJob('records', { workspaceId: installation.workspaceId, installationId: installation.id }, runtime.deps, runtime.limiter);
    expect(outcome).toMatchObject({ kind: 'completed', result: { pulled: 1, found: 1, removed: 0 } });
    const identities = await runtime.store.people.listIdentities(installation.workspaceId, (await runtime.store.people.findByIdentity(installation.id, 'contact', restored!))!);
    expect(identities.map((identity) => identity.crmId)).toEqual([restored]);
    await runtime.queues.records.obliterate({ force: true });
  });

  it('acknowledges and drops a delivery for a portal no installation has', async () => {
    const response = await deliver(url, [event('123456', 'contact.creation', 1), event('123456', 'contact.deletion', 2)]);
    expect(response).toEqual({ status: 200, body: { received: 2, accepted: 0, duplicates: 0, echoes: 0, ignored: 0, unknownAccount: 2 } });
    expect(await recordsJobs()).toBe(0);
  });

  it('answers a signed but malformed delivery with a 400 naming the field', async () => {
    const response = await deliver(url, [{ ...event(portalId, 'contact.creation', 1), portalId: 'sixty' }]);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { code: 'invalid_body', message: 'the delivery does not fit the expected shape', problems: [expect.stringMatching(/^\[0\]\.portalId: /)] } });
    expect(await recordsJobs()).toBe(0);
  });

  it('limits requests per address, refuses bodies over the limit, and knows only providers with webhooks', async () => {
    const small = await listen(createWebApp({
      runtime, installables: new Map(), publicUrl: '', secureCookies: false, clock: Date.now,
      webhooks: { ...webhookRouteDeps(runtime, ENVIRONMENT), prefix: `${prefix}:small`, rateLimit: { max: 2, windowMs: 60_000 }, bodyLimitBytes: 64 },
    }));
    try {
      expect((await deliver(small.url, [], { unsigned: true })).status).toBe(401);
      expect((await deliver(small.url, [event(portalId, 'contact.creation', 1)])).status).toBe(413);
      const limited = await fetch(`${small.url}/webhooks/hubspot`, { method: 'POST', body: '[]' });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => small.server.close(resolve));
    }
    const other = await fetch(`${url}/webhooks/salesforce`, { method: 'POST', body: '[]' });
    expect(other.status).toBe(404);
  });

  it('is a 503 naming the variables when the app secret or PUBLIC_URL is missing', async () => {
    const bare = await listen(createWebApp({ runtime, installables: new Map(), publicUrl: '', secureCookies: false, clock: Date.now, webhooks: { ...webhookRouteDeps(runtime, {}), publicUrl: undefined } }));
    try {
      const response = await deliver(bare.url, [event(portalId, 'contact.creation', 1)]);
      expect(response.status).toBe(503);
      expect((response.body.error as { problems: string[] }).problems).toEqual([
        expect.stringMatching(/^PUBLIC_URL: required/), expect.stringMatching(/^HUBSPOT_CLIENT_SECRET: required/), expect.stringMatching(/^HUBSPOT_APP_ID: required/),
      ]);
    } finally {
      await new Promise((resolve) => bare.server.close(resolve));
    }
    expect(await recordsJobs()).toBe(0);
  });
});

describe('HubSpot webhooks end to end: the sandbox changes contacts and sends signed webhooks', () => {
  const prefix = uniqueRun('webhooks-e2e');
  let sandbox: HubSpotSandbox;
  let runtime: Runtime;
  let workers: Serving;
  let web: { server: Server; url: string };
  let installation: Installation;
  let client: Client;
  let failNextDelivery = false;

  beforeAll(async () => {
    sandbox = await startSandbox({ contacts: 300, app: { rateLimit: { maxPerWindow: 100_000, windowMs: 10_000 } } });
    runtime = await startWebhookRuntime(prefix);
    // installed as a public app: our writes come back as INTEGRATION events with the app's id
    const token = sandbox.oauth.install(undefined, ['crm.objects.companies.read', 'crm.objects.deals.read']);
    const [installed] = await ensureInstallations(runtime.store, runtime.box, 'Webhook company', 'config/rulebook.default.yaml', [
      { provider: 'hubspot', externalAccountId: String(token.hub_id), displayName: 'Demo portal', credentials: { accessToken: token.access_token, basePath: sandbox.url } },
    ]);
    installation = installed!;
    // the portal's schema exists (a first sync would create it): write-back needs the properties
    await (await runtime.deps.connectorFor(installation)).ensureSchema();
    workers = await serve(runtime, { web: false, worker: true, port: 0 });
    // our server behind its public URL: the sandbox signs the target URL it calls, exactly
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const environment = { HUBSPOT_CLIENT_SECRET: sandbox.oauth.app.clientSecret, HUBSPOT_APP_ID: String(sandbox.oauth.app.appId) };
    const buffer = runtime.deps.recordChanges!;
    // a test can make the next delivery fail after its changes were taken (a crash before the answer)
    const changes = { ...buffer, add: async (...args: Parameters<typeof buffer.add>) => {
      const taken = await buffer.add(...args);
      if (failNextDelivery) {
        failNextDelivery = false;
        throw new Error('injected: the process died before answering');
      }
      return taken;
    } };
    server.on('request', createWebApp({ runtime, installables: new Map(), publicUrl: '', secureCookies: false, clock: Date.now, webhooks: { ...webhookRouteDeps(runtime, environment), publicUrl: url, changes } }));
    web = { server, url };
    sandbox.webhooks.configure({
      targetUrl: `${url}/webhooks/hubspot`,
      subscriptions: [
        { subscriptionType: 'contact.creation' },
        { subscriptionType: 'contact.deletion' },
        { subscriptionType: 'contact.merge' },
        { subscriptionType: 'contact.privacyDeletion' },
        { subscriptionType: 'contact.propertyChange', propertyName: 'jobtitle' },
        // properties we write: their changes echo back from our own app
        { subscriptionType: 'contact.propertyChange', propertyName: 'leadstage_stage' },
        { subscriptionType: 'contact.propertyChange', propertyName: 'lifecyclestage' },
      ],
      retryBaseDelayMs: 50,
    });
    client = new Client({ accessToken: sandbox.token, basePath: sandbox.url });
  });
  afterAll(async () => {
    sandbox?.webhooks.close();
    await new Promise((resolve) => web?.server.close(resolve));
    await waitForIdle(runtime.queues, { timeoutMs: 30_000 });
    await dropSchema(runtime);
    await workers?.stop();
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await sandbox?.close();
  });

  const personOf = (crmId: string) => runtime.store.people.findByIdentity(installation.id, 'contact', crmId);
  const written = (id: string) => Boolean(sandbox.store.collection('contacts').get(id)?.properties.leadstage_stage);
  async function settle(): Promise<void> {
    // deliveries answered, jobs done, and the echoes of what the jobs wrote answered too
    for (let round = 0; round < 3; round++) {
      await sandbox.webhooks.idle(30_000);
      await waitForIdle(runtime.queues, { timeoutMs: 30_000 });
    }
  }

  it('contacts a CRM user creates and edits are pulled, scored and written back; the echo of our write-back is not pulled again', async () => {
    sandbox.resetStats();
    sandbox.webhooks.resetStats();
    const edited = contactIds(sandbox, 6);
    const result = sandbox.changeContacts({
      update: edited.map((id) => ({ id, properties: { jobtitle: 'Director of Operations' } })),
      create: [{ properties: { email: 'new.buyer@northfield-industrial.com', firstname: 'Nia', lastname: 'Buyer', jobtitle: 'VP Operations' } }],
    });
    const changed = [...edited, ...result.created];
    expect(result.events).toBe(7);
    await waitUntil('write-back of the changed contacts', () => changed.every(written), 30_000);
    await settle();

    const webhooks = sandbox.stats().webhooks;
    expect(webhooks.eventsFailed).toBe(0);
    expect(webhooks.eventsAcknowledged).toBe(webhooks.eventsSent);
    // our write-back came back as events (leadstage_stage, lifecyclestage) and they were acknowledged
    expect(webhooks.eventsAcknowledged).toBeGreaterThan(7);
    const calls = sandbox.stats().requests.byEndpoint;
    // one batch read for the 7 records; the echoes of our writes pulled nothing
    expect(calls['POST /crm/v3/objects/contacts/batch/read']).toBe(1);
    expect(calls['POST /crm/v3/objects/contacts/batch/update']).toBe(1);
    for (const id of changed) expect(await personOf(id)).not.toBeNull();
    expect((await client.crm.contacts.basicApi.getById(result.created[0]!, ['leadstage_stage'])).properties.leadstage_stage).toBeTruthy();
  });

  it('a delivery answered 500 is retried by HubSpot with the same events and taken once', async () => {
    sandbox.resetStats();
    sandbox.webhooks.resetStats();
    const [id] = contactIds(sandbox, 1, 60);
    failNextDelivery = true;
    sandbox.changeContacts({ update: [{ id: id!, properties: { jobtitle: 'Maintenance Manager' } }] });
    await waitUntil('write-back after the retry', () => written(id!), 30_000);
    await settle();
    const webhooks = sandbox.stats().webhooks;
    expect(webhooks.byOutcome['500']).toBe(1);
    expect(webhooks.eventsRetried).toBe(1);
    expect(webhooks.eventsFailed).toBe(0);
    expect(sandbox.webhooks.deliveries()[0]!.attemptNumbers).toEqual([0]);
    expect(sandbox.webhooks.deliveries()[1]!.attemptNumbers).toEqual([1]);
    expect(sandbox.stats().requests.byEndpoint['POST /crm/v3/objects/contacts/batch/read']).toBe(1);
  });

  it('deletion and privacy deletion erase the person no other record holds (audited as such); a merge folds the merged person into the survivor', async () => {
    const [deleted, erased, survivor, merged] = contactIds(sandbox, 4, 40);
    sandbox.changeContacts({ update: [deleted, erased, survivor, merged].map((id) => ({ id: id!, properties: { jobtitle: 'Plant Director' } })) });
    await waitUntil('the four contacts are known', async () => (await Promise.all([deleted, erased, survivor, merged].map((id) => personOf(id!)))).every(Boolean), 30_000);
    await settle();
    const survivorPerson = await personOf(survivor!);
    expect(await personOf(merged!)).not.toBe(survivorPerson);

    const result = sandbox.changeContacts({ delete: [deleted!], privacyDelete: [erased!], merge: [{ primaryId: survivor!, mergedId: merged! }] });
    expect(result.events).toBeGreaterThanOrEqual(3);
    await settle();

    const identity = async (crmId: string) => (await runtime.store.db.query<{ person_id: string; retired_reason: string | null }>(
      'SELECT person_id, retired_reason FROM person_identities WHERE installation_id = $1 AND object_type = $2 AND crm_id = $3',
      [installation.id, 'contact', crmId],
    )).rows[0];
    // held by no other record: erased with everything hanging off them (docs/data-protection.md)
    expect(await identity(deleted!)).toBeUndefined();
    expect(await identity(erased!)).toBeUndefined();
    const audit = (await runtime.store.db.query<{ reason: string }>('SELECT reason FROM erasure_audit WHERE installation_id = $1 ORDER BY reason', [installation.id])).rows;
    expect(audit.map((row) => row.reason)).toEqual(['crm_delete', 'crm_privacy_delete']);
    expect(await identity(merged!)).toEqual({ person_id: survivorPerson, retired_reason: 'merged' });
    expect((await identity(survivor!))?.retired_reason).toBeNull();
    expect(sandbox.stats().webhooks.eventsFailed).toBe(0);
  });
});
