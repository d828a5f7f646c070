/**
 * The Salesforce connector's write side against the sandbox (sandboxes/salesforce) over
 * loopback, through the real transport on jsforce, with real Redis for the refresh lock:
 * ensureSchema creates the Leadstage fields (and lists setup steps when it may not), decisions land
 * as field values, per-record failures come back per record, a queue-owned Lead handed to sales gets
 * a user owner from the assignment rule, Tasks are created once however often createTasks runs, an
 * expired access token is refreshed once across two connectors (two processes) sharing a token
 * store and the Redis lock with the rotated refresh token saved, and REQUEST_LIMIT_EXCEEDED and the
 * daily headroom become the quota error the worker delays on.
 */
import { randomUUID } from 'node:crypto';
import { Connection } from 'jsforce';
import { Redis } from 'ioredis';
import { createSalesforceConnector, type SalesforceConnectorOptions } from '../../connectors/salesforce';
import { createRedisRefreshLock } from '../../src/connector/redis-refresh-lock';
import { createInMemoryTokenStore, type SalesforceTokens, type TokenStore } from '../../connectors/salesforce/auth/token-store';
import { createSalesforceApi } from '../../connectors/salesforce/salesforce-api';
import { SalesforceApiError } from '../../connectors/salesforce/salesforce-api-error';
import { startSalesforceSandbox, type Row, type SalesforceSandbox, type SeedDescription } from '../../sandboxes/salesforce';
import type { Decision } from '../../src/model/decision';
import { DailyQuotaExhaustedError } from '../../src/rate-limit/daily-quota-exhausted-error';
import type { CrmConnector, CrmTask, CrmWrite } from '../../src/connector/crm-connector';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const LEADSTAGE_FIELD_COUNT = 15 * 2 + 1;

function decision(overrides: Partial<Decision> = {}): Decision {
  return {
    personId: 'p-1', stage: 'sql', mqlTier: 'tier-1', excluded: null, fit: { score: 55, grade: 'A' }, engagement: { score: 62.5 },
    score: 117.5, priority: 'hot',
    reasons: [{ text: 'requested a demo', points: 40 }, { text: 'viewed pricing (3×)', points: 15 }, { text: 'unsubscribed', points: -10 }],
    missingForHandoff: [], transition: null, rulebookVersion: '2026.11-default-1',
    enteredAt: { mql: '2026-11-20T10:00:00Z', sql: '2026-11-26T09:30:00Z' }, recycledAt: null, history: [], slaStartAt: '2026-11-27T11:45:00Z',
    ...overrides,
  };
}

function task(key: string, crmId: string, overrides: Partial<CrmTask> = {}): CrmTask {
  return {
    key, crmId, objectType: 'lead', ownerId: null, subject: 'First touch: requested a demo', body: 'Why:\n  +40 requested a demo',
    dueAt: '2026-11-27T12:15:00.000Z', priority: 'high', type: 'call', ...overrides,
  };
}

