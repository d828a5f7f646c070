import './support/native-pglite';
import { Connection } from 'jsforce';
import { startHubSpotSandbox } from '../../sandboxes/hubspot';
import { integrationUserCredentials, startSalesforceSandbox } from '../../sandboxes/salesforce';
import { ensureInstallations } from '../../src/app/bootstrap';
import type { Runtime } from '../../src/app/runtime';
import type { Installation, SlaHandoff } from '../../src/store';
import { firstSyncHandoffsAhead } from './support/sla-first-sync';
import { closeTestRuntime, openTestRuntime, uniqueRun } from './support/test-runtime';

/**
 * Rep touches beyond calls and tasks (issue 15), against both sandboxes with injected time: after a
 * first sync hands the SQLs to sales, a rep sends an email from HubSpot (an `emails` engagement,
 * direction EMAIL) or puts a meeting in the Salesforce calendar / logs a call as an Event; the
 * activity stream (`emails`, `tasks`) brings it in and the SLA is met on time, on the record too.
 * What is no touch stays so: a contact's reply in HubSpot, a deleted Event in Salesforce.
 */
const RUN = `${process.pid}-${Date.now()}`;
const MINUTE = 60_000;
const DAY = 86_400_000;

interface Side {
  stream: string;
  sandboxNow(): number;
  installation(runtime: Runtime): Promise<Installation>;
  slaStatus(crmId: string): Promise<string | null>;
  /** The rep's touch, logged in the CRM now. */
  logTouch(crmId: string, variant: 0 | 1): Promise<void>;
  /** Something on the record that is no touch, logged now. */
  logNonTouch(crmId: string): Promise<void>;
  /** How many rep touches of the new kind the sandbox seeded (checking the seeded non-touches on the way). */
  seeded(): Promise<number>;
  close(): Promise<void>;
}

async function hubspot(): Promise<Side> {
  const sandbox = await startHubSpotSandbox({ port: 0, contacts: 200, rateLimit: { maxPerWindow: 100_000, searchMax: 10_000 }, warm: true });
  const request = async (method: string, path: string, body?: unknown) => fetch(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const logEmail = async (crmId: string, direction: string, subject: string) => {
    const response = await request('POST', '/crm/v3/objects/emails', {
      properties: { hs_timestamp: new Date(sandbox.clock.now()).toISOString(), hs_email_direction: direction, hs_email_status: 'SENT', hs_email_subject: subject },
      associations: [{ to: { id: crmId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 198 }] }],
    });
    expect(response.status).toBe(201);
  };
  return {
    stream: 'emails',
    sandboxNow: () => sandbox.clock.now(),
    installation: async (runtime) => ((await ensureInstallations(runtime.store, runtime.box, 'Touch HubSpot', 'config/rulebook.default.yaml', [
      { provider: 'hubspot', externalAccountId: `touch-${RUN}`, displayName: 'Touch portal', credentials: { accessToken: sandbox.token, basePath: sandbox.url }, ratePolicy: 'publicApp' },
    ])) as [Installation])[0],
    async slaStatus(crmId) {
      const contact = (await (await request('GET', `/crm/v3/objects/contacts/${crmId}?properties=leadstage_sla_status`)).json()) as { properties: Record<string, string | null> };
      return contact.properties.leadstage_sla_status ?? null;
    },
    logTouch: (crmId, variant) => logEmail(crmId, 'EMAIL', variant === 0 ? 'Your demo request' : 'Following up'),
    logNonTouch: (crmId) => logEmail(crmId, 'INCOMING_EMAIL', 'Re: your webinar'),
    async seeded() {
      const count = async (direction: string) => ((await (await request('POST', '/crm/v3/objects/emails/search', {
        filterGroups: [{ filters: [{ propertyName: 'hs_email_direction', operator: 'EQ', value: direction }] }], limit: 1,
      })).json()) as { total: number }).total;
      // the contacts' replies are seeded too (no touch)
      expect(await count('INCOMING_EMAIL')).toBeGreaterThan(0);
      return count('EMAIL');
    },
    close: () => sandbox.close(),
  };
}

