/**
 * The HubSpot connector's write side against the sandbox: the properties a Decision becomes,
 * batch updates with a 207 partial failure (sandbox fault switch, an invalid value, a deleted id),
 * whole-call failures, forward-only lifecyclestage (ignored by default, clear-then-set in two
 * requests when the mapping allows it), write policies, and rep tasks that are created once.
 */
import { createHubSpotConnector, type HubSpotFieldMapping } from '../../connectors/hubspot';
import { startHubSpotSandbox, type HubSpotSandbox, type SeedDescription } from '../../sandboxes/hubspot';
import type { Decision } from '../../src/model/decision';
import type { CrmConnector, CrmTask, CrmWrite } from '../../src/connector/crm-connector';

function decision(overrides: Partial<Decision> = {}): Decision {
  return {
    personId: 'p-1', stage: 'sql', mqlTier: 'tier-1', excluded: null, fit: { score: 55, grade: 'A' }, engagement: { score: 62.5 },
    score: 117.5, priority: 'hot',
    reasons: [{ text: 'requested a demo', points: 40 }, { text: 'viewed pricing (3×)', points: 15 }, { text: 'unsubscribed', points: -10 }],
    missingForHandoff: [], transition: null, rulebookVersion: '2026.11-default-1',
    enteredAt: { mql: '2026-11-20T10:00:00Z', sql: '2026-11-26T09:30:00Z' }, recycledAt: null, history: [], slaStartAt: null,
    ...overrides,
  };
}

const lifecycleBackward: HubSpotFieldMapping = {
  objectType: 'contact', canonicalField: 'stage', crmProperty: 'lifecyclestage', direction: 'write', writePolicy: 'always', allowBackward: true,
};

