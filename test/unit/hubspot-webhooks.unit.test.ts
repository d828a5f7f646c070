/**
 * The HubSpot webhook capability: the v3 signature check and the delivery's parsing. Deliveries are
 * signed here with node:crypto directly, as HubSpot documents it (method + URI + body + timestamp,
 * HMAC-SHA256 with the app's client secret, base64), not with the connector's own signing helper.
 */
import { createHmac } from 'node:crypto';
import { hubspotConnectorModule } from '../../connectors/hubspot/connector-module';
import type { ConnectorWebhooks, WebhookRequest } from '../../src/connector/webhooks';

const SECRET = 'client-secret-0f1e2d3c';
const APP_ID = '4242';
const NOW = Date.parse('2026-11-27T12:00:00Z');
const URL = 'https://leadstage.example.com/webhooks/hubspot';

function sign(method: string, uri: string, body: string, timestamp: string, secret = SECRET): string {
  return createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');
}

function request(body: string, options: { timestamp?: number; secret?: string; url?: string; signedUrl?: string; signature?: string | string[] | null } = {}): WebhookRequest {
  const timestamp = String(options.timestamp ?? NOW - 1_000);
  const signature = options.signature === undefined ? sign('POST', options.signedUrl ?? options.url ?? URL, body, timestamp, options.secret) : options.signature;
  return {
    method: 'POST',
    url: options.url ?? URL,
    headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': timestamp, ...(signature === null ? {} : { 'x-hubspot-signature-v3': signature }) },
    rawBody: Buffer.from(body, 'utf8'),
  };
}

function configured(): ConnectorWebhooks {
  const setup = hubspotConnectorModule.webhooks!.fromEnvironment({ HUBSPOT_CLIENT_SECRET: SECRET, HUBSPOT_APP_ID: APP_ID });
  if (!setup.configured) throw new Error(setup.problems.join('; '));
  expect(setup.secrets).toEqual([SECRET]);
  return setup.webhooks;
}

const event = (overrides: Record<string, unknown>) => ({
  eventId: 100,
  subscriptionId: 7562680,
  portalId: 62515,
  appId: Number(APP_ID),
  occurredAt: NOW - 5_000,
  subscriptionType: 'contact.creation',
  attemptNumber: 0,
  objectId: 501,
  changeFlag: 'CREATED',
  changeSource: 'CRM_UI',
  sourceId: 'userId:45678',
  ...overrides,
});

describe('HubSpot webhook signature (v3)', () => {
  const webhooks = configured();
  const body = JSON.stringify([event({})]);

  it('accepts a delivery signed with the client secret, up to 5 minutes old', () => {
    expect(webhooks.verify(request(body), NOW)).toEqual({ ok: true });
    expect(webhooks.verify(request(body, { timestamp: NOW - 4 * 60_000 }), NOW)).toEqual({ ok: true });
  });

  it('refuses a forged, altered, unsigned or doubly signed delivery', () => {
    expect(webhooks.verify(request(body, { secret: 'not-the-secret' }), NOW)).toEqual({ ok: false, reason: 'signature does not match' });
    expect(webhooks.verify({ ...request(body), rawBody: Buffer.from(body.replace('501', '502')) }, NOW)).toEqual({ ok: false, reason: 'signature does not match' });
    expect(webhooks.verify({ ...request(body), method: 'PUT' }, NOW)).toEqual({ ok: false, reason: 'signature does not match' });
    expect(webhooks.verify(request(body, { signedUrl: 'https://elsewhere.example.com/webhooks/hubspot' }), NOW)).toEqual({ ok: false, reason: 'signature does not match' });
    expect(webhooks.verify(request(body, { signature: 'c2hvcnQ=' }), NOW)).toEqual({ ok: false, reason: 'signature does not match' });
    expect(webhooks.verify(request(body, { signature: null }), NOW)).toEqual({ ok: false, reason: 'missing X-HubSpot-Signature-v3 header' });
    const good = sign('POST', URL, body, String(NOW - 1_000));
    expect(webhooks.verify(request(body, { signature: [good, good] }), NOW).ok).toBe(false);
    const noTimestamp = request(body);
    expect(webhooks.verify({ ...noTimestamp, headers: { 'x-hubspot-signature-v3': good } }, NOW)).toEqual({ ok: false, reason: 'missing or malformed X-HubSpot-Request-Timestamp header' });
  });

  it('refuses a delivery older than 5 minutes or more than 5 minutes ahead, even correctly signed', () => {
    expect(webhooks.verify(request(body, { timestamp: NOW - 5 * 60_000 - 1 }), NOW)).toEqual({ ok: false, reason: 'timestamp is 300 s old (more than 5 minutes)' });
    expect(webhooks.verify(request(body, { timestamp: NOW + 6 * 60_000 }), NOW)).toEqual({ ok: false, reason: 'timestamp is 360 s in the future (more than 5 minutes)' });
  });

  it('signs the URI with the characters HubSpot lists decoded (and no others)', () => {
    // HubSpot signs https://host/path?from=a:b@c!(d)*,e;f$g'h/i?j; the request line carries them encoded
    const received = `${URL}?from=a%3Ab%40c%21%28d%29%2A%2Ce%3Bf%24g%27h%2Fi%3Fj&space=%20`;
    const signedAs = `${URL}?from=a:b@c!(d)*,e;f$g'h/i?j&space=%20`;
    expect(webhooks.verify(request(body, { url: received, signedUrl: signedAs }), NOW)).toEqual({ ok: true });
    expect(webhooks.verify(request(body, { url: received, signedUrl: received }), NOW).ok).toBe(false);
  });

  it('is not configured without the app secret and a numeric app id, and says which variable', () => {
    expect(hubspotConnectorModule.webhooks!.fromEnvironment({})).toEqual({
      configured: false,
      problems: [expect.stringMatching(/^HUBSPOT_CLIENT_SECRET: required/), expect.stringMatching(/^HUBSPOT_APP_ID: required/)],
    });
    expect(hubspotConnectorModule.webhooks!.fromEnvironment({ HUBSPOT_CLIENT_SECRET: SECRET, HUBSPOT_APP_ID: 'app-1' })).toEqual({
      configured: false,
      problems: ["HUBSPOT_APP_ID: expected the app's numeric id"],
    });
  });
});

