/**
 * The Salesforce streams against the sandbox over loopback, through the real transport
 * (createSalesforceApi on jsforce): every stream pulled to the end page by page, the seeded showcase
 * people mapped as the rulebook needs them, a converted lead coming back as one contact with
 * `formerly`, merged and deleted leads seen through queryAll, campaign members and rep tasks as
 * events, a later change picked up incrementally, and the Bulk API 2.0 first load agreeing with REST.
 */
import { salesforceMappings } from '../../connectors/salesforce/mapping';
import { createSalesforceApi, type SalesforceApiHandle } from '../../connectors/salesforce/salesforce-api';
import { startSalesforceSandbox, type SalesforceSandbox, type SeedDescription } from '../../sandboxes/salesforce';
import { pullStream, SALESFORCE_STREAMS, type SalesforceStreamOptions } from '../../connectors/salesforce/streams';
import type { PulledEvent, PulledPerson, PullPage, RemovedRecord, StreamCursor } from '../../src/connector/crm-connector';

const HOUR = 3_600_000;
const mappings = salesforceMappings();

interface Drained {
  pages: PullPage[];
  cursor: StreamCursor | null;
  people: PulledPerson[];
  events: PulledEvent[];
  removed: RemovedRecord[];
}

async function drain(api: SalesforceApiHandle, stream: string, cursor: StreamCursor | null, now: number, options: SalesforceStreamOptions): Promise<Drained> {
  const pages: PullPage[] = [];
  let next = cursor;
  for (let i = 0; i < 200; i++) {
    const page = await pullStream(api, mappings, stream, next, { now }, options);
    pages.push(page);
    if (page.next) next = page.next;
    if (!(page.more ?? page.next !== null)) break;
  }
  return {
    pages, cursor: next, people: pages.flatMap((p) => p.people), events: pages.flatMap((p) => p.events), removed: pages.flatMap((p) => p.removed ?? []),
  };
}

function connect(sandbox: SalesforceSandbox): SalesforceApiHandle {
  return createSalesforceApi({
    installationId: 'inst-sf-pull', instanceUrl: sandbox.instanceUrl, loginUrl: sandbox.loginUrl, version: sandbox.apiVersion,
    clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, accessToken: sandbox.accessToken, refreshToken: sandbox.refreshToken,
    clock: () => sandbox.clock.now(),
  });
}

