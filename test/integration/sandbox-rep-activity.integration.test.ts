import { Connection } from 'jsforce';
import { startHubSpotSandbox, type HubSpotSandbox } from '../../sandboxes/hubspot';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandboxes/salesforce';

/**
 * The rep activity the sandboxes serve for the SLA's touches, as the real APIs do: HubSpot's email
 * engagements (`/crm/v3/objects/emails`: create with validated enumerations, search, batch read,
 * associations 198/197, content redacted for a token without sales-email-read) and Salesforce's
 * Event (create with its time rules, the derived time fields, SOQL through query and queryAll).
 */
describe('HubSpot sandbox: email engagements', () => {
  let sandbox: HubSpotSandbox;
  const call = async (method: string, path: string, body?: unknown, token = sandbox.token) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const search = (token?: string) => call('POST', '/crm/v3/objects/emails/search', {
    filterGroups: [{ filters: [{ propertyName: 'hs_email_direction', operator: 'EQ', value: 'EMAIL' }] }],
    properties: ['hs_email_subject', 'hs_email_direction', 'hs_timestamp'], limit: 5,
  }, token);

  beforeAll(async () => {
    sandbox = await startHubSpotSandbox({ port: 0, contacts: 200, rateLimit: { maxPerWindow: 100_000, searchMax: 10_000 } });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('logs an email on a contact: 201, then found by search, batch read and the associations both ways', async () => {
    const contact = '100007';
    const created = await call('POST', '/crm/v3/objects/emails', {
      properties: { hs_timestamp: '2026-11-27T11:00:00Z', hs_email_direction: 'EMAIL', hs_email_status: 'SENT', hs_email_subject: 'Next steps' },
      associations: [{ to: { id: contact }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 198 }] }],
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body.properties).toMatchObject({ hs_timestamp: '2026-11-27T11:00:00.000Z', hs_email_subject: 'Next steps' });

    const read = await call('POST', '/crm/v3/objects/emails/batch/read', { inputs: [{ id }], properties: ['hs_email_direction'] });
    expect(read.body.results).toEqual([expect.objectContaining({ id, properties: expect.objectContaining({ hs_email_direction: 'EMAIL' }) })]);
    const toContacts = await call('POST', '/crm/v4/associations/emails/contacts/batch/read', { inputs: [{ id }] });
    expect(toContacts.body.results).toEqual([{ from: { id }, to: [{ toObjectId: contact, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 198, label: null }] }] }]);
    const fromContact = await call('GET', `/crm/v4/objects/contacts/${contact}/associations/emails`);
    expect((fromContact.body.results as { toObjectId: number }[]).map((r) => String(r.toObjectId))).toContain(id);
  });

  it('refuses an email without hs_timestamp, with an unknown direction, or an unknown property', async () => {
    const bad = [
      { hs_email_direction: 'EMAIL' },
      { hs_timestamp: '2026-11-27T11:00:00Z', hs_email_direction: 'OUTGOING' },
      { hs_timestamp: '2026-11-27T11:00:00Z', hs_call_title: 'x' },
    ];
    for (const properties of bad) {
      const response = await call('POST', '/crm/v3/objects/emails', { properties });
      expect(response.status).toBe(400);
      expect(response.body.category).toBe('VALIDATION_ERROR');
    }
    expect((await call('POST', '/crm/v3/objects/emails', { properties: bad[1] })).body.message).toMatch(/hs_email_direction "OUTGOING".*EMAIL, INCOMING_EMAIL, FORWARDED_EMAIL/);
  });

  it("seeds the reps' follow-up emails, and redacts their content for a token without sales-email-read", async () => {
    const open = await search();
    expect(open.body.total as number).toBeGreaterThan(0);
    const first = (open.body.results as { id: string; properties: Record<string, string | null> }[])[0]!;
    expect(first.properties.hs_email_subject).toEqual(expect.any(String));

    const withoutContent = sandbox.oauth.install().access_token;
    const redacted = await search(withoutContent);
    expect(redacted.status).toBe(200);
    expect(redacted.body.total).toBe(open.body.total);
    const same = (redacted.body.results as { id: string; properties: Record<string, string | null> }[]).find((r) => r.id === first.id)!;
    expect(same.properties).toMatchObject({ hs_email_subject: null, hs_email_direction: 'EMAIL', hs_timestamp: first.properties.hs_timestamp });
    const byId = await call('GET', `/crm/v3/objects/emails/${first.id}?properties=hs_email_subject`, undefined, withoutContent);
    expect((byId.body.properties as Record<string, unknown>).hs_email_subject).toBeNull();

    const withContent = sandbox.oauth.install(undefined, ['sales-email-read']).access_token;
    const full = await search(withContent);
    expect((full.body.results as { id: string; properties: Record<string, string | null> }[]).find((r) => r.id === first.id)!.properties.hs_email_subject)
      .toBe(first.properties.hs_email_subject);
  });
});