describe('HubSpot webhook deliveries', () => {
  const webhooks = configured();
  const parse = (events: unknown) => webhooks.parse(Buffer.from(JSON.stringify(events)));

  it('maps creations, property changes, deletions, merges, privacy deletions and restores', () => {
    const result = parse([
      event({ eventId: 1, objectId: 501 }),
      event({ eventId: 2, subscriptionType: 'contact.propertyChange', objectId: 502, propertyName: 'jobtitle', propertyValue: 'CTO', changeFlag: undefined }),
      event({ eventId: 3, subscriptionType: 'contact.deletion', objectId: 503, changeFlag: 'DELETED' }),
      event({ eventId: 4, subscriptionType: 'contact.merge', objectId: 504, primaryObjectId: 504, mergedObjectIds: [505, 506], newObjectId: 504, numberOfPropertiesMoved: 12 }),
      event({ eventId: 5, subscriptionType: 'contact.privacyDeletion', objectId: 507 }),
      event({ eventId: 6, subscriptionType: 'contact.restore', objectId: 508 }),
      event({ eventId: 7, subscriptionType: 'object.creation', objectTypeId: '0-1', objectId: 509 }),
    ]);
    expect(result).toEqual({
      ok: true,
      changes: [
        { eventId: '1', accountId: '62515', kind: 'created', recordId: '501', objectType: 'contact', fromOurApp: false, occurredAt: '2026-11-27T11:59:55.000Z' },
        { eventId: '2', accountId: '62515', kind: 'changed', recordId: '502', objectType: 'contact', property: 'jobtitle', value: 'CTO', fromOurApp: false, occurredAt: '2026-11-27T11:59:55.000Z' },
        { eventId: '3', accountId: '62515', kind: 'deleted', recordId: '503', objectType: 'contact', fromOurApp: false, occurredAt: '2026-11-27T11:59:55.000Z' },
        { eventId: '4', accountId: '62515', kind: 'merged', recordId: '504', objectType: 'contact', fromOurApp: false, occurredAt: '2026-11-27T11:59:55.000Z', mergedIds: ['505', '506'] },
        { eventId: '5', accountId: '62515', kind: 'privacy_deleted', recordId: '507', objectType: 'contact', fromOurApp: false, occurredAt: '2026-11-27T11:59:55.000Z' },
        { eventId: '6', accountId: '62515', kind: 'created', recordId: '508', objectType: 'contact', fromOurApp: false, occurredAt: '2026-11-27T11:59:55.000Z' },
        { eventId: '7', accountId: '62515', kind: 'created', recordId: '509', objectType: 'contact', fromOurApp: false, occurredAt: '2026-11-27T11:59:55.000Z' },
      ],
    });
  });

  it('a merge that created a new record: the new record survives, both merged ones are folded into it', () => {
    const result = parse([event({ subscriptionType: 'contact.merge', objectId: 600, primaryObjectId: 600, mergedObjectIds: [601], newObjectId: 602 })]);
    expect(result.ok && result.changes[0]).toMatchObject({ kind: 'merged', recordId: '602', mergedIds: ['601', '600'] });
  });

  it('tells our own write-back apart: INTEGRATION with our app id as the source', () => {
    const result = parse([
      event({ eventId: 1, subscriptionType: 'contact.propertyChange', propertyName: 'leadstage_stage', propertyValue: 'mql', changeSource: 'INTEGRATION', sourceId: APP_ID }),
      event({ eventId: 2, subscriptionType: 'contact.propertyChange', propertyName: 'jobtitle', propertyValue: 'CTO', changeSource: 'INTEGRATION', sourceId: '999' }),
      event({ eventId: 3, subscriptionType: 'contact.propertyChange', propertyName: 'jobtitle', propertyValue: 'CEO', changeSource: 'CRM_UI', sourceId: 'userId:1' }),
    ]);
    expect(result.ok && result.changes.map((change) => change.fromOurApp)).toEqual([true, false, false]);
  });

  it('passes other objects on (the app ignores them) and drops association changes', () => {
    const result = parse([
      event({ subscriptionType: 'company.creation', objectId: 77 }),
      event({ subscriptionType: 'contact.associationChange', objectId: 78, associationType: 'CONTACT_TO_COMPANY', fromObjectId: 78, toObjectId: 77 }),
    ]);
    expect(result.ok && result.changes.map((change) => [change.objectType, change.kind])).toEqual([['company', 'created']]);
  });

  it('names what is wrong with a malformed body', () => {
    expect(webhooks.parse(Buffer.from('{"eventId":'))).toEqual({ ok: false, problems: [expect.stringMatching(/^body is not JSON/)] });
    expect(parse({ eventId: 1 })).toEqual({ ok: false, problems: ['body: expected a JSON array of events'] });
    expect(parse([])).toEqual({ ok: false, problems: ['body: expected at least one event'] });
    const result = parse([event({}), event({ portalId: undefined, objectId: 'abc', subscriptionType: 'created' })]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      expect.stringMatching(/^\[1\]\.portalId: /),
      expect.stringMatching(/^\[1\]\.subscriptionType: expected "<object>\.<event>"/),
      expect.stringMatching(/^\[1\]\.objectId: /),
    ]);
  });
});
