/**
 * The Salesforce sandbox driven through the real jsforce (loginUrl/instanceUrl → loopback): SOQL
 * paging and cursors, queryAll, describe, sObject Collections rules and per-record errors, the
 * assignment-rule header, Tooling API custom fields and the unique Task key, limits, Bulk API 2.0.
 */
import { Connection } from 'jsforce';
import {
  COLLECTION_LIMIT_MESSAGE, INBOUND_QUEUE, KEY_PREFIXES, makeId, startSalesforceSandbox, TOTAL_REQUESTS_EXCEEDED, type SalesforceSandbox,
  type SalesforceSandboxOptions,
} from '../../sandboxes/salesforce';

type SfError = Error & { errorCode?: string; data?: unknown };
type SaveResult = { id?: string; success: boolean; errors: { statusCode: string; message: string; fields: string[] }[]; created?: boolean };
type Row = Record<string, unknown> & { Id: string };

async function failure(promise: PromiseLike<unknown>): Promise<SfError> {
  try {
    await promise;
  } catch (error) {
    return error as SfError;
  }
  throw new Error('expected the call to fail');
}

function connect(sandbox: SalesforceSandbox): Connection {
  return new Connection({
    instanceUrl: sandbox.url,
    loginUrl: sandbox.url,
    version: '62.0',
    oauth2: { clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, loginUrl: sandbox.url },
    accessToken: sandbox.accessToken,
    refreshToken: sandbox.refreshToken,
  });
}

const NOW = '2026-11-27T12:00:00.000+0000';

