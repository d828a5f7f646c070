/**
 * The HubSpot connector against the sandbox over loopback: schema creation (twice: the second run
 * writes nothing), the full contact pass page by page with company firmographics and deal counts,
 * the switch to incremental search, and a later change (moved sandbox clock) picked up by it.
 */
import { Client } from '@hubspot/api-client';
import { createHubSpotConnector, LEADSTAGE_PROPERTIES } from '../../connectors/hubspot';
import { startHubSpotSandbox, type HubSpotSandbox, type SeedDescription } from '../../sandboxes/hubspot';
import type { CrmConnector, PulledPerson, StreamCursor } from '../../src/connector/crm-connector';

const HOUR = 3_600_000;

describe('HubSpot connector: schema and contacts', () => {
  let sandbox: HubSpotSandbox;
  let connector: CrmConnector;
  let seed: SeedDescription;

  beforeAll(async () => {
    sandbox = await startHubSpotSandbox({ port: 0, contacts: 300, clock: 'frozen', rateLimit: { searchMax: 10_000, maxPerWindow: 100_000 } });
    connector = createHubSpotConnector({ accessToken: sandbox.token, basePath: sandbox.url });
    seed = sandbox.describeSeed();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const posts = () => Object.entries(sandbox.stats().requests.byEndpoint).filter(([k]) => k.startsWith('POST ')).reduce((n, [, v]) => n + v, 0);

  it('creates the leadstage group and properties once; a second run is a no-op', async () => {
    await connector.ensureSchema();
    const first = sandbox.stats().writes;
    expect(first.propertyGroupsCreated).toBe(1);
    expect(first.propertiesCreated).toBe(LEADSTAGE_PROPERTIES.length);
    const stage = sandbox.store.contactProperties.get('leadstage_stage')!;
    expect(stage.groupName).toBe('leadstage');
    expect(stage.options.map((o) => o.value)).toContain('disqualified');
    expect(sandbox.store.contactProperties.get('leadstage_sla_due')!.type).toBe('datetime');
    expect(sandbox.store.contactProperties.get('leadstage_priority')!.options.map((o) => o.value)).toEqual(['hot', 'warm', 'cold']);

    const postsBefore = posts();
    await connector.ensureSchema();
    expect(posts()).toBe(postsBefore);
    expect(sandbox.stats().writes.propertiesCreated).toBe(LEADSTAGE_PROPERTIES.length);
  });

  it('tolerates 409 when another worker creates the group and a property between the read and the create', async () => {
    const other = await startHubSpotSandbox({ port: 0, contacts: 0, clock: 'frozen' });
    try {
      const rival = new Client({ accessToken: other.token, basePath: other.url });
      let calls = 0;
      const racing = createHubSpotConnector({
        accessToken: other.token,
        basePath: other.url,
        // The limiter runs before each request: after our two reads, the rival creates first.
        fetchLimiter: async () => {
          calls += 1;
          if (calls !== 3) return;
          await rival.crm.properties.groupsApi.create('contacts', { name: 'leadstage', label: 'Leadstage' });
          await rival.crm.properties.coreApi.create('contacts', {
            name: 'leadstage_score', label: 'Leadstage score', type: 'number' as never, fieldType: 'number' as never, groupName: 'leadstage',
          });
        },
      });
      await racing.ensureSchema();
      expect(other.stats().requests.byStatus['409']).toBe(2);
      for (const property of LEADSTAGE_PROPERTIES) expect(other.store.contactProperties.has(property.name)).toBe(true);
    } finally {
      await other.close();
    }
  });

  describe('pull contacts', () => {
    const people = new Map<string, PulledPerson>();
    let lastCursor: StreamCursor | null = null;

    it('pages the full pass, then switches to incremental and reports caught up', async () => {
      sandbox.resetStats();
      const now = sandbox.clock.now();
      let cursor: StreamCursor | null = null;
      let pages = 0;
      for (;;) {
        const page = await connector.pull('contacts', cursor, { now });
        pages += 1;
        for (const p of page.people) people.set(p.crmId, p);
        expect(page.next).not.toBeNull();
        cursor = page.next;
        if (cursor!.phase === 'incremental') {
          expect(page.more).toBe(false); // the pass ends at now: nothing to pull right away
          break;
        }
        expect(page.more).toBeUndefined();
        expect(cursor!.phase).toBe('full');
      }
      expect(pages).toBe(3);
      expect(people.size).toBe(300);
      // one companies and at most one deals batch read per page, never one call per contact
      const byEndpoint = sandbox.stats().requests.byEndpoint;
      expect(byEndpoint['GET /crm/v3/objects/contacts']).toBe(3);
      expect(byEndpoint['POST /crm/v3/objects/companies/batch/read']).toBe(3);
      expect(byEndpoint['POST /crm/v3/objects/deals/batch/read'] ?? 0).toBeLessThanOrEqual(3);
      expect(cursor).toMatchObject({ phase: 'incremental', since: now });

      const caughtUp = await connector.pull('contacts', cursor, { now });
      expect(caughtUp).toEqual({ people: [], events: [], next: null });
      lastCursor = cursor;
    });

    it('maps people: firmographics from the company, ISO countries, stages, deals, writable values', () => {
      const demo = people.get(seed.kinds.demoRequester[0]!)!;
      expect(demo.objectType).toBe('contact');
      expect(demo.person.email).toMatch(/@/);
      expect(demo.person.country).toBe('US');
      expect(demo.person.ipCountry).toBe('US');
      expect(demo.person.employees).toBeGreaterThanOrEqual(100);
      expect(typeof demo.person.annualRevenue).toBe('number');
      expect(demo.person.industry).toMatch(/^[A-Z][A-Za-z &]+$/); // HubSpot's label, not OIL_ENERGY
      expect(demo.person.crmStage).toBe('lead');
      expect(demo.person.phone).toMatch(/^\+1 /);
      expect(demo.person.deals).toEqual({ open: 0, won: 0 });
      expect(demo.writableValues).toHaveProperty('lifecyclestage', 'lead');
      expect(demo.writableValues).toHaveProperty('leadstage_score', null);
      expect(Date.parse(demo.modifiedAt)).not.toBeNaN();

      const customer = people.get(seed.kinds.customerClosedWon[0]!)!;
      expect(customer.person.crmStage).toBe('customer');
      // the won deal's amount (the sandbox seeds 15,000 to 200,000) is the revenue ROI uses
      expect(customer.person.deals).toEqual({ open: 0, won: 1, wonAmount: expect.any(Number) });
      expect(customer.person.deals!.wonAmount).toBeGreaterThanOrEqual(15_000);
      const open = people.get(seed.kinds.openDeal[0]!)!;
      expect(open.person.crmStage).toBe('opportunity');
      expect(open.person.deals).toEqual({ open: 1, won: 0 });

      const nonUs = people.get(seed.kinds.nonUs[0]!)!;
      expect(['DE', 'GB', 'IN', 'BR', 'FR']).toContain(nonUs.person.country);
      expect(nonUs.person.ipCountry).toBe(nonUs.person.country);
      // where they came from, for cost and ROI: the source's label, and its drill-down as the campaign where there is one
      const sources = [...people.values()].map((p) => p.person.source);
      expect(new Set(sources)).toEqual(new Set(['Organic Search', 'Direct Traffic', 'Paid Search', 'Organic Social', 'Email Marketing', 'Referrals']));
      const paid = [...people.values()].filter((p) => p.person.source === 'Paid Search');
      expect(new Set(paid.map((p) => p.person.campaign))).toEqual(new Set(['winter-maintenance-2026', 'reliability-software']));
      expect([...people.values()].filter((p) => p.person.source === 'Direct Traffic').every((p) => p.person.campaign === null)).toBe(true);
      const gmail = people.get(seed.kinds.personalEmail[0]!)!;
      expect(gmail.person.employees ?? null).toBeNull(); // not associated to a company
      const small = people.get(seed.kinds.smallCompany[0]!)!;
      expect(small.person.employees).toBeLessThan(100);
    });

    it('picks up a later change through incremental search, with the window ending at the injected now', async () => {
      const id = seed.kinds.dormant[0]!;
      sandbox.clock.advance(2 * HOUR);
      const client = new Client({ accessToken: sandbox.token, basePath: sandbox.url });
      await client.crm.contacts.batchApi.update({ inputs: [{ id, properties: { jobtitle: 'Chief Reliability Officer' } }] });
      const changedAt = sandbox.clock.now();
      sandbox.clock.advance(HOUR);

      // A sync whose injected now is before the change does not see it yet.
      const early = await connector.pull('contacts', lastCursor, { now: changedAt - 1 });
      expect(early.people.map((p) => p.crmId)).not.toContain(id);

      const now = sandbox.clock.now();
      let cursor: StreamCursor | null = lastCursor;
      const seen: PulledPerson[] = [];
      for (let i = 0; i < 10; i++) {
        const page = await connector.pull('contacts', cursor, { now });
        seen.push(...page.people);
        if (page.next === null) break;
        cursor = page.next;
      }
      expect(seen.map((p) => p.crmId)).toEqual([id]);
      expect(seen[0]!.person.title).toBe('Chief Reliability Officer');
      expect(seen[0]!.modifiedAt).toBe(new Date(changedAt).toISOString());
      expect(cursor).toMatchObject({ phase: 'incremental', since: now });
      lastCursor = cursor;
    });

    it('reports the contacts merged into a pulled contact as removed into it (hs_merged_object_ids)', async () => {
      const survivor = seed.kinds.openDeal[0]!;
      const loser = seed.kinds.nonUs[0]!;
      sandbox.clock.advance(HOUR);
      // HubSpot keeps the merged ids on the survivor (read-only there, so set in the sandbox's store) and lists only the survivor
      sandbox.store.collection('contacts').get(survivor)!.properties.hs_merged_object_ids = `${loser};${survivor}`;
      const client = new Client({ accessToken: sandbox.token, basePath: sandbox.url });
      await client.crm.contacts.batchApi.update({ inputs: [{ id: survivor, properties: { jobtitle: 'Head of Merged Records' } }] });
      sandbox.clock.advance(HOUR);
      const page = await connector.pull('contacts', lastCursor, { now: sandbox.clock.now() });
      expect(page.people.map((p) => p.crmId)).toEqual([survivor]);
      expect(page.removed).toEqual([{ crmId: loser, objectType: 'contact', mergedInto: { crmId: survivor, objectType: 'contact' } }]);
    });
  });
});
