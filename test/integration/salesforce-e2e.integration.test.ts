import './support/native-pglite';
import { Connection } from 'jsforce';
import { describeSeed, integrationUserCredentials, startSalesforceSandbox, type SalesforceSandbox } from '../../sandboxes/salesforce';
import { ensureInstallations } from '../../src/app/bootstrap';
import { startFirstSync } from '../../src/app/first-sync';
import type { Runtime } from '../../src/app/runtime';
import type { DrainResult } from '../../src/queue/in-process-queue.driver';
import type { Installation } from '../../src/store';
import { sandboxAligned } from './support/sync-harness';
import { closeTestRuntime, openTestRuntime, uniqueRun } from './support/test-runtime';

/**
 * The Salesforce slice end to end: a sandbox org of 1,000 leads and 1,000 contacts over loopback, the
 * real jsforce, every job run in process through runJob (the in-process queue driver), the shared
 * rate limiter on Redis, the store, and what lands back in the org for hand-picked people of each
 * kind; then an unchanged re-sync, per-record failures and a spent API budget.
 */
const LEADS = 1000;
const CONTACTS = 1000;
const RUN = `${process.pid}-${Date.now()}`;

interface PersonFields extends Record<string, unknown> {
  Id: string;
  Leadstage_Stage__c: string | null;
  Leadstage_Priority__c: string | null;
  Leadstage_Reasons__c: string | null;
  Leadstage_Score__c: number | null;
  Leadstage_SLA_Due__c: string | null;
  Status?: string;
  OwnerId: string;
}