describe('Salesforce sandbox through jsforce', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;

  async function start(options: SalesforceSandboxOptions = {}): Promise<void> {
    sandbox = await startSalesforceSandbox({ leads: 300, contacts: 120, clock: 'frozen', ...options });
    conn = connect(sandbox);
  }

  afterEach(async () => {
    await sandbox?.close();
  });

  describe('SOQL', () => {
    it('pages a query in batches of 2000 and follows nextRecordsUrl with queryMore', async () => {
      await start({ leads: 2600 });
      const first = await conn.query<Row>('SELECT Id, Email, Status, Owner.Name FROM Lead');
      const live = [...sandbox.store.rows('Lead', { includeDeleted: false })].length;
      expect(first.totalSize).toBe(live);
      expect(first.done).toBe(false);
      expect(first.records).toHaveLength(2000);
      // jsforce rebuilds nextRecordsUrl as <instance>/services/data/v62.0/query/<locator>; the raw answer is relative
      expect(first.nextRecordsUrl).toBe(`${sandbox.url}/services/data/v62.0/query/${first.nextRecordsUrl!.split('/').pop()}`);
      const raw = await (await fetch(`${sandbox.url}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Lead')}`, {
        headers: { Authorization: `Bearer ${sandbox.accessToken}` },
      })).json() as { nextRecordsUrl: string };
      expect(raw.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/0r8[A-Za-z0-9]{15}-2000$/);
      expect(first.records[0]!.attributes).toEqual({ type: 'Lead', url: `/services/data/v62.0/sobjects/Lead/${first.records[0]!.Id}` });
      expect((first.records[0]!.Owner as { Name: string }).Name).toEqual(expect.any(String));
      const second = await conn.queryMore<Row>(first.nextRecordsUrl!);
      expect(second.done).toBe(true);
      expect(second.records).toHaveLength(live - 2000);
      const ids = new Set([...first.records, ...second.records].map((r) => r.Id));
      expect(ids.size).toBe(live);
      // the same page can be fetched again (a retried GET), and an unknown locator is refused
      expect((await conn.queryMore<Row>(first.nextRecordsUrl!)).records[0]!.Id).toBe(second.records[0]!.Id);
      const bad = await failure(conn.queryMore(`${makeId(KEY_PREFIXES.QueryLocator, 999)}-2000`));
      expect(bad.errorCode).toBe('INVALID_QUERY_LOCATOR');
    });

    it('honours Sforce-Query-Options batchSize (clamped to 200..2000) and autoFetch gets everything', async () => {
      await start({ leads: 700 });
      const page = await conn.query<Row>('SELECT Id FROM Lead ORDER BY Id', { headers: { 'Sforce-Query-Options': 'batchSize=250' } });
      expect(page.records).toHaveLength(250);
      expect(page.nextRecordsUrl).toMatch(/-250$/);
      const tiny = await conn.query<Row>('SELECT Id FROM Lead', { headers: { 'Sforce-Query-Options': 'batchSize=10' } });
      expect(tiny.records).toHaveLength(200);
      const all = await conn.query<Row>('SELECT Id FROM Lead', { autoFetch: true, maxFetch: 100_000, headers: { 'Sforce-Query-Options': 'batchSize=300' } });
      expect(all.records).toHaveLength(all.totalSize);
      expect(sandbox.stats().queries.queryMore).toBeGreaterThanOrEqual(2);
    });

    it('queryAll also returns deleted and merged leads; query does not', async () => {
      await start();
      const seed = sandbox.describeSeed();
      const merged = seed.records.find((r) => r.kind === 'mergedLead')!;
      const deleted = seed.kinds.deletedLead[0]!;
      const soql = `SELECT Id, IsDeleted, MasterRecordId, Email FROM Lead WHERE Id IN ('${merged.id}', '${deleted}', '${merged.masterRecordId}')`;
      const live = await conn.query<Row>(soql);
      expect(live.records.map((r) => r.Id)).toEqual([merged.masterRecordId]);
      const all = await conn.query<Row>(soql, { scanAll: true });
      const byId = new Map(all.records.map((r) => [r.Id, r]));
      expect(byId.get(merged.id)).toMatchObject({ IsDeleted: true, MasterRecordId: merged.masterRecordId });
      expect(byId.get(merged.id)!.Email).toBe(byId.get(merged.masterRecordId!)!.Email);
      expect(byId.get(deleted)).toMatchObject({ IsDeleted: true, MasterRecordId: null });
    });

    it('answers SOQL errors with 400 and Salesforce error codes', async () => {
      await start();
      expect((await failure(conn.query('SELECT Id, Nope__c FROM Lead'))).errorCode).toBe('INVALID_FIELD');
      expect((await failure(conn.query('SELECT Id FROM Leed'))).errorCode).toBe('INVALID_TYPE');
      expect((await failure(conn.query('SELECT Id FROM Lead WHERE'))).errorCode).toBe('MALFORMED_QUERY');
      const ids = Array.from({ length: 1000 }, (_, i) => `'${makeId(KEY_PREFIXES.Lead, i)}'`).join(',');
      const tooLong = await failure(conn.query(`SELECT Id FROM Lead WHERE Id IN (${ids})`));
      expect(tooLong.errorCode).toBe('URI_TOO_LONG');
      const count = await conn.query('SELECT COUNT() FROM Lead WHERE IsConverted = true');
      expect(count.totalSize).toBeGreaterThan(0);
      expect(count.records).toEqual([]);
    });
  });

  describe('describe and limits', () => {
    it('describes Lead the way the connector reads it', async () => {
      await start();
      const lead = await conn.sobject('Lead').describe();
      const status = lead.fields.find((f) => f.name === 'Status')!;
      expect(status).toMatchObject({ type: 'picklist', restrictedPicklist: true, nillable: false, defaultedOnCreate: true, updateable: true });
      expect(status.picklistValues!.map((v) => v.value)).toEqual(['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted']);
      expect(status.picklistValues!.find((v) => v.defaultValue)!.value).toBe('Open - Not Contacted');
      expect(lead.fields.find((f) => f.name === 'OwnerId')).toMatchObject({ type: 'reference', referenceTo: ['Group', 'User'], relationshipName: 'Owner' });
      expect(lead.fields.find((f) => f.name === 'IsConverted')).toMatchObject({ updateable: false, createable: false });
      expect(lead.fields.find((f) => f.name === 'Leadstage_Stage__c')).toBeUndefined();
      expect(lead.childRelationships.map((c) => c.relationshipName)).toEqual(expect.arrayContaining(['Tasks', 'CampaignMembers']));
      expect((await failure(conn.sobject('Nope__c').describe())).errorCode).toBe('NOT_FOUND');
    });

    it('reports limits, sends Sforce-Limit-Info on every call and answers REQUEST_LIMIT_EXCEEDED when the budget is spent', async () => {
      await start({ dailyApiLimit: 5 });
      const limits = await conn.limits();
      expect(limits.DailyApiRequests).toEqual({ Max: 5, Remaining: 4 });
      expect(limits.DailyBulkV2QueryJobs).toEqual({ Max: 10_000, Remaining: 10_000 });
      await conn.query('SELECT Id FROM User');
      expect(conn.limitInfo).toEqual({ apiUsage: { used: 2, limit: 5 } });
      await conn.query('SELECT Id FROM User');
      await conn.query('SELECT Id FROM User');
      await conn.query('SELECT Id FROM User');
      const error = await failure(conn.query('SELECT Id FROM User'));
      expect(error.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
      expect(error.message).toBe(TOTAL_REQUESTS_EXCEEDED);
      expect(sandbox.stats().limitExceeded.byReason).toEqual({ daily: 1 });
      // the budget is a rolling 24 hours of sandbox time
      sandbox.clock.advance(24 * 3_600_000 + 60_000);
      await expect(conn.query('SELECT Id FROM User')).resolves.toBeDefined();
    });
  });

  describe('sObject Collections', () => {
    it('updates with allOrNone:false: per-record errors in input order, successes stamped with the sandbox clock', async () => {
      await start();
      const seed = sandbox.describeSeed();
      const [a, b, c, d] = (await conn.query<Row>("SELECT Id FROM Lead WHERE IsConverted = false AND Status = 'Open - Not Contacted' LIMIT 4")).records;
      const converted = seed.records.find((r) => r.kind === 'convertedOpportunity')!.leadId!;
      const contactId = seed.kinds.customer[0]!;
      sandbox.clock.set(Date.parse('2026-11-28T09:30:00Z'));
      const results = (await conn.sobject('Lead').update([
        { Id: a!.Id, Title: 'Director of Reliability', Rating: 'Hot' },
        { Id: b!.Id, Title: 'x'.repeat(200) },
        { Id: c!.Id, Status: 'Qualified' },
        { Id: converted, Title: 'VP Operations' },
        { Id: seed.kinds.deletedLead[0]!, Title: 'VP Operations' },
        { Id: contactId, Title: 'VP Operations' },
        { Id: makeId(KEY_PREFIXES.Lead, 999_999), Title: 'VP Operations' },
        { Id: d!.Id, IsConverted: true },
      ], { allOrNone: false })) as SaveResult[];
      expect(results.map((r) => (r.success ? 'ok' : r.errors[0]!.statusCode))).toEqual([
        'ok', 'STRING_TOO_LONG', 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'CANNOT_UPDATE_CONVERTED_LEAD', 'ENTITY_IS_DELETED', 'MALFORMED_ID',
        'INVALID_CROSS_REFERENCE_KEY', 'INVALID_FIELD_FOR_INSERT_UPDATE',
      ]);
      expect(results[0]).toEqual({ id: a!.Id, success: true, errors: [] });
      expect(results[1]!.errors[0]).toEqual({ statusCode: 'STRING_TOO_LONG', message: expect.stringMatching(/^Title: data value too large: x+\.\.\. \(max length=128\)$/), fields: ['Title'] });
      expect(results[2]!.errors[0]!.message).toBe('Status: bad value for restricted picklist field: Qualified');
      expect(results[7]!.errors[0]!.fields).toEqual(['IsConverted']);
      const row = await conn.sobject('Lead').retrieve(a!.Id) as Row;
      expect(row).toMatchObject({ Title: 'Director of Reliability', Rating: 'Hot', LastModifiedDate: '2026-11-28T09:30:00.000+0000', SystemModstamp: '2026-11-28T09:30:00.000+0000' });
      expect(row.LastModifiedById).toBe(sandbox.userId);
      expect(sandbox.stats().composite.byOperation.update).toEqual({ requests: 1, records: 8, failures: 7 });
    });

    it('stamps LastModifiedDate even when nothing changed', async () => {
      await start();
      const [lead] = (await conn.query<Row>('SELECT Id, Title, SystemModstamp FROM Lead WHERE IsConverted = false LIMIT 1')).records;
      expect(lead!.SystemModstamp).not.toBe(NOW);
      await conn.sobject('Lead').update([{ Id: lead!.Id, Title: lead!.Title }], { allOrNone: false });
      const after = await conn.sobject('Lead').retrieve(lead!.Id) as Row;
      expect(after.SystemModstamp).toBe(NOW);
      expect(after.LastModifiedDate).toBe(NOW);
    });

    it('fails the whole request for an unknown field or an undeserializable value, as Salesforce does', async () => {
      await start();
      const [lead] = (await conn.query<Row>('SELECT Id FROM Lead WHERE IsConverted = false LIMIT 1')).records;
      const unknown = await failure(conn.sobject('Lead').update([{ Id: lead!.Id, Leadstage_Stage__c: 'MQL' }], { allOrNone: false }));
      expect(unknown.errorCode).toBe('INVALID_FIELD');
      expect(unknown.message).toBe("No such column 'Leadstage_Stage__c' on sobject of type Lead");
      const badNumber = await failure(conn.sobject('Lead').update([{ Id: lead!.Id, NumberOfEmployees: 'lots' }], { allOrNone: false }));
      expect(badNumber.errorCode).toBe('JSON_PARSER_ERROR');
      const badDate = await failure(conn.sobject('Lead').update([{ Id: lead!.Id, EmailBouncedDate: '27/11/2026' }], { allOrNone: false }));
      expect(badDate.errorCode).toBe('JSON_PARSER_ERROR');
    });

    it('can keep deserialization errors per record (sandbox option)', async () => {
      await start({ deserializationErrors: 'record' });
      const [a, b] = (await conn.query<Row>('SELECT Id FROM Lead WHERE IsConverted = false LIMIT 2')).records;
      const results = (await conn.sobject('Lead').update([
        { Id: a!.Id, Leadstage_Stage__c: 'MQL' }, { Id: b!.Id, NumberOfEmployees: 'lots' },
      ], { allOrNone: false })) as SaveResult[];
      expect(results.map((r) => r.errors[0]?.statusCode)).toEqual(['INVALID_FIELD', 'INVALID_TYPE_ON_FIELD_IN_RECORD']);
    });

    it('refuses more than 200 records in one call', async () => {
      await start();
      const leads = (await conn.query<Row>('SELECT Id FROM Lead WHERE IsConverted = false LIMIT 201')).records;
      const error = await failure(conn.sobject('Lead').update(leads.map((l) => ({ Id: l.Id, Rating: 'Warm' })), { allOrNone: false }));
      expect(error.errorCode).toBe('EXCEEDED_ID_LIMIT');
      expect(error.message).toBe(COLLECTION_LIMIT_MESSAGE);
      expect(sandbox.stats().writes.updated).toBe(0);
    });

    it('rolls everything back with allOrNone:true', async () => {
      await start();
      const [a, b] = (await conn.query<Row>("SELECT Id, Rating FROM Lead WHERE IsConverted = false AND Rating = null LIMIT 2")).records;
      const results = (await conn.sobject('Lead').update([
        { Id: a!.Id, Rating: 'Hot' }, { Id: b!.Id, Status: 'Nope' },
      ], { allOrNone: true })) as SaveResult[];
      expect(results[0]).toEqual({
        success: false,
        errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: 'Record rolled back because not all records were valid and the request was using AllOrNone header', fields: [] }],
      });
      expect(results[1]!.errors[0]!.statusCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
      expect((await conn.sobject('Lead').retrieve(a!.Id) as Row).Rating).toBeNull();
    });

    it('runs the lead assignment rule unless Sforce-Auto-Assign is FALSE (REST defaults to TRUE)', async () => {
      await start();
      const hot = sandbox.describeSeed().kinds.queueHotLead;
      const members = new Set(INBOUND_QUEUE.members.map((m) => m.id));
      await conn.sobject('Lead').update([{ Id: hot[0]!, Rating: 'Hot' }], { allOrNone: false, headers: { 'Sforce-Auto-Assign': 'FALSE' } });
      expect((await conn.sobject('Lead').retrieve(hot[0]!) as Row).OwnerId).toBe(INBOUND_QUEUE.id);
      await conn.sobject('Lead').update([{ Id: hot[0]!, Rating: 'Hot' }], { allOrNone: false, headers: { 'Sforce-Auto-Assign': 'TRUE' } });
      const assigned = (await conn.sobject('Lead').retrieve(hot[0]!) as Row).OwnerId as string;
      expect(members.has(assigned)).toBe(true);
      // no header at all: the REST API applies the active assignment rule
      await conn.sobject('Lead').update([{ Id: hot[1]!, Rating: 'Hot' }], { allOrNone: false });
      expect(members.has((await conn.sobject('Lead').retrieve(hot[1]!) as Row).OwnerId as string)).toBe(true);
      expect(sandbox.stats().writes.autoAssigned).toBe(2);
    });
  });

  describe('Tooling API custom fields and the unique Task key', () => {
    it('creates fields that appear in describe, SOQL and writes (a profile granting new fields); refuses duplicates', async () => {
      await start({ customFieldAccess: 'edit' });
      const created = await conn.tooling.sobject('CustomField').create({
        FullName: 'Lead.Leadstage_Stage__c', Metadata: { label: 'Leadstage Stage', type: 'Text', length: 40 },
      });
      expect(created).toMatchObject({ success: true, errors: [], id: expect.stringMatching(/^00N/) });
      await conn.tooling.sobject('CustomField').create({
        FullName: 'Lead.Leadstage_Score__c', Metadata: { label: 'Leadstage Score', type: 'Number', precision: 6, scale: 0 },
      });
      const describe = await conn.sobject('Lead').describe();
      expect(describe.fields.find((f) => f.name === 'Leadstage_Stage__c')).toMatchObject({ type: 'string', length: 40, custom: true, updateable: true });
      const [lead] = (await conn.query<Row>('SELECT Id, Leadstage_Stage__c FROM Lead WHERE IsConverted = false LIMIT 1')).records;
      expect(lead!.Leadstage_Stage__c).toBeNull();
      const [saved] = (await conn.sobject('Lead').update([{ Id: lead!.Id, Leadstage_Stage__c: 'MQL', Leadstage_Score__c: 87.4 }], { allOrNone: false })) as SaveResult[];
      expect(saved!.success).toBe(true);
      const read = (await conn.query<Row>(`SELECT Leadstage_Stage__c, Leadstage_Score__c FROM Lead WHERE Id = '${lead!.Id}'`)).records[0]!;
      expect(read).toMatchObject({ Leadstage_Stage__c: 'MQL', Leadstage_Score__c: 87 });
      const tooMuch = (await conn.sobject('Lead').update([{ Id: lead!.Id, Leadstage_Score__c: 12_345_678 }], { allOrNone: false })) as SaveResult[];
      expect(tooMuch[0]!.errors[0]!.statusCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
      const duplicate = await failure(conn.tooling.sobject('CustomField').create({
        FullName: 'Lead.Leadstage_Stage__c', Metadata: { label: 'Leadstage Stage', type: 'Text', length: 40 },
      }));
      expect(duplicate.errorCode).toBe('DUPLICATE_DEVELOPER_NAME');
      const listed = await conn.tooling.query<Row>("SELECT Id, DeveloperName, TableEnumOrId FROM CustomField WHERE TableEnumOrId = 'Lead'");
      expect(listed.records.map((r) => r.DeveloperName).sort()).toEqual(['Leadstage_Score', 'Leadstage_Stage']);
      expect(sandbox.stats().tooling.customFieldsCreated).toBe(2);
    });

    it('answers 403 INSUFFICIENT_ACCESS when the integration user may not customize the org', async () => {
      await start({ allowMetadata: false });
      const error = await failure(conn.tooling.sobject('CustomField').create({
        FullName: 'Lead.Leadstage_Stage__c', Metadata: { label: 'Leadstage Stage', type: 'Text', length: 40 },
      }));
      expect(error.errorCode).toBe('INSUFFICIENT_ACCESS');
    });

    it('creates Tasks with a unique Leadstage_Key__c: the second create is DUPLICATE_VALUE naming the first', async () => {
      await start({ customFieldAccess: 'edit' });
      const wrongObject = await failure(conn.tooling.sobject('CustomField').create({
        FullName: 'Task.Leadstage_Key__c', Metadata: { label: 'Leadstage Key', type: 'Text', length: 80, externalId: true, unique: true },
      }));
      expect(wrongObject.message).toMatch(/Activity/);
      await conn.tooling.sobject('CustomField').create({
        FullName: 'Activity.Leadstage_Key__c', Metadata: { label: 'Leadstage Key', type: 'Text', length: 80, externalId: true, unique: true },
      });
      const key = (await conn.sobject('Task').describe()).fields.find((f) => f.name === 'Leadstage_Key__c');
      expect(key).toMatchObject({ externalId: true, unique: true, length: 80 });
      const whoId = sandbox.describeSeed().kinds.demoRequest[0]!;
      const task = { WhoId: whoId, Subject: 'Call: demo request (Leadstage)', Status: 'Not Started', Priority: 'High', ActivityDate: '2026-11-28', Leadstage_Key__c: 'fast-track:00Q1' };
      const [first] = (await conn.sobject('Task').create([task], { allOrNone: false })) as SaveResult[];
      expect(first).toEqual({ id: expect.stringMatching(/^00T/), success: true, errors: [] });
      const [second] = (await conn.sobject('Task').create([{ ...task, Leadstage_Key__c: 'FAST-TRACK:00Q1' }], { allOrNone: false })) as SaveResult[];
      expect(second).toEqual({
        success: false,
        errors: [{ statusCode: 'DUPLICATE_VALUE', message: `duplicate value found: Leadstage_Key__c duplicates value on record with id: ${first!.id}`, fields: [] }],
      });
      const stored = (await conn.query<Row>(`SELECT Id, OwnerId, TaskSubtype, IsClosed, CreatedDate, Who.Type FROM Task WHERE Leadstage_Key__c = 'fast-track:00Q1'`)).records;
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ OwnerId: sandbox.userId, TaskSubtype: 'Task', IsClosed: false, CreatedDate: NOW, Who: { Type: 'Lead' } });
      const missing = (await conn.sobject('Task').create([{ Subject: 'x', Status: 'Nope' }], { allOrNone: false })) as SaveResult[];
      expect(missing[0]!.success).toBe(false);
      // upsert by the external id: created once, updated after
      const up1 = (await conn.sobject('Task').upsert([{ Leadstage_Key__c: 'sla:00Q2', Subject: 'Follow up', WhoId: whoId }], 'Leadstage_Key__c')) as SaveResult[];
      const up2 = (await conn.sobject('Task').upsert([{ Leadstage_Key__c: 'sla:00Q2', Subject: 'Follow up (2)', WhoId: whoId }], 'Leadstage_Key__c')) as SaveResult[];
      expect([up1[0]!.created, up2[0]!.created]).toEqual([true, false]);
      expect(up2[0]!.id).toBe(up1[0]!.id);
    });

    it('models field-level security: Tooling-created fields can be read-only or invisible until access is granted', async () => {
      await start({ customFieldAccess: 'none' });
      const stage = { FullName: 'Lead.Leadstage_Stage__c', Metadata: { label: 'Leadstage Stage', type: 'Text', length: 40 } };
      await conn.tooling.sobject('CustomField').create(stage);
      expect((await conn.sobject('Lead').describe()).fields.some((f) => f.name === 'Leadstage_Stage__c')).toBe(false);
      expect((await failure(conn.query('SELECT Leadstage_Stage__c FROM Lead'))).errorCode).toBe('INVALID_FIELD');
      expect((await failure(conn.tooling.sobject('CustomField').create(stage))).errorCode).toBe('DUPLICATE_DEVELOPER_NAME');
      const grant = await fetch(`${sandbox.url}/__sandbox/field-access`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fullName: 'Lead.Leadstage_Stage__c' }),
      });
      expect(await grant.json()).toEqual({ granted: 1 });
      expect((await conn.sobject('Lead').describe()).fields.find((f) => f.name === 'Leadstage_Stage__c')).toMatchObject({ updateable: true });
      await sandbox.close();

      await start({ customFieldAccess: 'read' });
      await conn.tooling.sobject('CustomField').create(stage);
      expect((await conn.sobject('Lead').describe()).fields.find((f) => f.name === 'Leadstage_Stage__c')).toMatchObject({ updateable: false, createable: false });
      const [lead] = (await conn.query<Row>('SELECT Id, Leadstage_Stage__c FROM Lead WHERE IsConverted = false LIMIT 1')).records;
      const [result] = (await conn.sobject('Lead').update([{ Id: lead!.Id, Leadstage_Stage__c: 'MQL' }], { allOrNone: false })) as SaveResult[];
      expect(result!.errors[0]!.statusCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
      expect(sandbox.grantFieldAccess()).toBe(1);
      const [retry] = (await conn.sobject('Lead').update([{ Id: lead!.Id, Leadstage_Stage__c: 'MQL' }], { allOrNone: false })) as SaveResult[];
      expect(retry!.success).toBe(true);
    });

    it('compares a case-sensitive unique key exactly', async () => {
      await start({ withLeadstageFields: true });
      const whoId = sandbox.describeSeed().kinds.demoRequest[0]!;
      const results = (await conn.sobject('Task').create([
        { WhoId: whoId, Subject: 'a', Leadstage_Key__c: 'key-A' }, { WhoId: whoId, Subject: 'b', Leadstage_Key__c: 'KEY-a' },
        { WhoId: whoId, Subject: 'c', Leadstage_Key__c: 'key-A' },
      ], { allOrNone: false })) as SaveResult[];
      expect(results.map((r) => r.success)).toEqual([true, true, false]);
      expect((await conn.sobject('Task').describe()).fields.find((f) => f.name === 'Leadstage_Key__c')).toMatchObject({ caseSensitive: true });
    });

    it('seeds the fields already with withLeadstageFields', async () => {
      await start({ withLeadstageFields: true });
      const contact = await conn.sobject('Contact').describe();
      const names = contact.fields.filter((f) => f.custom).map((f) => f.name);
      expect(names).toEqual(expect.arrayContaining(['Leadstage_Stage__c', 'Leadstage_Reasons__c', 'Leadstage_SLA_Due__c', 'Leadstage_Fit_Grade__c']));
      expect(contact.fields.find((f) => f.name === 'Leadstage_Reasons__c')).toMatchObject({ type: 'textarea', length: 32768 });
      expect((await conn.sobject('Task').describe()).fields.some((f) => f.name === 'Leadstage_Key__c')).toBe(true);
    });
  });

  describe('Bulk API 2.0', () => {
    it('runs conn.bulk2.query and returns every row with parent fields as dotted columns', async () => {
      await start({ contacts: 400 });
      const tricky = 'He said "hi", then\nleft';
      const [first] = (await conn.query<Row>('SELECT Id FROM Contact LIMIT 1')).records;
      await conn.sobject('Contact').update([{ Id: first!.Id, Title: tricky }], { allOrNone: false });
      const stream = await conn.bulk2.query('SELECT Id, Email, CreatedDate, Account.Industry FROM Contact', { pollInterval: 10, pollTimeout: 5_000 });
      const rows: Record<string, string>[] = [];
      await new Promise<void>((resolve, reject) => {
        stream.on('record', (record: Record<string, string>) => rows.push(record));
        stream.on('end', () => resolve());
        stream.on('error', reject);
      });
      const live = [...sandbox.store.rows('Contact', { includeDeleted: false })];
      expect(rows).toHaveLength(live.length);
      expect(Object.keys(rows[0]!)).toEqual(['Id', 'Email', 'CreatedDate', 'Account.Industry']);
      expect(rows[0]!.CreatedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      const titles = await conn.bulk2.query(`SELECT Id, Title FROM Contact WHERE Id = '${first!.Id}'`, { pollInterval: 10, pollTimeout: 5_000 });
      const [titled] = await new Promise<Record<string, string>[]>((resolve, reject) => {
        const out: Record<string, string>[] = [];
        titles.on('record', (record: Record<string, string>) => out.push(record)).on('end', () => resolve(out)).on('error', reject);
      });
      expect(titled!.Title).toBe(tricky);
      expect(sandbox.stats().bulk).toMatchObject({ jobsCreated: 2, resultPages: 2, rowsReturned: live.length + 1 });
      expect((await conn.limits()).DailyBulkV2QueryJobs?.Remaining).toBe(9_998);
    });

    it('pages results with Sforce-Locator ("null" on the last page), after InProgress', async () => {
      await start({ contacts: 120, bulkJobDelayMs: 150 });
      const job = await conn.request<{ id: string; state: string }>({
        method: 'POST', url: '/jobs/query', body: JSON.stringify({ operation: 'queryAll', query: 'SELECT Id, Name FROM Contact' }),
        headers: { 'content-type': 'application/json' },
      });
      expect(job.state).toBe('UploadComplete');
      const tooEarly = await failure(conn.request(`/jobs/query/${job.id}/results`));
      expect(tooEarly.errorCode).toBe('INVALIDJOBSTATE');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await conn.request<{ state: string }>(`/jobs/query/${job.id}`)).state).toBe('JobComplete');
      const headers = { Authorization: `Bearer ${sandbox.accessToken}` };
      let locator: string | null = '';
      let rows = 0;
      let pages = 0;
      while (locator !== 'null') {
        const response: Response = await fetch(`${sandbox.url}/services/data/v62.0/jobs/query/${job.id}/results?maxRecords=50${locator ? `&locator=${locator}` : ''}`, { headers });
        const text = await response.text();
        expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
        expect(text.split('\n')[0]).toBe('"Id","Name"');
        rows += Number(response.headers.get('sforce-numberofrecords'));
        locator = response.headers.get('sforce-locator');
        pages++;
      }
      expect(rows).toBe(120);
      expect(pages).toBe(3);
    });
  });
});