describe('Salesforce connector: writes, tasks, schema, auth and limits (sandbox)', () => {
  let sandbox: SalesforceSandbox;
  let seed: SeedDescription;
  let redis: Redis;
  const prefix = `leadstage-test-sf-write-${randomUUID()}`;
  const redisConnections: Redis[] = [];
  const row = (id: string): Row => sandbox.store.find(id)!.row;

  /** Each connector its own token pair: refresh tokens rotate, so two connectors must not share one by accident. */
  function connector(overrides: Partial<SalesforceConnectorOptions['api']> = {}, installationId = 'inst-sf-write'): CrmConnector {
    const tokens = sandbox.issueTokens();
    return createSalesforceConnector({
      installationId,
      api: {
        instanceUrl: sandbox.instanceUrl, loginUrl: sandbox.loginUrl, version: sandbox.apiVersion,
        clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken,
        clock: () => sandbox.clock.now(),
        ...overrides,
      },
    });
  }

  function lock() {
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    redisConnections.push(connection);
    return createRedisRefreshLock(connection, { prefix });
  }

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox({ port: 0, leads: 200, contacts: 60, clock: 'frozen' });
    seed = sandbox.describeSeed();
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    for (const connection of redisConnections) connection.disconnect();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await sandbox.close();
  });
  afterEach(() => sandbox.faults.reset());

  describe('schema', () => {
    it('creates every Leadstage field once and grants it to the connected user through the Leadstage_Integration permission set; a second run does nothing', async () => {
      const c = connector();
      expect(await c.ensureSchema()).toEqual({ problems: [] });
      expect(sandbox.stats().tooling.customFieldsCreated).toBe(LEADSTAGE_FIELD_COUNT);
      const leadFields = sandbox.store.table('Lead')!.def.fields.map((f) => f.name);
      expect(leadFields).toEqual(expect.arrayContaining(['Leadstage_Stage__c', 'Leadstage_Reasons__c', 'Leadstage_SLA_Due__c', 'Leadstage_MQL_Tier__c']));
      expect(sandbox.store.table('Task')!.def.fields.find((f) => f.name === 'Leadstage_Key__c')).toMatchObject({ externalId: true, unique: true, length: 80 });
      // the connected user sees and edits them (a field made through the Tooling API is granted to no profile)
      const sets = [...sandbox.store.rows('PermissionSet', { includeDeleted: false })].filter((r) => r.Name === 'Leadstage_Integration');
      expect(sets).toHaveLength(1);
      const perms = [...sandbox.store.rows('FieldPermissions', { includeDeleted: false })].filter((r) => r.ParentId === sets[0]!.Id);
      expect(perms).toHaveLength(LEADSTAGE_FIELD_COUNT);
      expect(perms.every((p) => p.PermissionsRead === true && p.PermissionsEdit === true)).toBe(true);
      expect([...sandbox.store.rows('PermissionSetAssignment', { includeDeleted: false })].filter((r) => r.AssigneeId === sandbox.userId)).toHaveLength(1);
      for (const sobject of ['Lead', 'Contact', 'Task']) {
        expect(sandbox.store.table(sobject)!.def.fields.filter((f) => f.name.startsWith('Leadstage_')).every((f) => !f.hidden && f.updateable)).toBe(true);
      }
      const before = sandbox.stats().composite.requests;
      expect(await connector().ensureSchema()).toEqual({ problems: [] });
      expect(sandbox.stats().tooling.customFieldsCreated).toBe(LEADSTAGE_FIELD_COUNT);
      expect(sandbox.stats().composite.requests).toBe(before);
    });

    it('when the user may not customise the org: one problem with the setup steps for every missing field, and no stopped sync', async () => {
      const locked = await startSalesforceSandbox({ port: 0, leads: 10, contacts: 10, clock: 'frozen', allowMetadata: false });
      try {
        const c = createSalesforceConnector({
          installationId: 'inst-locked',
          api: {
            instanceUrl: locked.instanceUrl, loginUrl: locked.loginUrl, clientId: locked.clientId, clientSecret: locked.clientSecret,
            accessToken: locked.accessToken, refreshToken: locked.refreshToken,
          },
        });
        const { problems } = (await c.ensureSchema())!;
        expect(problems.map((p) => p.code)).toEqual(['FIELDS_MISSING']);
        expect((problems[0]!.details as { fields: string[] }).fields).toHaveLength(LEADSTAGE_FIELD_COUNT);
        expect(problems[0]!.fix).toContain('Setup → Object Manager → Lead → Fields & Relationships → New → Data Type "Text", Field Label "Leadstage Stage", Length 40');
        expect(problems[0]!.fix).toContain('Setup → Object Manager → Activity → Fields & Relationships → New → Data Type "Text", Field Label "Leadstage Key", Length 80');
        expect(problems[0]!.message).toContain('INSUFFICIENT_ACCESS');
        // nothing of Leadstage's to write, but the sync goes on: the Lead Status still moves
        const leadId = [...locked.store.rows('Lead', { includeDeleted: false })].find((r) => r.IsConverted !== true && r.Status === 'Open - Not Contacted')!.Id as string;
        const properties = c.propertiesFor(decision(), null);
        expect(Object.keys(properties)).toEqual(['Status']);
        expect(await c.write([{ crmId: leadId, objectType: 'lead', properties, current: { Status: 'Open - Not Contacted' } }])).toEqual([{ crmId: leadId, status: 'ok' }]);
        expect(locked.store.find(leadId)!.row.Status).toBe('Working - Contacted');
      } finally {
        await locked.close();
      }
    });

    it('when the user may not manage permission sets: the admin\'s steps and the fields still hidden are a problem, and scores go to the fields it can see', async () => {
      const org = await startSalesforceSandbox({ port: 0, leads: 10, contacts: 10, clock: 'frozen', allowPermissionSets: false, allowPermissionSetAssignment: false });
      try {
        const api = {
          instanceUrl: org.instanceUrl, loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret, accessToken: org.accessToken, refreshToken: org.refreshToken,
        };
        // an admin made the fields visible on the user's profile for two of them, by hand
        const first = createSalesforceConnector({ installationId: 'inst-fls', api });
        await first.ensureSchema();
        org.grantFieldAccess('Lead.Leadstage_Stage__c');
        org.grantFieldAccess('Lead.Leadstage_Score__c');
        const c = createSalesforceConnector({ installationId: 'inst-fls', api });
        const { problems } = (await c.ensureSchema())!;
        expect(problems.map((p) => p.code)).toEqual(['FIELD_ACCESS_MISSING']);
        const [problem] = problems;
        expect(problem!.message).toContain(`${LEADSTAGE_FIELD_COUNT - 2} Leadstage fields exist in Salesforce but the connected user cannot edit them`);
        expect(problem!.message).toContain('INSUFFICIENT_ACCESS_OR_READONLY');
        expect((problem!.details as { fields: string[] }).fields).not.toContain('Lead.Leadstage_Score__c');
        expect(problem!.fix).toContain('API Name "Leadstage_Integration"');
        const leadId = [...org.store.rows('Lead', { includeDeleted: false })].find((r) => r.IsConverted !== true && r.Status === 'Open - Not Contacted')!.Id as string;
        const properties = c.propertiesFor(decision(), { status: 'pending', dueAt: '2026-11-27T12:15:00Z', firstTouchedAt: null, nextStep: null });
        expect(await c.write([{ crmId: leadId, objectType: 'lead', properties, current: { Status: 'Open - Not Contacted' } }])).toEqual([{ crmId: leadId, status: 'ok' }]);
        expect(org.store.find(leadId)!.row).toMatchObject({ Leadstage_Stage__c: 'sql', Leadstage_Score__c: 118, Status: 'Working - Contacted' });
      } finally {
        await org.close();
      }
    });
  });

  describe('a field deleted or its access revoked', () => {
    let org: SalesforceSandbox;
    beforeEach(async () => {
      org = await startSalesforceSandbox({ port: 0, leads: 450, contacts: 20, clock: 'frozen', withLeadstageFields: true });
    });
    afterEach(async () => {
      await org.close();
    });
    const sfConnector = () => createSalesforceConnector({
      installationId: 'inst-dropped',
      api: { instanceUrl: org.instanceUrl, loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret, accessToken: org.accessToken, refreshToken: org.refreshToken, clock: () => org.clock.now() },
      streamOptions: { bulkThreshold: Infinity },
    });
    const openLeads = () => [...org.store.rows('Lead', { includeDeleted: false })].filter((r) => r.IsConverted !== true).map((r) => String(r.Id));
    const scoreWrites = (ids: string[]): CrmWrite[] => ids.map((crmId, i) => ({
      crmId, objectType: 'lead', properties: { Leadstage_Score__c: String(i), Leadstage_Stage__c: 'mql', Leadstage_Priority__c: 'warm' }, current: {},
    }));

    it('is found once, dropped from this installation\'s writes and reported; the rest is written, no batch bisected', async () => {
      const c = sfConnector();
      expect(await c.ensureSchema()).toEqual({ problems: [] });
      const conn = new Connection({ instanceUrl: org.instanceUrl, accessToken: org.issueTokens().accessToken, version: org.apiVersion });
      const [field] = (await conn.tooling.query<{ Id: string }>("SELECT Id FROM CustomField WHERE DeveloperName = 'Leadstage_Score' AND TableEnumOrId = 'Lead'")).records;
      await conn.tooling.sobject('CustomField').destroy(field!.Id);
      const ids = openLeads().slice(0, 400);
      const before = org.stats().apiCalls;
      const outcomes = await c.write(scoreWrites(ids));
      expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
      // two calls of 200, and one refused before the field was known gone
      expect(org.stats().apiCalls - before).toBe(3);
      expect(org.store.find(ids[399]!)!.row).toMatchObject({ Leadstage_Stage__c: 'mql', Leadstage_Priority__c: 'warm' });
      expect(c.takeProblems!()).toEqual([expect.objectContaining({
        key: 'field-unavailable:lead.leadstage_score__c', code: 'FIELD_UNAVAILABLE', message: expect.stringContaining("No such column 'Leadstage_Score__c' on sobject of type Lead"),
        fix: expect.stringContaining('Deleted Fields → Undelete'),
      })]);
      // later writes leave it out without a refused call; propertiesFor no longer offers it for Leads alone
      const again = org.stats().apiCalls;
      await c.write(scoreWrites(ids.slice(0, 10)));
      expect(org.stats().apiCalls - again).toBe(1);
      expect(c.takeProblems!()).toEqual([]);
      // the pull selects what the org has now (the describe is read again), and goes on
      const page = await c.pull('leads', null, { now: org.clock.now() });
      expect(page.people.length).toBeGreaterThan(0);
    });

    it('the Task key field deleted after setup: Tasks go on with the Subject marker, made once', async () => {
      const c = sfConnector();
      await c.ensureSchema();
      const leadId = openLeads()[0]!;
      expect((await c.createTasks([task(`p-8:sql:${randomUUID()}`, leadId)]))[0]).toMatchObject({ status: 'ok' });
      const conn = new Connection({ instanceUrl: org.instanceUrl, accessToken: org.issueTokens().accessToken, version: org.apiVersion });
      const [field] = (await conn.tooling.query<{ Id: string }>("SELECT Id FROM CustomField WHERE DeveloperName = 'Leadstage_Key' AND TableEnumOrId = 'Activity'")).records;
      await conn.tooling.sobject('CustomField').destroy(field!.Id);
      const key = `p-9:sql:${randomUUID()}`;
      const [first] = await c.createTasks([task(key, leadId)]);
      const [again] = await c.createTasks([task(key, leadId)]);
      expect(first).toMatchObject({ status: 'ok' });
      expect(again).toEqual(first);
      expect([...org.store.rows('Task', { includeDeleted: true })].filter((r) => String(r.Subject).includes('[LS '))).toHaveLength(1);
      expect(c.takeProblems!().map((p) => p.code)).toContain('TASK_KEY_FIELD_MISSING');
    });

    it('edit access taken away (read only): refused per record naming the field, written again without it in one call', async () => {
      const c = sfConnector();
      await c.ensureSchema();
      const conn = new Connection({ instanceUrl: org.instanceUrl, accessToken: org.issueTokens().accessToken, version: org.apiVersion });
      const [perm] = (await conn.query<{ Id: string }>("SELECT Id FROM FieldPermissions WHERE Field = 'Lead.Leadstage_Priority__c'")).records;
      await conn.sobject('FieldPermissions').update({ Id: perm!.Id, PermissionsEdit: false });
      const ids = openLeads().slice(0, 150);
      const before = org.stats().apiCalls;
      const outcomes = await c.write(scoreWrites(ids));
      expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
      expect(org.stats().apiCalls - before).toBe(2);
      expect(org.store.find(ids[0]!)!.row).toMatchObject({ Leadstage_Stage__c: 'mql', Leadstage_Score__c: 0, Leadstage_Priority__c: null });
      expect(c.takeProblems!().map((p) => p.key)).toEqual(['field-unavailable:lead.leadstage_priority__c']);
    });
  });

  describe('an org\'s own Lead Status values', () => {
    it('a transition to a status the org lacks is a problem with its fix, never a blocker; a value refused later (record type) costs no scores', async () => {
      const org = await startSalesforceSandbox({ port: 0, leads: 20, contacts: 10, clock: 'frozen' });
      try {
        org.setPicklist({ object: 'Lead', field: 'Status', values: ['Open - Not Contacted', 'Working - Contacted', 'Qualified', 'Unqualified'], default: 'Open - Not Contacted' });
        const c = createSalesforceConnector({
          installationId: 'inst-statuses',
          api: { instanceUrl: org.instanceUrl, loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret, accessToken: org.accessToken, refreshToken: org.refreshToken },
        });
        const { problems } = (await c.ensureSchema())!;
        expect(problems).toEqual([expect.objectContaining({
          code: 'LEAD_STATUS_VALUE_MISSING', key: 'lead-status:disqualified:closed - not converted',
          message: expect.stringContaining('"Closed - Not Converted", which is not an active Lead Status in this org'),
          fix: expect.stringContaining('Lead Status → Values → New'),
        })]);
        const open = [...org.store.rows('Lead', { includeDeleted: false })].filter((r) => r.IsConverted !== true && r.Status === 'Open - Not Contacted').map((r) => r.Id as string);
        // disqualified: Leadstage's fields written, the status left alone (no value to move to)
        const disqualified = c.propertiesFor(decision({ stage: 'disqualified', excluded: { rule: 'personal_email', reason: 'personal email address' } }), null);
        expect(await c.write([{ crmId: open[0]!, objectType: 'lead', properties: disqualified, current: { Status: 'Open - Not Contacted' } }])).toEqual([{ crmId: open[0]!, status: 'ok' }]);
        expect(org.store.find(open[0]!)!.row).toMatchObject({ Leadstage_Stage__c: 'disqualified', Status: 'Open - Not Contacted' });
        // the writer says so too, under setup's key: one problem in the store either way
        expect(c.takeProblems!()).toEqual([expect.objectContaining({ code: 'LEAD_STATUS_VALUE_MISSING', key: 'lead-status:disqualified:closed - not converted', fix: expect.stringContaining('mapping page') })]);

        // the admin drops "Working - Contacted" after setup read the picklist: Salesforce refuses the value
        org.setPicklist({ object: 'Lead', field: 'Status', values: ['Open - Not Contacted', 'Qualified', 'Unqualified'], default: 'Open - Not Contacted' });
        const outcomes = await c.write([{ crmId: open[1]!, objectType: 'lead', properties: c.propertiesFor(decision(), null), current: { Status: 'Open - Not Contacted' } }]);
        expect(outcomes).toEqual([{ crmId: open[1]!, status: 'ok' }]);
        expect(org.store.find(open[1]!)!.row).toMatchObject({ Leadstage_Stage__c: 'sql', Leadstage_Score__c: 118, Status: 'Open - Not Contacted' });
        expect(c.takeProblems!()).toEqual([expect.objectContaining({
          code: 'LEAD_STATUS_REFUSED', key: 'lead-status-refused:working - contacted:INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', fix: expect.stringContaining('record type'),
        })]);
      } finally {
        await org.close();
      }
    });
  });

  describe('writes', () => {
    let c: CrmConnector;
    beforeAll(async () => {
      c = connector();
      await c.ensureSchema();
    });

    it('writes a decision as Leadstage field values and moves Lead Status along its transition', async () => {
      const leadId = seed.kinds.demoRequest[0]!;
      const contactId = seed.kinds.customer[0]!;
      expect(row(leadId).Status).toBe('Open - Not Contacted');
      const properties = c.propertiesFor(decision(), { status: 'pending', dueAt: '2026-11-27T12:15:00Z', firstTouchedAt: null, nextStep: null });
      const outcomes = await c.write([
        { crmId: leadId, objectType: 'lead', properties, current: { Status: 'Open - Not Contacted' } },
        { crmId: contactId, objectType: 'contact', properties, current: {} },
      ]);
      expect(outcomes).toEqual([{ crmId: leadId, status: 'ok' }, { crmId: contactId, status: 'ok' }]);
      expect(row(leadId)).toMatchObject({
        Leadstage_Stage__c: 'sql', Leadstage_Score__c: 118, Leadstage_Fit_Grade__c: 'A', Leadstage_Priority__c: 'hot',
        Leadstage_Reasons__c: '+40 requested a demo\n+15 viewed pricing (3×)\n-10 unsubscribed', Status: 'Working - Contacted',
      });
      expect(String(row(leadId).Leadstage_SLA_Due__c)).toMatch(/^2026-11-27T12:15:00/);
      expect(row(contactId)).toMatchObject({ Leadstage_Stage__c: 'sql', Leadstage_Engagement_Score__c: 63 });
      expect(row(contactId)).not.toHaveProperty('Status');
    });

    it('reports per-record failures per record, in input order, and writes the rest', async () => {
      const ok = seed.kinds.mqlPersona[0]!;
      const validation = seed.kinds.mqlPersona[1]!;
      const deleted = seed.kinds.deletedLead[0]!;
      const converted = seed.records.find((r) => r.kind === 'convertedOpportunity' && r.leadId)!.leadId!;
      sandbox.faults.set({ recordFailIds: [validation] });
      const writes: CrmWrite[] = [
        { crmId: ok, objectType: 'lead', properties: { Leadstage_Stage__c: 'mql' }, current: {} },
        { crmId: validation, objectType: 'lead', properties: { Leadstage_Stage__c: 'mql' }, current: {} },
        { crmId: deleted, objectType: 'lead', properties: { Leadstage_Stage__c: 'mql' }, current: {} },
        { crmId: ok, objectType: 'lead', properties: { Leadstage_Fit_Grade__c: 'TOO-LONG-GRADE' }, current: {} },
        { crmId: converted, objectType: 'lead', properties: { Leadstage_Stage__c: 'mql' }, current: {} },
      ];
      const outcomes = await c.write(writes);
      expect(outcomes.map((o) => o.crmId)).toEqual(writes.map((w) => w.crmId));
      expect(outcomes[0]).toEqual({ crmId: ok, status: 'ok' });
      expect(outcomes[1]).toMatchObject({ status: 'failed', code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' });
      expect(outcomes[2]).toMatchObject({ status: 'failed', code: 'ENTITY_IS_DELETED' });
      expect(outcomes[3]).toMatchObject({ status: 'failed', code: 'STRING_TOO_LONG', error: expect.stringContaining(`Lead ${ok}: STRING_TOO_LONG (field Leadstage_Fit_Grade__c)`) });
      expect(outcomes[4]).toMatchObject({ status: 'failed', code: 'CANNOT_UPDATE_CONVERTED_LEAD' });
      expect(row(ok).Leadstage_Stage__c).toBe('mql');
    });

    it('a 503 for the whole call is thrown for the job to retry', async () => {
      sandbox.faults.set({ failNext: 1, errorStatus: 503 });
      const error = await c.write([{ crmId: seed.kinds.mqlPersona[0]!, objectType: 'lead', properties: { Leadstage_Priority__c: 'warm' }, current: {} }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SalesforceApiError);
      expect(error).toMatchObject({ status: 503, retryable: true });
    });

    it('batches 450 writes into ≤200-record calls without assignment rules', async () => {
      const before = sandbox.stats().composite;
      const leads = [...sandbox.store.rows('Lead', { includeDeleted: false })].filter((r) => r.IsConverted !== true).slice(0, 150).map((r) => String(r.Id));
      const contacts = [...sandbox.store.rows('Contact', { includeDeleted: false })].slice(0, 50).map((r) => String(r.Id));
      const writes: CrmWrite[] = [];
      for (let i = 0; i < 450; i++) {
        const crmId = i % 4 === 0 ? contacts[i % contacts.length]! : leads[i % leads.length]!;
        writes.push({ crmId, objectType: crmId.startsWith('003') ? 'contact' : 'lead', properties: { Leadstage_Score__c: String(i) }, current: {} });
      }
      const owners = new Map(leads.map((id) => [id, row(id).OwnerId]));
      const outcomes = await c.write(writes);
      expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
      const after = sandbox.stats().composite;
      expect(after.records - before.records).toBe(450);
      // ≤200 per call; a record written again goes to a later call, so there may be more than three
      expect(after.requests - before.requests).toBeGreaterThanOrEqual(3);
      expect(after.requests - before.requests).toBeLessThanOrEqual(5);
      // the last write of each record wins
      const lastIndex = writes.map((w) => w.crmId).lastIndexOf(leads[149]!);
      expect(row(leads[149]!).Leadstage_Score__c).toBe(lastIndex);
      // Sforce-Auto-Assign FALSE: no queue-owned lead was reassigned by a plain score update
      for (const [id, owner] of owners) expect(row(id).OwnerId).toBe(owner);
    });

    it('a validation rule that refuses the Lead Status never costs the scores: written without the status, the refusal a problem', async () => {
      sandbox.addValidationRule({
        object: 'Lead', name: 'Working_needs_Rating', errorMessage: 'Status cannot be Working - Contacted when Rating is empty', errorField: 'Status',
        when: [{ field: 'Status', equals: 'Working - Contacted' }, { field: 'Rating', empty: true }],
      });
      try {
        const leadId = [...sandbox.store.rows('Lead', { includeDeleted: false })]
          .find((r) => r.IsConverted !== true && r.Rating === null && r.Status === 'Open - Not Contacted' && r.Leadstage_Stage__c === null)!.Id as string;
        c.takeProblems!();
        const outcomes = await c.write([{ crmId: leadId, objectType: 'lead', properties: c.propertiesFor(decision(), null), current: { Status: 'Open - Not Contacted' } }]);
        expect(outcomes).toEqual([{ crmId: leadId, status: 'ok' }]);
        expect(row(leadId)).toMatchObject({ Leadstage_Stage__c: 'sql', Leadstage_Score__c: 118, Status: 'Open - Not Contacted' });
        const problems = c.takeProblems!();
        expect(problems).toEqual([expect.objectContaining({
          key: 'lead-status-refused:working - contacted:FIELD_CUSTOM_VALIDATION_EXCEPTION', code: 'LEAD_STATUS_REFUSED',
          message: expect.stringContaining('Status cannot be Working - Contacted when Rating is empty'),
          fix: expect.stringContaining('Validation Rules'),
          details: expect.objectContaining({ leads: 1, examples: [leadId] }),
        })]);
      } finally {
        sandbox.clearValidationRules();
      }
    });

    it('a queue-owned Lead handed to sales keeps its queue on write-back (Sforce-Auto-Assign: FALSE)', async () => {
      const leadId = seed.kinds.queueHotLead[0]!;
      expect(String(row(leadId).OwnerId)).toMatch(/^00G/);
      const [outcome] = await c.write([{ crmId: leadId, objectType: 'lead', properties: { Leadstage_Stage__c: 'sql' }, current: {} }]);
      expect(outcome).toEqual({ crmId: leadId, status: 'ok' });
      expect(String(row(leadId).OwnerId)).toMatch(/^00G/);
    });
  });

  describe('tasks', () => {
    it('creates each Task once, even when createTasks runs twice and two workers race', async () => {
      const c = connector();
      await c.ensureSchema();
      const leadId = seed.kinds.webinarHeavy[0]!;
      const contactId = seed.kinds.customer[1]!;
      const tasks = [
        task(`p-1:sql:${randomUUID()}`, leadId),
        task(`p-2:sql:${randomUUID()}`, contactId, { objectType: 'contact', priority: 'medium', type: 'email' }),
      ];
      const [first, second] = await Promise.all([c.createTasks(tasks), connector().createTasks(tasks)]);
      const third = await c.createTasks(tasks);
      expect(first.map((o) => o.status)).toEqual(['ok', 'ok']);
      expect(second).toEqual(first);
      expect(third).toEqual(first);
      const rows = [...sandbox.store.rows('Task', { includeDeleted: true })].filter((r) => tasks.some((t) => t.key === r.Leadstage_Key__c));
      expect(rows).toHaveLength(2);
      const leadTask = rows.find((r) => r.WhoId === leadId)!;
      expect(leadTask).toMatchObject({
        Subject: 'First touch: requested a demo', Status: 'Not Started', Priority: 'High', TaskSubtype: 'Call', Type: 'Call', ActivityDate: '2026-11-27',
        IsReminderSet: true, OwnerId: row(leadId).OwnerId,
      });
      // a to-do to write an email is a Task (TaskSubtype Email would show it as an email already sent)
      expect(rows.find((r) => r.WhoId === contactId)).toMatchObject({ Priority: 'Normal', TaskSubtype: 'Task', Type: 'Email', OwnerId: row(contactId).OwnerId });
    });

    it('a queue-owned Lead keeps its queue: no update runs the assignment rule, the Task names the queue', async () => {
      const leadId = seed.kinds.queueHotLead[1]!;
      const queue = String(row(leadId).OwnerId);
      expect(queue).toMatch(/^00G/);
      const assignedBefore = sandbox.stats().writes.autoAssigned;
      const c = connector();
      await c.ensureSchema();
      const [outcome] = await c.createTasks([task(`p-3:sql:${randomUUID()}`, leadId, { ownerId: queue })]);
      await c.write([{ crmId: leadId, objectType: 'lead', properties: { Leadstage_Stage__c: 'sql' }, current: {} }]);
      expect(outcome).toMatchObject({ status: 'ok' });
      expect(row(leadId).OwnerId).toBe(queue);
      expect(sandbox.stats().writes.autoAssigned).toBe(assignedBefore);
      const created = sandbox.store.find((outcome as { crmTaskId: string }).crmTaskId)!.row;
      expect(created.OwnerId).toBe(sandbox.userId);
      expect(String(created.Description)).toContain(`owned by queue ${queue}`);
    });

    it('when the admin turns it on, a Task for a queue-owned Lead goes to the user the assignment rule picks', async () => {
      const leadId = seed.kinds.queueHotLead[0]!;
      const tokens = sandbox.issueTokens();
      const c = createSalesforceConnector({
        installationId: 'inst-assign',
        tasks: { assignQueueOwnedLeads: true },
        api: { instanceUrl: sandbox.instanceUrl, loginUrl: sandbox.loginUrl, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
      });
      expect(String(row(leadId).OwnerId)).toMatch(/^00G/);
      const [outcome] = await c.createTasks([task(`p-3b:sql:${randomUUID()}`, leadId, { ownerId: String(row(leadId).OwnerId) })]);
      expect(outcome).toMatchObject({ status: 'ok' });
      const owner = String(row(leadId).OwnerId);
      expect(owner).toMatch(/^005/);
      expect(sandbox.store.find((outcome as { crmTaskId: string }).crmTaskId)!.row.OwnerId).toBe(owner);
    });

    it('an archived Leadstage Task still counts: a retry finds it through queryAll and makes no second one', async () => {
      const c = connector();
      const key = `p-5:sql:${randomUUID()}`;
      const leadId = seed.kinds.mqlPersona[1]!;
      const [first] = await c.createTasks([task(key, leadId)]);
      expect(sandbox.archiveActivities({ ids: [(first as { crmTaskId: string }).crmTaskId] })).toBe(1);
      const [again] = await connector().createTasks([task(key, leadId)]);
      expect(again).toEqual(first);
      expect([...sandbox.store.rows('Task', { includeDeleted: true })].filter((r) => r.Leadstage_Key__c === key)).toHaveLength(1);
    });

    it('takes Task Status from the org: one whose statuses lack "Not Started" gets its default', async () => {
      const org = await startSalesforceSandbox({ port: 0, leads: 10, contacts: 10, clock: 'frozen', withLeadstageFields: true });
      try {
        org.setPicklist({ object: 'Task', field: 'Status', values: ['Open', 'Waiting', 'Completed'], default: 'Open' });
        const c = createSalesforceConnector({
          installationId: 'inst-task-status',
          api: { instanceUrl: org.instanceUrl, loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret, accessToken: org.accessToken, refreshToken: org.refreshToken },
        });
        const leadId = [...org.store.rows('Lead', { includeDeleted: false })].find((r) => r.IsConverted !== true)!.Id as string;
        const [outcome] = await c.createTasks([task(`p-6:sql:${randomUUID()}`, leadId)]);
        expect(outcome).toMatchObject({ status: 'ok' });
        expect(org.store.find((outcome as { crmTaskId: string }).crmTaskId)!.row).toMatchObject({ Status: 'Open', TaskSubtype: 'Call' });
      } finally {
        await org.close();
      }
    });

    it('an org that refuses a unique key on Activity: Tasks stay idempotent through a Subject marker looked up before each create', async () => {
      const org = await startSalesforceSandbox({ port: 0, leads: 10, contacts: 10, clock: 'frozen', refuseUniqueActivityFields: true });
      try {
        const api = { instanceUrl: org.instanceUrl, loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret, accessToken: org.accessToken, refreshToken: org.refreshToken };
        const c = createSalesforceConnector({ installationId: 'inst-no-key', api });
        const { problems } = (await c.ensureSchema())!;
        expect(problems).toEqual([expect.objectContaining({ code: 'FIELDS_MISSING', details: expect.objectContaining({ fields: ['Activity.Leadstage_Key__c'] }) })]);
        const leadId = [...org.store.rows('Lead', { includeDeleted: false })].find((r) => r.IsConverted !== true)!.Id as string;
        const key = `p-7:sql:${randomUUID()}`;
        const [first] = await c.createTasks([task(key, leadId)]);
        const [second] = await createSalesforceConnector({ installationId: 'inst-no-key', api }).createTasks([task(key, leadId)]);
        expect(first).toMatchObject({ status: 'ok' });
        expect(second).toEqual(first);
        const rows = [...org.store.rows('Task', { includeDeleted: true })].filter((r) => String(r.Subject).includes('[LS '));
        expect(rows).toHaveLength(1);
        expect(c.takeProblems!().map((p) => p.code)).toEqual(['TASK_KEY_FIELD_MISSING']);
      } finally {
        await org.close();
      }
    });
  });

  describe('request size', () => {
    it('refuses, before sending, a request whose URI and headers would pass 16,384 bytes (Salesforce\'s 431)', async () => {
      const api = createSalesforceApi({
        installationId: 'inst-size', instanceUrl: sandbox.instanceUrl, loginUrl: sandbox.loginUrl, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret,
        accessToken: sandbox.accessToken, refreshToken: sandbox.refreshToken, readLimitsOnFirstUse: false,
      });
      // the URI alone is under 16,384 bytes; with the Authorization header and the rest it is over
      const soql = `SELECT Id FROM Lead WHERE Email IN ('${'a'.repeat(16_000)}')`;
      expect(encodeURIComponent(soql).length).toBeLessThan(16_384 - 40);
      const before = sandbox.stats().requests.total;
      const error = (await api.query(soql).catch((e: unknown) => e)) as SalesforceApiError;
      expect(error).toBeInstanceOf(SalesforceApiError);
      expect(error).toMatchObject({ errorCode: 'REQUEST_TOO_LARGE', retryable: false, status: null });
      expect(sandbox.stats().requests.total).toBe(before);
    });

    it('looks Task keys up in queries sized by their URL-encoded length, so long keys never hit 414/431', async () => {
      const c = connector();
      await c.ensureSchema();
      const leadId = seed.kinds.mqlPersona[0]!;
      // 80-character keys of characters that URL-encode to three bytes each: 100 of them would be ~25 KB of URI
      const keys = Array.from({ length: 100 }, (_, i) => `${String(i).padStart(3, '0')}:${'/'.repeat(76)}`);
      const first = await c.createTasks(keys.map((key) => task(key, leadId)));
      expect(first.every((o) => o.status === 'ok')).toBe(true);
      const again = await c.createTasks(keys.map((key) => task(key, leadId)));
      expect(again).toEqual(first);
      expect(sandbox.stats().requests.byStatus['414'] ?? 0).toBe(0);
      expect(sandbox.stats().requests.byStatus['431'] ?? 0).toBe(0);
    });
  });

  describe('auth', () => {
    it('an expired access token is refreshed once across two connectors sharing a token store and the Redis lock', async () => {
      const issued = sandbox.issueTokens();
      const saved: SalesforceTokens[] = [];
      const memory = createInMemoryTokenStore({ accessToken: issued.accessToken, refreshToken: issued.refreshToken, instanceUrl: sandbox.instanceUrl });
      const store: TokenStore = { load: () => memory.load(), save: async (t) => { saved.push(t); await memory.save(t); } };
      const a = connector({ accessToken: issued.accessToken, refreshToken: issued.refreshToken, tokenStore: store, refreshLock: lock() });
      const b = connector({ accessToken: issued.accessToken, refreshToken: issued.refreshToken, tokenStore: store, refreshLock: lock() });
      await Promise.all([a.ensureSchema(), b.ensureSchema()]);
      const grantsBefore = sandbox.stats().oauth.refreshGrants;
      sandbox.expireTokens();
      const leadId = seed.kinds.mqlPersona[0]!;
      const [ra, rb] = await Promise.all([
        a.write([{ crmId: leadId, objectType: 'lead', properties: { Leadstage_Priority__c: 'cold' }, current: {} }]),
        b.createTasks([task(`p-4:sql:${randomUUID()}`, leadId)]),
      ]);
      expect(ra[0]!.status).toBe('ok');
      expect(rb[0]!.status).toBe('ok');
      expect(sandbox.stats().oauth.refreshGrants - grantsBefore).toBe(1);
      expect(saved).toHaveLength(1);
      expect(saved[0]!.refreshToken).not.toBe(issued.refreshToken);
      expect(saved[0]!.accessToken).not.toBe(issued.accessToken);
      // rotation: the first refresh token is spent; whoever still holds it is told to reconnect.
      // (The clock moves on first: whichever connector refreshed above must not take the next
      // refusal for one "seconds after issuing", which depends on which of the two raced first.)
      sandbox.clock.advance(60_000);
      sandbox.expireTokens();
      const stale = createSalesforceApi({
        installationId: 'inst-stale', instanceUrl: sandbox.instanceUrl, loginUrl: sandbox.loginUrl, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret,
        accessToken: issued.accessToken, refreshToken: issued.refreshToken, readLimitsOnFirstUse: false,
      });
      const error = (await stale.query('SELECT Id FROM Lead LIMIT 1').catch((e: unknown) => e)) as SalesforceApiError;
      expect(error).toMatchObject({ retryable: false, errorCode: 'invalid_grant', message: 'Salesforce refused the refresh token for inst-stale: reconnect the org' });
      expect(error.message).not.toContain(issued.refreshToken);
      // the saved pair keeps working
      await a.write([{ crmId: leadId, objectType: 'lead', properties: { Leadstage_Priority__c: 'warm' }, current: {} }]);
      expect(sandbox.stats().oauth.refreshGrants - grantsBefore).toBe(2);
    });
  });

  describe('limits', () => {
    it('REQUEST_LIMIT_EXCEEDED becomes the quota error the worker delays on', async () => {
      const c = connector();
      await c.ensureSchema();
      sandbox.faults.set({ limitExceeded: true });
      const error = await c.write([{ crmId: seed.kinds.mqlPersona[0]!, objectType: 'lead', properties: { Leadstage_Priority__c: 'hot' }, current: {} }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DailyQuotaExhaustedError);
      expect(error).toMatchObject({ installationId: 'inst-sf-write', source: 'crm' });
      expect((error as DailyQuotaExhaustedError).resetsAt).toBe(sandbox.clock.now() + 3_600_000);
    });

    it('stops at 90% of the org\'s daily budget without calling Salesforce', async () => {
      const small = await startSalesforceSandbox({ port: 0, leads: 10, contacts: 10, clock: 'frozen', dailyApiLimit: 40, withLeadstageFields: true });
      try {
        const c = createSalesforceConnector({
          installationId: 'inst-small',
          api: {
            instanceUrl: small.instanceUrl, loginUrl: small.loginUrl, clientId: small.clientId, clientSecret: small.clientSecret,
            accessToken: small.accessToken, refreshToken: small.refreshToken, clock: () => small.clock.now(),
          },
        });
        const leadId = [...small.store.rows('Lead', { includeDeleted: false })][0]!.Id as string;
        let error: unknown;
        let written = 0;
        for (let i = 0; i < 60 && !error; i++) {
          error = await c.write([{ crmId: leadId, objectType: 'lead', properties: { Leadstage_Score__c: String(i) }, current: {} }])
            .then((outcomes) => {
              written += outcomes.filter((o) => o.status === 'ok').length;
            }, (e: unknown) => e);
        }
        expect(error).toBeInstanceOf(DailyQuotaExhaustedError);
        expect(error).toMatchObject({ source: 'counted' });
        // 90% of 40: the connector stopped itself; Salesforce never had to refuse
        expect(small.stats().apiCalls).toBeLessThanOrEqual(36);
        expect(written).toBeGreaterThanOrEqual(30);
        expect(small.stats().limitExceeded.total).toBe(0);
      } finally {
        await small.close();
      }
    });
  });
});