describe('Salesforce streams against the sandbox', () => {
  let sandbox: SalesforceSandbox;
  let api: SalesforceApiHandle;
  let seed: SeedDescription;
  let now: number;
  const runs = new Map<string, Drained>();
  // REST pages of 200 (the smallest batchSize Salesforce honours), so paging by nextRecordsUrl is exercised
  const rest: SalesforceStreamOptions = { bulkThreshold: Infinity, batchSize: 200 };

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox({ port: 0, leads: 400, contacts: 300, clock: 'frozen', withLeadstageFields: true });
    api = connect(sandbox);
    seed = sandbox.describeSeed();
    now = sandbox.clock.now();
    // activities Salesforce archived (over a year old in a real org): only queryAll returns them
    const old = [...sandbox.store.rows('Task', { includeDeleted: false })]
      .filter((t) => t.IsClosed === true && t.WhoId !== null && String(t.ActivityDate) < new Date(now - 60 * 24 * HOUR).toISOString().slice(0, 10));
    archived.push(...old.map((t) => String(t.Id)));
    expect(sandbox.archiveActivities({ ids: archived })).toBe(archived.length);
    for (const stream of SALESFORCE_STREAMS) runs.set(stream, await drain(api, stream, null, now, rest));
  });
  const archived: string[] = [];
  afterAll(async () => {
    await sandbox?.close();
  });

  const run = (stream: string) => runs.get(stream)!;
  const personOf = (stream: string, crmId: string) => run(stream).people.find((p) => p.crmId === crmId);
  const eventsOf = (crmId: string) => [...run('campaign_members').events, ...run('tasks').events].filter((e) => 'crmId' in e.who && e.who.crmId === crmId);

  it('pulls every stream to the end, page by page, and ends caught up at now', () => {
    const leads = run('leads');
    expect(leads.pages.length).toBeGreaterThan(1);
    for (const stream of SALESFORCE_STREAMS) {
      const last = run(stream).pages.at(-1)!;
      expect(last.more).toBe(false);
      expect(run(stream).cursor).toMatchObject({ phase: 'incremental', until: null, nextRecordsUrl: null, caughtUpAt: new Date(now).toISOString() });
    }
    // every lead is accounted for once: a person, a converted lead's contact (`formerly`), or removed
    const leadPeople = leads.people.filter((p) => p.objectType === 'lead').map((p) => p.crmId);
    const formerly = leads.people.flatMap((p) => p.formerly ?? []).map((f) => f.crmId);
    const removed = leads.removed.map((r) => r.crmId);
    const all = [...leadPeople, ...formerly, ...removed];
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(seed.leads);
    expect(run('contacts').people.length + run('contacts').removed.length).toBeGreaterThanOrEqual(seed.contacts);
  });

  it('caught up: pulling again at the same now sends nothing', async () => {
    const before = sandbox.stats().requests.total;
    for (const stream of SALESFORCE_STREAMS) {
      expect(await pullStream(api, mappings, stream, run(stream).cursor, { now }, rest)).toEqual({ people: [], events: [], next: null, more: false });
    }
    expect(sandbox.stats().requests.total).toBe(before);
  });

  it('maps the demo-request lead as the rulebook needs it, with its fast-track event', () => {
    const id = seed.kinds.demoRequest[0]!;
    const lead = personOf('leads', id)!;
    expect(lead.objectType).toBe('lead');
    expect(lead.person).toMatchObject({ country: 'US', leadStatus: 'NEW', email: expect.stringMatching(/^[a-z0-9._%+-]+@[a-z0-9.-]+$/) });
    expect(lead.person.employees).toBeGreaterThanOrEqual(100);
    expect(lead.person.title).toBeTruthy();
    expect(lead.writableValues).toMatchObject({ Status: 'Open - Not Contacted', Leadstage_Stage__c: null });
    // the Lead Source picklist is the person's source (cost and ROI by source)
    expect(lead.person.source).toEqual(expect.any(String));
    expect(new Set(run('leads').people.map((p) => p.person.source)).size).toBeGreaterThan(2);
    expect(eventsOf(id).map((e) => e.event.type)).toContain('demo_request');
    const demo = eventsOf(id).find((e) => e.event.type === 'demo_request')!;
    expect(demo.event).toMatchObject({ source: 'salesforce', properties: { assetTitle: 'Website - Demo request' } });
    expect(Date.parse(demo.event.occurredAt)).toBeGreaterThan(now - 4 * 24 * HOUR);
  });

  it('maps live content and rep touches of the webinar-heavy lead', () => {
    const id = seed.kinds.webinarHeavy[0]!;
    const types = eventsOf(id).map((e) => e.event.type);
    expect(types.filter((t) => t === 'webinar_attended').length).toBeGreaterThanOrEqual(3);
    expect(types).toContain('event_attended');
    expect(types.some((t) => t === 'sales_call' || t === 'sales_email')).toBe(true);
    expect(personOf('leads', id)!.person.leadStatus).toBe('IN_PROGRESS');
  });

  it('keeps a queue owner and a lead outside the served region as they are', () => {
    expect(personOf('leads', seed.kinds.queueHotLead[0]!)!.person.ownerId).toMatch(/^00G/);
    expect(personOf('leads', seed.kinds.countryNotServed[0]!)!.person.country).toMatch(/^(DE|GB|IN|BR|FR)$/);
  });

  it('reads rep tasks Salesforce archived through queryAll, as for people', () => {
    expect(archived.length).toBeGreaterThan(10);
    const ids = new Set(run('tasks').events.map((e) => e.event.id));
    // completed calls and emails are touches whatever their age; archived ones too
    expect(archived.filter((id) => ids.has(`sf-task-${id}`)).length).toBeGreaterThan(archived.length / 2);
  });

  it('sees merged and deleted leads through queryAll', () => {
    const merged = seed.records.find((r) => r.kind === 'mergedLead')!;
    expect(run('leads').removed).toContainEqual({ crmId: merged.id, objectType: 'lead', mergedInto: { crmId: merged.masterRecordId!, objectType: 'lead' } });
    expect(run('leads').removed).toContainEqual({ crmId: seed.kinds.deletedLead[0]!, objectType: 'lead' });
    expect(personOf('leads', merged.id)).toBeUndefined();
  });

  it('brings a converted lead back as one contact with `formerly`, with its open opportunity', () => {
    const converted = seed.records.find((r) => r.kind === 'convertedOpportunity')!;
    const fromLeads = run('leads').people.filter((p) => p.crmId === converted.contactId || p.crmId === converted.leadId);
    expect(fromLeads).toHaveLength(1);
    expect(fromLeads[0]).toMatchObject({
      crmId: converted.contactId, objectType: 'contact', formerly: [{ crmId: converted.leadId, objectType: 'lead' }],
      person: { crmStage: 'opportunity' },
    });
    expect(fromLeads[0]!.person.deals!.open).toBeGreaterThanOrEqual(1);
    // conversion moves the lead's memberships (LeadId and ContactId both set) and tasks to the contact:
    // its demo request names the contact (an event naming the lead would reach it through `formerly`)
    expect(eventsOf(converted.contactId!).map((e) => e.event.type)).toEqual(expect.arrayContaining(['demo_request', 'webinar_attended']));
    expect(personOf('contacts', converted.contactId!)!.person.company).toBeTruthy();
  });

  it('counts a won opportunity for the customer contact', () => {
    const customer = personOf('contacts', seed.kinds.customer[0]!)!;
    expect(customer.person).toMatchObject({ crmStage: 'customer' });
    expect(customer.person.deals!.won).toBeGreaterThanOrEqual(1);
    // the won opportunities' Amount, through the contact roles: the revenue ROI uses
    expect(customer.person.deals!.wonAmount).toBeGreaterThan(0);
    expect(customer.person.industry).toBeTruthy();
    expect(customer.person.employees).toBeGreaterThan(0);
  });

  it('picks up a later change incrementally, and an opportunity change re-emits its contact', async () => {
    const leadId = seed.kinds.mqlPersona[0]!;
    const customer = seed.records.find((r) => r.kind === 'customer')!;
    sandbox.clock.advance(HOUR);
    const later = sandbox.clock.now();
    const saved = await api.updateRecords([
      { type: 'Lead', id: leadId, fields: { Title: 'VP Reliability Engineering' } },
    ]);
    expect(saved[0]!.success).toBe(true);
    await api.updateRecords([{ type: 'Opportunity', id: customer.opportunityId!, fields: { Description: 'renewal discussed' } }]);
    sandbox.clock.advance(60_000);
    const next = sandbox.clock.now();

    const leads = await drain(api, 'leads', run('leads').cursor, next, rest);
    const changed = leads.people.find((p) => p.crmId === leadId)!;
    expect(changed.person.title).toBe('VP Reliability Engineering');
    expect(Date.parse(changed.modifiedAt)).toBe(later);
    // the rest was re-read from the overlap (records committed late): modified in the 5 minutes before the last window's end
    for (const other of leads.people.filter((p) => p !== changed)) expect(Date.parse(other.modifiedAt)).toBeGreaterThan(now - 5 * 60_000 - 1);
    const opportunities = await drain(api, 'opportunities', run('opportunities').cursor, next, rest);
    expect(opportunities.people.map((p) => p.crmId)).toContain(customer.contactId);
  });
});