async function salesforce(): Promise<Side> {
  const org = await startSalesforceSandbox({ port: 0, leads: 150, contacts: 150 });
  const conn = new Connection({ instanceUrl: org.instanceUrl, accessToken: org.issueTokens().accessToken, version: org.apiVersion });
  const create = async (fields: Record<string, unknown>) => {
    const result = await conn.sobject('Event').create(fields);
    expect(result).toMatchObject({ success: true });
    return (result as { id: string }).id;
  };
  return {
    stream: 'tasks',
    sandboxNow: () => org.clock.now(),
    installation: async (runtime) => ((await ensureInstallations(runtime.store, runtime.box, 'Touch Salesforce', 'config/rulebook.default.yaml', [
      { provider: 'salesforce', externalAccountId: `${org.orgId}-${RUN}`, displayName: 'Touch org', credentials: integrationUserCredentials(org) },
    ])) as [Installation])[0],
    async slaStatus(crmId) {
      const object = crmId.startsWith('00Q') ? 'Lead' : 'Contact';
      const rows = await conn.query<{ Leadstage_SLA_Status__c: string | null }>(`SELECT Leadstage_SLA_Status__c FROM ${object} WHERE Id = '${crmId}'`);
      return rows.records[0]?.Leadstage_SLA_Status__c ?? null;
    },
    async logTouch(crmId, variant) {
      const now = org.clock.now();
      // a meeting booked for the day after tomorrow (the booking is the touch), or a call logged as it ended
      await create(variant === 0
        ? { WhoId: crmId, Subject: 'Discovery meeting', Type: 'Meeting', StartDateTime: new Date(now + 2 * DAY).toISOString(), DurationInMinutes: 30 }
        : { WhoId: crmId, Subject: 'Intro call', Type: 'Call', StartDateTime: new Date(now).toISOString(), EndDateTime: new Date(now).toISOString() });
    },
    async logNonTouch(crmId) {
      // a meeting put in the calendar by mistake and deleted: queryAll still reads it, as deleted
      const id = await create({ WhoId: crmId, Subject: 'Wrong lead', Type: 'Meeting', ActivityDateTime: new Date(org.clock.now() + DAY).toISOString(), DurationInMinutes: 30 });
      await conn.sobject('Event').destroy(id);
    },
    async seeded() {
      const booked = await conn.query<{ WhoId: string; OwnerId: string; CreatedDate: string; StartDateTime: string; DurationInMinutes: number }>(
        "SELECT WhoId, OwnerId, CreatedDate, StartDateTime, DurationInMinutes FROM Event WHERE WhoId != null AND Type = 'Meeting'");
      for (const e of booked.records) {
        expect(e.OwnerId.startsWith('005')).toBe(true);
        expect(Date.parse(e.CreatedDate.replace('+0000', 'Z'))).toBeLessThanOrEqual(org.clock.now());
        expect(Date.parse(e.StartDateTime.replace('+0000', 'Z'))).toBeGreaterThan(Date.parse(e.CreatedDate.replace('+0000', 'Z')));
        expect(e.DurationInMinutes).toBe(45);
      }
      return booked.totalSize;
    },
    close: () => org.close(),
  };
}

describe.each([{ name: 'HubSpot', start: hubspot }, { name: 'Salesforce', start: salesforce }])(
  `Rep touches logged in the $name sandbox meet the SLA (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`,
  ({ start }) => {
    let runtime: Runtime;
    let installation: Installation;
    let side: Side;
    let now: number;
    let handoffs: SlaHandoff[];

    const handoff = async (h: SlaHandoff) => (await runtime.store.sla.listForPerson(installation.workspaceId, h.personId)).find((x) => x.id === h.id)!;
    const crmIdOf = async (personId: string) => (await runtime.store.people.listIdentities(installation.workspaceId, personId)).find((i) => i.installationId === installation.id)!.crmId;

    beforeAll(async () => {
      side = await start();
      now = side.sandboxNow();
      runtime = await openTestRuntime(uniqueRun('touch'), { clock: () => now, queueDriver: 'in-process' });
      installation = await side.installation(runtime);
      handoffs = await firstSyncHandoffsAhead(runtime, installation, now);
    }, 300_000);

    afterAll(async () => {
      await closeTestRuntime(runtime);
      await side?.close();
    });

    it('seeds rep activity of the new kind; the SLAs still ahead stay pending after the first sync', async () => {
      expect(await side.seeded()).toBeGreaterThan(0);
      expect(handoffs.every((h) => h.status === 'pending')).toBe(true);
    });

    it('marks the SLA met when the rep logs the touch before it is due; what is no touch leaves it pending', async () => {
      expect(handoffs.length).toBeGreaterThanOrEqual(3);
      const [first, second, untouched] = handoffs as [SlaHandoff, SlaHandoff, SlaHandoff];
      for (const h of [first, second, untouched]) {
        expect(h.status).toBe('pending');
        expect(Date.parse(h.firstTouchDueAt)).toBeGreaterThan(side.sandboxNow() + MINUTE);
      }
      await side.logTouch(await crmIdOf(first.personId), 0);
      await side.logTouch(await crmIdOf(second.personId), 1);
      await side.logNonTouch(await crmIdOf(untouched.personId));
      const touchedAt = side.sandboxNow();
      now = touchedAt + 1_000;
      await runtime.enqueue.sync({ workspaceId: installation.workspaceId, installationId: installation.id, stream: side.stream, then: [] });
      const drained = await runtime.inProcess!.runUntilIdle();
      expect(drained.failed).toEqual([]);

      for (const h of [first, second]) {
        const after = await handoff(h);
        expect(after).toMatchObject({ status: 'met' });
        expect(after.firstTouchedAt).not.toBeNull();
        expect(Math.abs(Date.parse(after.firstTouchedAt!) - touchedAt)).toBeLessThan(5_000);
        expect(await side.slaStatus(await crmIdOf(h.personId))).toBe('met');
      }
      expect(await handoff(untouched)).toMatchObject({ status: 'pending', firstTouchedAt: null });
      expect(await side.slaStatus(await crmIdOf(untouched.personId))).toBe('pending');
    }, 120_000);
  },
);