describe(`Salesforce end to end (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let org: SalesforceSandbox;
  let runtime: Runtime;
  let drained: DrainResult;
  let installation: Installation;
  let conn: Connection;
  const seed = describeSeed({ leads: LEADS, contacts: CONTACTS });
  const first = (kind: keyof typeof seed.kinds) => {
    const id = seed.kinds[kind][0];
    if (!id) throw new Error(`the seed has no ${kind} record`);
    return id;
  };

  const sync = async () => {
    await runtime.enqueue.sync({ workspaceId: installation.workspaceId, installationId: installation.id, stream: 'leads', then: ['contacts', 'opportunities', 'accounts', 'campaign_members', 'tasks'] });
    return runtime.inProcess!.runUntilIdle();
  };
  const writeCalls = () => {
    const stats = org.stats();
    return Object.entries(stats.composite.byOperation).reduce((n, [, op]) => n + op.requests, 0);
  };

  beforeAll(async () => {
    org = await startSalesforceSandbox({ port: 0, leads: LEADS, contacts: CONTACTS });
    runtime = await openTestRuntime(uniqueRun('sf-e2e'), { clock: sandboxAligned(org.clock.now()), queueDriver: 'in-process' });
    [installation] = (await ensureInstallations(runtime.store, runtime.box, 'SF E2E company', 'config/rulebook.default.yaml', [
      {
        provider: 'salesforce',
        externalAccountId: `${org.orgId}-${RUN}`,
        displayName: 'E2E org',
        credentials: integrationUserCredentials(org),
      },
    ])) as [Installation];
    await startFirstSync(runtime, installation);
    drained = await runtime.inProcess!.runUntilIdle();
    conn = new Connection({ instanceUrl: org.instanceUrl, accessToken: org.issueTokens().accessToken, version: org.apiVersion });
  }, 300_000);

  afterAll(async () => {
    await closeTestRuntime(runtime);
    await org?.close();
  });

  const FIELDS = 'Id, OwnerId, Leadstage_Stage__c, Leadstage_Priority__c, Leadstage_Reasons__c, Leadstage_Score__c, Leadstage_SLA_Due__c';
  const lead = async (id: string) => (await conn.query<PersonFields>(`SELECT ${FIELDS}, Status FROM Lead WHERE Id = '${id}'`)).records[0]!;
  const contact = async (id: string) => (await conn.query<PersonFields>(`SELECT ${FIELDS} FROM Contact WHERE Id = '${id}'`)).records[0]!;
  const tasksOf = async (whoId: string) =>
    (await conn.query<{ Id: string; OwnerId: string; Priority: string; TaskSubtype: string; Subject: string; ReminderDateTime: string }>(
      `SELECT Id, OwnerId, Priority, TaskSubtype, Subject, ReminderDateTime FROM Task WHERE WhoId = '${whoId}' AND Leadstage_Key__c != null`,
    )).records;

  it('scores and writes back every open lead and contact, with nothing left in the outbox', async () => {
    expect(drained.failed).toEqual([]);
    expect(await runtime.store.outbox.outboxBacklog(installation.id)).toMatchObject({ pending: 0 });
    expect(await runtime.store.outbox.listRecordErrors(installation.id)).toEqual([]);
    // setup granted its own fields to the connected user (permission set): nothing for an admin to do
    expect(await runtime.store.problems.list(installation.workspaceId, installation.id)).toEqual([]);
    for (const soql of ['SELECT Id FROM Lead WHERE IsConverted = false AND Leadstage_Stage__c = null', 'SELECT Id FROM Contact WHERE Leadstage_Stage__c = null']) {
      expect((await conn.query(soql)).totalSize).toBe(0);
    }
    const composite = org.stats().composite.byOperation;
    // every collection call within Salesforce's limit of 200 records
    for (const op of Object.values(composite)) expect(op.records).toBeLessThanOrEqual(op.requests * 200);
  });

  it.each([
    ['personalEmail', /personal email address/],
    ['competitor', /works at a competitor/],
    ['countryNotServed', /outside served region/],
  ] as const)('disqualifies the %s lead with its reason', async (kind, reason) => {
    const fields = await lead(first(kind));
    expect(fields.Leadstage_Stage__c).toBe('disqualified');
    expect(fields.Leadstage_Reasons__c).toMatch(reason);
  });

  it('puts the non-target-industry lead in tier-2 nurture', async () => {
    const fields = await lead(first('nonTargetIndustry'));
    expect(fields.Leadstage_Stage__c).toBe('nurture');
    expect(fields.Leadstage_Reasons__c).toMatch(/industry outside target/);
  });

  it('makes the webinar-heavy persona SQL by engagement', async () => {
    const fields = await lead(first('webinarHeavy'));
    expect(fields.Leadstage_Stage__c).toBe('sql');
    expect(fields.Leadstage_Reasons__c).toMatch(/webinar/i);
    expect(await tasksOf(first('webinarHeavy'))).toHaveLength(1);
  });

  it('makes the persona lead at a target company an MQL', async () => {
    expect((await lead(first('mqlPersona'))).Leadstage_Stage__c).toBe('mql');
  });

  it('fast-tracks the demo request to SQL with one high-priority call Task for its owner, due on the SLA', async () => {
    const id = first('demoRequest');
    const fields = await lead(id);
    expect(fields.Leadstage_Stage__c).toBe('sql');
    expect(fields.Status).toBe('Working - Contacted');
    const tasks = await tasksOf(id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ OwnerId: fields.OwnerId, TaskSubtype: 'Call' });
    expect(Date.parse(tasks[0]!.ReminderDateTime)).toBe(Date.parse(fields.Leadstage_SLA_Due__c!));
  });

  it('leaves a queue-owned hot lead in its queue (no write re-runs assignment rules); its Task names the queue', async () => {
    const id = first('queueHotLead');
    const fields = await lead(id);
    expect(fields.Leadstage_Stage__c).toBe('sql');
    expect(fields.OwnerId.startsWith('00G')).toBe(true);
    const tasks = await tasksOf(id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.OwnerId).toBe(org.userId);
    expect(org.stats().writes.autoAssigned).toBe(0);
  });

  it('keeps a converted lead one person with its history: stage on the contact, opportunity from the deal', async () => {
    const record = seed.records.find((r) => r.kind === 'convertedOpportunity')!;
    const fields = await contact(record.contactId!);
    expect(fields.Leadstage_Stage__c).toBe('opportunity');
    const person = await runtime.store.people.findByIdentity(installation.id, 'contact', record.contactId!);
    expect(person).not.toBeNull();
    expect(await runtime.store.people.findByIdentity(installation.id, 'lead', record.leadId!)).toBe(person);
    const identities = await runtime.store.people.listIdentities(installation.workspaceId, person!, { includeRetired: true });
    expect(identities.map((i) => `${i.objectType}:${i.retiredReason ?? 'live'}`).sort()).toEqual(['contact:live', 'lead:converted']);
  });

  it('makes the contact on a won opportunity a customer', async () => {
    expect((await contact(first('customer'))).Leadstage_Stage__c).toBe('customer');
  });

  it('never writes to a merged or deleted lead; a merged lead with history joins its survivor', async () => {
    const merged = seed.records.find((r) => r.kind === 'mergedLead')!;
    const loser = await runtime.store.people.findByIdentity(installation.id, 'lead', merged.id);
    const survivor = await runtime.store.people.findByIdentity(installation.id, 'lead', merged.masterRecordId!);
    expect(survivor).not.toBeNull();
    if (loser) {
      expect(loser).toBe(survivor);
      const identities = await runtime.store.people.listIdentities(installation.workspaceId, survivor!, { includeRetired: true });
      expect(identities.find((i) => i.crmId === merged.id)?.retiredReason).toBe('merged');
    }
    const deleted = await runtime.store.people.findByIdentity(installation.id, 'lead', first('deletedLead'));
    if (deleted) expect(await runtime.store.people.listIdentities(installation.workspaceId, deleted)).toEqual([]);
    const written = org.stats().writes.byObject;
    expect(written).toBeDefined();
  });

  it('re-syncs an unchanged org with reads only and no writes', async () => {
    const before = writeCalls();
    const tasksBefore = (await conn.query('SELECT Id FROM Task WHERE Leadstage_Key__c != null')).totalSize;
    expect((await sync()).failed).toEqual([]);
    expect(writeCalls()).toBe(before);
    expect((await conn.query('SELECT Id FROM Task WHERE Leadstage_Key__c != null')).totalSize).toBe(tasksBefore);
  });

  it('loses nothing to per-record failures or a spent API budget', async () => {
    const id = first('mqlPersona');
    const person = (await runtime.store.people.findByIdentity(installation.id, 'lead', id))!;
    // a rep logs a call: the lead changes in Salesforce, so it is pulled and scored again
    await conn.sobject('Task').create({ WhoId: id, Subject: 'Call', TaskSubtype: 'Call', Status: 'Completed', ActivityDate: '2026-11-27' });
    org.faults.set({ recordFailIds: [id] });
    await sync();
    const errors = await runtime.store.outbox.listRecordErrors(installation.id);
    expect(errors.some((e) => e.crmId === id && e.code === 'FIELD_CUSTOM_VALIDATION_EXCEPTION')).toBe(true);
    expect(errors.every((e) => e.personId === null || e.personId === person)).toBe(true);

    // the org's daily budget is spent: the pull waits (delayed, not failed) and nothing is lost;
    // once the budget frees, the waiting job picks up the rep's new call
    const hot = first('webinarHeavy');
    await conn.sobject('Task').create({ WhoId: hot, Subject: 'Call', TaskSubtype: 'Call', Status: 'Completed', ActivityDate: '2026-11-27' });
    org.faults.set({ recordFailIds: [], limitExceeded: true });
    await runtime.enqueue.sync({ workspaceId: installation.workspaceId, installationId: installation.id, stream: 'tasks', then: [] });
    // the budget frees an hour later, beyond this drain's horizon: the job stays delayed, not failed
    const waiting = await runtime.inProcess!.drain({ horizonMs: 60_000 });
    expect(waiting).toMatchObject({ delayed: 1, failed: [], pending: 1 });
    const [delayed] = runtime.inProcess!.list('delayed');
    expect(delayed).toMatchObject({ queue: 'sync', attemptsMade: 0 });
    expect(runtime.inProcess!.failed.filter((job) => job.queue === 'sync')).toEqual([]);
    const hotPerson = (await runtime.store.people.findByIdentity(installation.id, 'lead', hot))!;
    const eventsBefore = (await runtime.store.state.loadPersonForScoring(installation.workspaceId, hotPerson))!.events.length;

    org.faults.set({ limitExceeded: false });
    await runtime.limiter.resume(installation.id);
    runtime.inProcess!.promote(delayed!.id);
    await runtime.inProcess!.runUntilIdle();
    const eventsAfter = (await runtime.store.state.loadPersonForScoring(installation.workspaceId, hotPerson))!.events.length;
    expect(eventsAfter).toBe(eventsBefore + 1);
  });
});