describe('Salesforce sandbox: Event', () => {
  let org: SalesforceSandbox;
  let conn: Connection;
  beforeAll(async () => {
    org = await startSalesforceSandbox({ port: 0, leads: 60, contacts: 40, clock: 'frozen' });
    conn = new Connection({ instanceUrl: org.instanceUrl, accessToken: org.issueTokens().accessToken, version: org.apiVersion });
  });
  afterAll(async () => {
    await org.close();
  });

  const leadId = async () => (await conn.query<{ Id: string }>('SELECT Id FROM Lead WHERE IsConverted = false LIMIT 1')).records[0]!.Id;

  it('creates an Event with its time fields kept together: start in both fields, end from the duration, the day', async () => {
    const who = await leadId();
    const result = await conn.sobject('Event').create({ WhoId: who, Subject: 'Demo', Type: 'Meeting', StartDateTime: '2026-11-30T15:00:00.000Z', DurationInMinutes: 45 });
    expect(result).toMatchObject({ success: true });
    const id = (result as { id: string }).id;
    expect(id.startsWith('00U')).toBe(true);
    const row = (await conn.query<Record<string, unknown>>(`SELECT ActivityDateTime, StartDateTime, EndDateTime, ActivityDate, DurationInMinutes, EventSubtype, WhoId FROM Event WHERE Id = '${id}'`)).records[0]!;
    expect(row).toMatchObject({ ActivityDateTime: '2026-11-30T15:00:00.000+0000', StartDateTime: '2026-11-30T15:00:00.000+0000', EndDateTime: '2026-11-30T15:45:00.000+0000',
      ActivityDate: '2026-11-30', DurationInMinutes: 45, EventSubtype: 'Event', WhoId: who });
    // a moved start keeps the duration
    await conn.sobject('Event').update({ Id: id, ActivityDateTime: '2026-12-01T09:00:00.000Z' });
    const moved = (await conn.query<Record<string, unknown>>(`SELECT StartDateTime, EndDateTime FROM Event WHERE Id = '${id}'`)).records[0]!;
    expect(moved).toMatchObject({ StartDateTime: '2026-12-01T09:00:00.000+0000', EndDateTime: '2026-12-01T09:45:00.000+0000' });
  });

  it('refuses an Event without its start or its length, or ending before it starts', async () => {
    const who = await leadId();
    const attempts: [Record<string, unknown>, string, string][] = [
      [{ WhoId: who, Subject: 'x', DurationInMinutes: 30 }, 'REQUIRED_FIELD_MISSING', 'ActivityDateTime'],
      [{ WhoId: who, Subject: 'x', ActivityDateTime: '2026-11-30T15:00:00.000Z' }, 'REQUIRED_FIELD_MISSING', 'DurationInMinutes'],
      [{ WhoId: who, Subject: 'x', StartDateTime: '2026-11-30T15:00:00.000Z', EndDateTime: '2026-11-30T14:00:00.000Z' }, 'FIELD_INTEGRITY_EXCEPTION', 'EndDateTime'],
      [{ WhoId: who, Subject: 'x', IsAllDayEvent: true }, 'REQUIRED_FIELD_MISSING', 'ActivityDate'],
    ];
    for (const [fields, code, field] of attempts) {
      const error = await conn.sobject('Event').create(fields).then(() => null, (e: { errorCode?: string; message?: string }) => e);
      expect(error).toMatchObject({ errorCode: code });
      expect(error!.message).toContain(code === 'REQUIRED_FIELD_MISSING' ? `[${field}]` : 'End Date Time');
    }
  });

  it('seeds the meetings reps booked on calls, and shows a deleted Event to queryAll only', async () => {
    const seeded = await conn.query<{ Id: string; WhoId: string; Type: string }>("SELECT Id, WhoId, Type FROM Event WHERE Type = 'Meeting' AND WhoId != null");
    expect(seeded.totalSize).toBeGreaterThan(0);
    const victim = seeded.records[0]!.Id;
    await conn.sobject('Event').destroy(victim);
    expect((await conn.query(`SELECT Id FROM Event WHERE Id = '${victim}'`)).totalSize).toBe(0);
    const all = await conn.query<{ Id: string; IsDeleted: boolean }>(`SELECT Id, IsDeleted FROM Event WHERE Id = '${victim}'`, { scanAll: true });
    expect(all.records).toEqual([expect.objectContaining({ IsDeleted: true })]);
  });
});