describe('Salesforce first loads: Bulk API 2.0, and a REST pass outliving its query locator', () => {
  let sandbox: SalesforceSandbox;
  let api: SalesforceApiHandle;

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox({ port: 0, leads: 250, contacts: 120, clock: 'frozen', withLeadstageFields: true });
    api = connect(sandbox);
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('reads the same people as the REST pass, then continues incrementally from the job’s `until`', async () => {
    const now = sandbox.clock.now();
    for (const stream of ['leads', 'contacts']) {
      const bulk = await drain(api, stream, null, now, { bulkThreshold: 50, bulkPageSize: 100, sleep: async () => {} });
      const viaRest = await drain(api, stream, null, now, { bulkThreshold: Infinity });
      expect(bulk.pages[0]!.next).toMatchObject({ phase: 'bulk', until: new Date(now).toISOString() });
      const key = (p: PulledPerson) => `${p.objectType}:${p.crmId}`;
      expect(bulk.people.map(key).sort()).toEqual(viaRest.people.map(key).sort());
      expect(bulk.removed.map((r) => r.crmId).sort()).toEqual(viaRest.removed.map((r) => r.crmId).sort());
      // the CSV values come out typed like REST's
      const byId = new Map(viaRest.people.map((p) => [key(p), p]));
      for (const p of bulk.people) {
        expect({ key: key(p), person: p.person, formerly: p.formerly ?? [] }).toEqual({ key: key(p), person: byId.get(key(p))!.person, formerly: byId.get(key(p))!.formerly ?? [] });
      }
      expect(bulk.cursor).toEqual({ phase: 'incremental', since: new Date(now).toISOString(), lastId: null, until: null, nextRecordsUrl: null, caughtUpAt: new Date(now).toISOString() });
    }
  });

  it('a Bulk job that takes minutes: bounded pulls polling at a growing interval (injected time), no spin, every record read', async () => {
    // the sandbox's job delay runs on the time the connector's sleeps advance: no real waiting
    let elapsed = 0;
    const slow = await startSalesforceSandbox({
      port: 0, leads: 250, contacts: 20, clock: 'frozen', withLeadstageFields: true, bulkJobDelayMs: 8 * 60_000, monotonic: () => elapsed,
    });
    try {
      const slowApi = connect(slow);
      const now = slow.clock.now();
      const sleep = async (ms: number) => {
        elapsed += ms;
      };
      const bulk = await drain(slowApi, 'leads', null, now, { bulkThreshold: 50, bulkPageSize: 100, sleep });
      const viaRest = await drain(slowApi, 'leads', null, now, { bulkThreshold: Infinity });
      expect(bulk.people.map((p) => p.crmId).sort()).toEqual(viaRest.people.map((p) => p.crmId).sort());
      expect(elapsed).toBeGreaterThanOrEqual(8 * 60_000);
      // each pull waits at most 30 s, then hands the cursor back; the interval grows to 30 s
      const waiting = bulk.pages.filter((p) => p.people.length === 0 && p.more === true);
      expect(waiting.length).toBeGreaterThanOrEqual(15);
      const polls = slow.stats().requests.byEndpoint['GET /services/data/vXX.X/jobs/query/:jobId'];
      expect(polls).toBeLessThanOrEqual(25);
      expect(slow.stats().bulk.jobsCreated).toBe(1);
    } finally {
      await slow.close();
    }
  });

  it('restarts a window exactly from its last record when the stored locator has expired', async () => {
    const now = sandbox.clock.now();
    const options: SalesforceStreamOptions = { bulkThreshold: Infinity, batchSize: 200 };
    const whole = await drain(api, 'leads', null, now, options);
    const first = await pullStream(api, mappings, 'leads', null, { now }, options);
    expect(first.next).toMatchObject({ nextRecordsUrl: expect.stringMatching(/\/queryAll\//), until: new Date(now).toISOString() });
    // the sync stalls for three days: the locator is gone (and the access token too)
    sandbox.clock.advance(3 * 24 * HOUR);
    sandbox.resetStats();
    const rest = await drain(api, 'leads', first.next, now, options);
    expect(sandbox.stats().requests.byEndpoint['GET /services/data/vXX.X/queryAll/:locator']).toBeGreaterThanOrEqual(1);
    expect(sandbox.stats().requests.byStatus['400']).toBe(1);
    const ids = (pages: PullPage[]) => pages.flatMap((p) => [...p.people.map((x) => x.crmId), ...(p.removed ?? []).map((r) => r.crmId)]);
    expect([...ids([first]), ...ids(rest.pages)]).toEqual(ids(whole.pages));
  });
});