describe('HubSpot connector: writes and tasks', () => {
  let sandbox: HubSpotSandbox;
  let connector: CrmConnector;
  let seed: SeedDescription;
  const stored = (id: string, name: string) => sandbox.store.contactRecord(sandbox.store.contactIndexOf(id)!).properties[name];

  beforeAll(async () => {
    sandbox = await startHubSpotSandbox({ port: 0, contacts: 300, clock: 'frozen', rateLimit: { searchMax: 10_000, maxPerWindow: 100_000 } });
    connector = createHubSpotConnector({ accessToken: sandbox.token, basePath: sandbox.url });
    seed = sandbox.describeSeed();
    await connector.ensureSchema();
  });
  afterAll(async () => {
    await sandbox.close();
  });
  afterEach(() => sandbox.faults.reset());

  describe('propertiesFor', () => {
    it('writes scores as strings, reasons as lines, dates as ISO and lifecyclestage from the mapping', () => {
      expect(connector.propertiesFor(decision(), { status: 'pending', dueAt: '2026-11-27T12:30:00Z', firstTouchedAt: null, nextStep: 'First call' })).toEqual({
        lifecyclestage: 'salesqualifiedlead',
        leadstage_stage: 'sql',
        leadstage_score: '117.5',
        leadstage_fit_score: '55',
        leadstage_fit_grade: 'A',
        leadstage_engagement_score: '62.5',
        leadstage_priority: 'hot',
        leadstage_reasons: '+40 requested a demo\n+15 viewed pricing (3×)\n-10 unsubscribed',
        leadstage_rulebook_version: '2026.11-default-1',
        leadstage_mql_date: '2026-11-20T10:00:00.000Z',
        leadstage_sql_date: '2026-11-26T09:30:00.000Z',
        leadstage_mql_tier: 'tier-1',
        leadstage_sla_due: '2026-11-27T12:30:00.000Z',
        leadstage_sla_status: 'pending',
        leadstage_sla_next_step: 'First call',
      });
    });

    it('maps lead and mql, never writes CRM-owned stages, leaves detours and (by default) contacts alone', () => {
      expect(connector.propertiesFor(decision({ stage: 'mql' }), null).lifecyclestage).toBe('marketingqualifiedlead');
      expect(connector.propertiesFor(decision({ stage: 'lead' }), null).lifecyclestage).toBe('lead');
      for (const stage of ['contact', 'opportunity', 'customer', 'evangelist', 'nurture', 'disqualified'] as const) {
        const props = connector.propertiesFor(decision({ stage }), null);
        expect(props).not.toHaveProperty('lifecyclestage');
        expect(props.leadstage_stage).toBe(stage);
        expect(props).not.toHaveProperty('hs_lead_status');
        expect(props).not.toHaveProperty('leadstage_sla_due');
      }
    });

    it('writes subscriber and UNQUALIFIED only when the installation mapping says so', () => {
      const custom = createHubSpotConnector({
        accessToken: sandbox.token, basePath: sandbox.url,
        mappings: [
          { ...lifecycleBackward, allowBackward: false, values: { contact: 'subscriber', lead: 'lead', mql: 'marketingqualifiedlead', sql: 'salesqualifiedlead' } },
          { objectType: 'contact', canonicalField: 'leadStatus', crmProperty: 'hs_lead_status', direction: 'both', writePolicy: 'always' },
          { objectType: 'contact', canonicalField: 'reasons', crmProperty: 'leadstage_reasons', direction: 'write', writePolicy: 'never' },
        ],
      });
      expect(custom.propertiesFor(decision({ stage: 'contact' }), null).lifecyclestage).toBe('subscriber');
      const disqualified = custom.propertiesFor(decision({ stage: 'disqualified' }), null);
      expect(disqualified.hs_lead_status).toBe('UNQUALIFIED');
      expect(disqualified).not.toHaveProperty('lifecyclestage');
      expect(disqualified).not.toHaveProperty('leadstage_reasons');
      expect(custom.propertiesFor(decision({ stage: 'customer' }), null)).not.toHaveProperty('lifecyclestage');
    });
  });

  describe('write', () => {
    const write = (crmId: string, properties: Record<string, string>, current: Record<string, string | null> = {}): CrmWrite =>
      ({ crmId, objectType: 'contact', properties, current });

    it('handles a 207: transient and permanent record failures, the rest written, outcomes in input order', async () => {
      const [a, b, c, d] = [seed.kinds.dormant[0]!, seed.kinds.dormant[1]!, seed.kinds.jobSeeker[0]!, seed.kinds.student[0]!];
      sandbox.faults.set({ batchFailIds: [b] });
      const outcomes = await connector.write([
        write(a, { leadstage_score: '12' }),
        write(b, { leadstage_score: '13' }),
        write(c, { leadstage_priority: 'scorching' }),
        write('199999999', { leadstage_score: '1' }),
        write(d, { leadstage_score: '14', leadstage_fit_grade: 'C' }),
      ]);
      expect(outcomes.map((o) => [o.crmId, o.status])).toEqual([[a, 'ok'], [b, 'retry'], [c, 'failed'], ['199999999', 'failed'], [d, 'ok']]);
      expect(outcomes[2]).toMatchObject({ code: 'VALIDATION_ERROR', error: expect.stringContaining('scorching') });
      expect(outcomes[3]).toMatchObject({ code: 'OBJECT_NOT_FOUND' });
      expect(outcomes[1]).toMatchObject({ error: expect.stringContaining('batch/update') });
      expect(stored(a, 'leadstage_score')).toBe('12');
      expect(stored(b, 'leadstage_score')).toBeUndefined();
      expect(stored(d, 'leadstage_fit_grade')).toBe('C');
    });

    it('a mapped property archived in HubSpot: the rest of each contact is written, the property left out, the problem reported once', async () => {
      const auth = { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' };
      const created = await fetch(`${sandbox.url}/crm/v3/properties/contacts`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'custom_priority', label: 'Custom priority', type: 'string', fieldType: 'text', groupName: 'contactinformation' }) });
      expect(created.status).toBe(201);
      const mapped = createHubSpotConnector({
        accessToken: sandbox.token, basePath: sandbox.url,
        mappings: [{ objectType: 'contact', canonicalField: 'priority', crmProperty: 'custom_priority', direction: 'write', writePolicy: 'always' }],
      });
      const [a, b] = ['100251', '100252'];
      // an admin archives it in HubSpot after the mapping was saved
      expect((await fetch(`${sandbox.url}/crm/v3/properties/contacts/custom_priority`, { method: 'DELETE', headers: auth })).status).toBe(204);
      expect((await fetch(`${sandbox.url}/crm/v3/properties/contacts/lifecyclestage`, { method: 'DELETE', headers: auth })).status).toBe(400);
      const before = sandbox.stats().writes.contactBatchUpdateRequests;
      const outcomes = await mapped.write([write(a, { leadstage_score: '31', custom_priority: 'hot' }), write(b, { custom_priority: 'warm' })]);
      expect(outcomes).toEqual([{ crmId: a, status: 'ok', written: { leadstage_score: '31' } }, { crmId: b, status: 'ok', written: {} }]);
      expect(stored(a, 'leadstage_score')).toBe('31');
      expect(sandbox.stats().writes.contactBatchUpdateRequests - before).toBe(2);
      expect(mapped.takeProblems!()).toEqual([expect.objectContaining({
        key: 'property-missing:custom_priority', code: 'FIELD_UNAVAILABLE',
        message: expect.stringContaining('HubSpot no longer has the contact property "custom_priority", which holds Leadstage\'s priority'),
        fix: expect.stringContaining('mapping page'), details: expect.objectContaining({ field: 'custom_priority', mappingPage: true }),
      })]);
      // later writes leave it out: one request, no refusal, no second problem
      const again = sandbox.stats().writes.contactBatchUpdateRequests;
      expect(await mapped.write([write(a, { leadstage_score: '32', custom_priority: 'hot' })])).toEqual([{ crmId: a, status: 'ok', written: { leadstage_score: '32' } }]);
      expect(sandbox.stats().writes.contactBatchUpdateRequests - again).toBe(1);
      expect(mapped.takeProblems!()).toEqual([]);
    });

    it('retries every record when the whole call fails with a 5xx, and chunks at 100', async () => {
      sandbox.faults.set({ errorRate: 1, errorStatus: 503, pathPrefix: '/crm/v3/objects/contacts/batch/update' });
      const failed = await connector.write([write(seed.kinds.dormant[0]!, { leadstage_score: '20' })]);
      expect(failed).toEqual([{ crmId: seed.kinds.dormant[0]!, status: 'retry', error: expect.stringContaining('503') }]);
      sandbox.faults.reset();

      const before = sandbox.stats().writes.contactBatchUpdateRequests;
      const ids = Array.from({ length: 150 }, (_, i) => String(100_001 + i));
      const outcomes = await connector.write(ids.map((id) => write(id, { leadstage_rulebook_version: 'v-chunk' })));
      expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
      expect(outcomes.map((o) => o.crmId)).toEqual(ids);
      expect(sandbox.stats().writes.contactBatchUpdateRequests - before).toBe(2);
      expect(stored(ids[149]!, 'leadstage_rulebook_version')).toBe('v-chunk');
    });

    it('respects write policies against the current values', async () => {
      const id = seed.kinds.nonTargetIndustry[0]!;
      const guarded = createHubSpotConnector({
        accessToken: sandbox.token, basePath: sandbox.url,
        mappings: [{ objectType: 'contact', canonicalField: 'fitGrade', crmProperty: 'leadstage_fit_grade', direction: 'write', writePolicy: 'if_empty' }],
      });
      await guarded.write([write(id, { leadstage_fit_grade: 'B' }, { leadstage_fit_grade: null })]);
      expect(stored(id, 'leadstage_fit_grade')).toBe('B');
      const [outcome] = await guarded.write([write(id, { leadstage_fit_grade: 'D' }, { leadstage_fit_grade: 'B' })]);
      expect(outcome!.status).toBe('ok');
      expect(stored(id, 'leadstage_fit_grade')).toBe('B');
    });

    it('does not move lifecyclestage backward by default, but writes the rest', async () => {
      const id = seed.kinds.webinarAttendee[0]!;
      expect(stored(id, 'lifecyclestage')).toBe('lead');
      await connector.write([write(id, { lifecyclestage: 'salesqualifiedlead' }, { lifecyclestage: 'lead' })]);
      expect(stored(id, 'lifecyclestage')).toBe('salesqualifiedlead');

      const before = sandbox.stats().writes;
      const [outcome] = await connector.write([write(id, { lifecyclestage: 'lead', leadstage_score: '5' }, { lifecyclestage: 'salesqualifiedlead' })]);
      // what HubSpot accepted: the score, not the backward stage (never sent)
      expect(outcome).toEqual({ crmId: id, status: 'ok', written: { leadstage_score: '5' } });
      expect(stored(id, 'lifecyclestage')).toBe('salesqualifiedlead');
      expect(stored(id, 'leadstage_score')).toBe('5');
      const after = sandbox.stats().writes;
      expect(after.contactBatchUpdateRequests - before.contactBatchUpdateRequests).toBe(1);
      expect(after.contactUpdatesIgnored).toBe(before.contactUpdatesIgnored); // never even sent
    });

    it('moves it back with clear-then-set in two separate requests when the mapping allows it', async () => {
      const id = seed.kinds.webinarAttendee[1]!;
      const other = seed.kinds.selfEmployed[0]!;
      const backward = createHubSpotConnector({ accessToken: sandbox.token, basePath: sandbox.url, mappings: [lifecycleBackward] });
      await backward.write([write(id, { lifecyclestage: 'salesqualifiedlead' }, { lifecyclestage: 'lead' })]);
      expect(stored(id, 'lifecyclestage')).toBe('salesqualifiedlead');

      const before = sandbox.stats();
      const outcomes = await backward.write([
        write(id, { lifecyclestage: 'marketingqualifiedlead', leadstage_stage: 'mql' }, { lifecyclestage: 'salesqualifiedlead' }),
        write(other, { leadstage_score: '7' }),
      ]);
      expect(outcomes).toEqual([
        { crmId: id, status: 'ok', written: { lifecyclestage: 'marketingqualifiedlead', leadstage_stage: 'mql' } },
        { crmId: other, status: 'ok', written: { leadstage_score: '7' } },
      ]);
      expect(stored(id, 'lifecyclestage')).toBe('marketingqualifiedlead');
      expect(stored(id, 'leadstage_stage')).toBe('mql');
      expect(stored(other, 'leadstage_score')).toBe('7');
      const after = sandbox.stats();
      expect(after.writes.contactBatchUpdateRequests - before.writes.contactBatchUpdateRequests).toBe(2);
      expect(after.writes.contactUpdatesIgnored).toBe(before.writes.contactUpdatesIgnored);
    });
  });

  describe('createTasks', () => {
    const task = (key: string, crmId: string, overrides: Partial<CrmTask> = {}): CrmTask => ({
      key, crmId, objectType: 'contact', ownerId: '51002', subject: 'Call: requested a demo', body: 'Why: +40 requested a demo',
      dueAt: '2026-11-27T12:30:00Z', priority: 'high', type: 'call', ...overrides,
    });

    it('creates tasks associated with type 204, owned by the owner, and never twice for a key', async () => {
      const [a, b] = seed.kinds.demoRequester as [string, string];
      const tasks = [task('handoff:a:first-touch', a), task('handoff:b:first-touch', b, { ownerId: null, priority: 'low', type: 'email' })];
      const first = await connector.createTasks(tasks);
      expect(first.map((o) => o.status)).toEqual(['ok', 'ok']);
      const ids = first.map((o) => (o.status === 'ok' ? o.crmTaskId : ''));
      const record = sandbox.store.tasks.get(ids[0]!)!;
      expect(record.properties).toMatchObject({
        hubspot_owner_id: '51002', hs_task_status: 'NOT_STARTED', hs_task_priority: 'HIGH', hs_task_type: 'CALL',
        hs_task_subject: 'Call: requested a demo', hs_timestamp: '2026-11-27T12:30:00.000Z',
      });
      expect(record.properties.hs_task_body).toMatch(/\[leadstage:handoff:a:first-touch\]$/);
      expect([...sandbox.store.taskContacts.get(ids[0]!)!]).toEqual([a]);
      expect([...sandbox.store.taskContacts.get(ids[1]!)!]).toEqual([b]);
      expect(sandbox.store.tasks.get(ids[1]!)!.properties).toMatchObject({ hs_task_priority: 'LOW', hs_task_type: 'EMAIL' });
      expect(sandbox.store.tasks.get(ids[1]!)!.properties.hubspot_owner_id).toBeUndefined();

      const created = sandbox.stats().writes.tasksCreated;
      const again = await connector.createTasks([...tasks, task('handoff:a:first-touch', a)]);
      expect(again).toEqual([...first, first[0]]);
      expect(sandbox.stats().writes.tasksCreated).toBe(created);
    });

    it('isolates a task HubSpot refuses; the others in the batch are created', async () => {
      const [a] = seed.kinds.openDeal as [string];
      const outcomes = await connector.createTasks([
        task('cadence:1', a, { dueAt: '2026-11-28T09:00:00Z' }),
        task('cadence:2', a, { dueAt: '2026-11-29T09:00:00Z', ownerId: '99999' }),
        task('cadence:3', a, { dueAt: '2026-11-30T09:00:00Z' }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['ok', 'failed', 'ok']);
      expect(outcomes[1]).toMatchObject({ key: 'cadence:2', code: 'VALIDATION_ERROR', error: expect.stringContaining('owner') });
    });

    it("creates a task unowned when its owner is another CRM's user (a person in both systems), not a refused batch", async () => {
      const [a] = seed.kinds.webinarAttendee as [string];
      const calls = sandbox.stats().requests.byEndpoint['POST /crm/v3/objects/tasks/batch/create'] ?? 0;
      const outcomes = await connector.createTasks([
        task('handoff:sf-owner:first-touch', a, { ownerId: '0058d000030023jAAA' }),
        task('handoff:hs-owner:first-touch', a, { dueAt: '2026-11-27T13:30:00Z' }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok']);
      const ids = outcomes.map((o) => (o.status === 'ok' ? o.crmTaskId : ''));
      expect(sandbox.store.tasks.get(ids[0]!)!.properties.hubspot_owner_id).toBeUndefined();
      expect(sandbox.store.tasks.get(ids[1]!)!.properties.hubspot_owner_id).toBe('51002');
      expect(sandbox.stats().requests.byEndpoint['POST /crm/v3/objects/tasks/batch/create']).toBe(calls + 1);
    });

    it('creates nothing when the duplicate check is rate-limited: the 429 goes to the job, which pauses the installation', async () => {
      sandbox.faults.set({ burst429: 1, burstPolicy: 'SECONDLY' });
      const created = sandbox.stats().writes.tasksCreated;
      await expect(connector.createTasks([task('handoff:c:first-touch', seed.kinds.openDeal[1]!)])).rejects.toMatchObject({ status: 429, policyName: 'SECONDLY' });
      expect(sandbox.stats().writes.tasksCreated).toBe(created);
    });

    it('retries (and creates nothing) when the duplicate check fails for another reason', async () => {
      sandbox.faults.set({ errorRate: 1, errorStatus: 503 });
      const created = sandbox.stats().writes.tasksCreated;
      const [outcome] = await connector.createTasks([task('handoff:d:first-touch', seed.kinds.openDeal[1]!)]);
      sandbox.faults.reset();
      expect(outcome).toMatchObject({ key: 'handoff:d:first-touch', status: 'retry' });
      expect(sandbox.stats().writes.tasksCreated).toBe(created);
    });
  });
});
