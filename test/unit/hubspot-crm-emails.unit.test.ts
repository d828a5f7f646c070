/**
 * The HubSpot `emails` stream's mapping, against a fake SDK client: an email a rep sent from HubSpot
 * or logged (direction EMAIL, sent or without a status) → sales_email at its timestamp for each
 * associated contact; a contact's reply (INCOMING_EMAIL), a forward, and an email that never went
 * out (scheduled, failed, bounced) are no touch, and their associations are not even read. A subject
 * redacted for want of the sales-email-read scope leaves the touch without one.
 */
import type { HubSpotHttp } from '../../connectors/hubspot/hubspot-http';
import { isRepEmail, pullCrmActivities } from '../../connectors/hubspot/streams/crm-activities.stream';

const NOW = Date.parse('2026-11-27T12:00:00.000Z');

interface FakeEmail { id: string; properties: Record<string, string | null> }

function email(id: string, extra: Record<string, string | null>): FakeEmail {
  return {
    id,
    properties: {
      hs_timestamp: '2026-11-20T09:15:00.000Z', hs_createdate: '2026-11-20T09:16:00.000Z', hs_lastmodifieddate: '2026-11-20T09:16:00.000Z',
      hs_email_direction: 'EMAIL', hs_email_status: 'SENT', hs_email_subject: 'Following up on my call', hubspot_owner_id: '80000001', ...extra,
    },
  };
}

/** A HubSpotHttp whose SDK client answers the emails search and the v4 association batch read, logging both. */
function fakeHttp(emails: FakeEmail[], contacts: Record<string, string[]>) {
  const calls: { endpoint: string; body: unknown }[] = [];
  const client = {
    crm: {
      objects: {
        emails: { searchApi: { doSearch: async (request: unknown) => {
          calls.push({ endpoint: 'search', body: request });
          return { total: emails.length, results: emails };
        } } },
      },
      associations: { v4: { batchApi: { getPage: async (from: string, to: string, body: { inputs: { id: string }[] }) => {
        calls.push({ endpoint: `associations ${from}->${to}`, body });
        return { results: body.inputs.filter((i) => contacts[i.id]).map((i) => ({ _from: { id: i.id }, to: contacts[i.id]!.map((c) => ({ toObjectId: Number(c) })) })) };
      } } } },
    },
  };
  const http = { sdk: (_kind: string, _endpoint: string, call: (c: never) => Promise<unknown>) => call(client as never) } as unknown as HubSpotHttp;
  return { http, calls };
}

describe('isRepEmail', () => {
  it.each([
    [{ hs_email_direction: 'EMAIL', hs_email_status: 'SENT' }, true],
    [{ hs_email_direction: 'EMAIL' }, true],
    [{ hs_email_direction: 'INCOMING_EMAIL', hs_email_status: 'SENT' }, false],
    [{ hs_email_direction: 'FORWARDED_EMAIL', hs_email_status: 'SENT' }, false],
    [{ hs_email_direction: 'EMAIL', hs_email_status: 'SCHEDULED' }, false],
    [{ hs_email_direction: 'EMAIL', hs_email_status: 'FAILED' }, false],
    [{ hs_email_direction: 'EMAIL', hs_email_status: 'BOUNCED' }, false],
    [{ hs_email_status: 'SENT' }, false],
  ])('%j → %s', (properties, expected) => {
    expect(isRepEmail(properties)).toBe(expected);
  });
});

describe('emails stream', () => {
  it('maps the emails reps sent or logged to sales_email per contact, and reads associations for those only', async () => {
    const { http, calls } = fakeHttp([
      email('801', {}),
      email('802', { hs_email_direction: 'INCOMING_EMAIL', hs_email_subject: 'Re: Following up on my call' }),
      email('803', { hs_email_status: 'SCHEDULED' }),
      email('804', { hs_email_status: null, hs_email_subject: null, hs_timestamp: '2026-11-21T10:00:00.000Z' }),
    ], { 801: ['100001', '100002'], 802: ['100001'], 803: ['100001'], 804: ['100003'] });
    const page = await pullCrmActivities(http, 'emails', null, NOW);

    const search = calls.find((c) => c.endpoint === 'search')!.body as { properties: string[] };
    expect(search.properties).toEqual(expect.arrayContaining(['hs_email_direction', 'hs_email_status', 'hs_timestamp', 'hs_email_subject']));
    const associations = calls.filter((c) => c.endpoint === 'associations emails->contacts');
    expect(associations).toHaveLength(1);
    expect(associations[0]!.body).toEqual({ inputs: [{ id: '801' }, { id: '804' }] });

    expect(page.events.map((e) => [e.event.id, e.event.type, e.event.occurredAt, e.who])).toEqual([
      ['email:801:100001', 'sales_email', '2026-11-20T09:15:00.000Z', { crmId: '100001', objectType: 'contact' }],
      ['email:801:100002', 'sales_email', '2026-11-20T09:15:00.000Z', { crmId: '100002', objectType: 'contact' }],
      ['email:804:100003', 'sales_email', '2026-11-21T10:00:00.000Z', { crmId: '100003', objectType: 'contact' }],
    ]);
    expect(page.events[0]!.event).toMatchObject({ source: 'hubspot', properties: { emailId: '801', subject: 'Following up on my call', direction: 'EMAIL', status: 'SENT', ownerId: '80000001' } });
    // redacted content (no sales-email-read): still a touch, without a subject
    expect(page.events[2]!.event.properties).toEqual({ emailId: '804', direction: 'EMAIL', ownerId: '80000001' });
  });

  it('reads no associations when a page holds no rep email', async () => {
    const { http, calls } = fakeHttp([email('802', { hs_email_direction: 'INCOMING_EMAIL' })], { 802: ['100001'] });
    const page = await pullCrmActivities(http, 'emails', null, NOW);
    expect(page.events).toEqual([]);
    expect(calls.some((c) => c.endpoint.startsWith('associations'))).toBe(false);
  });
});
