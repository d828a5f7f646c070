/**
 * The Salesforce sandbox is as strict as a real org where the connector's review against real orgs
 * found it was too forgiving, driven through the real jsforce: field-level security that follows
 * permission sets assigned to the user, audit stamps kept to the second.
 */
import { Connection } from 'jsforce';
import { SALES_MANAGER, startSalesforceSandbox, type SalesforceSandbox, type SalesforceSandboxOptions } from '../../sandboxes/salesforce';

type SfError = Error & { errorCode?: string };
type SaveResult = { id?: string; success: boolean; errors: { statusCode: string; message: string; fields: string[] }[] };
type Row = Record<string, unknown> & { Id: string };

async function failure(promise: PromiseLike<unknown>): Promise<SfError> {
  try {
    await promise;
  } catch (error) {
    return error as SfError;
  }
  throw new Error('expected the call to fail');
}

describe('Salesforce sandbox: as strict as a real org', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;

  async function start(options: SalesforceSandboxOptions = {}): Promise<void> {
    sandbox = await startSalesforceSandbox({ leads: 60, contacts: 30, clock: 'frozen', ...options });
    conn = new Connection({ instanceUrl: sandbox.url, accessToken: sandbox.accessToken, version: '62.0' });
  }

  afterEach(async () => {
    await sandbox?.close();
  });

  const openLead = async () => (await conn.query<Row>('SELECT Id FROM Lead WHERE IsConverted = false LIMIT 1')).records[0]!.Id;

  describe('field-level security through permission sets', () => {
    const score = { FullName: 'Lead.Leadstage_Score__c', Metadata: { label: 'Leadstage Score', type: 'Number', precision: 5, scale: 0 } };
    const key = { FullName: 'Activity.Leadstage_Key__c', Metadata: { label: 'Leadstage Key', type: 'Text', length: 80, externalId: true, unique: true } };

    it('a field created through the Tooling API is invisible to the user, in describe, SOQL and writes, until a permission set grants it', async () => {
      await start();
      await conn.tooling.sobject('CustomField').create(score);
      await conn.tooling.sobject('CustomField').create(key);
      expect((await conn.sobject('Lead').describe()).fields.some((f) => f.name === 'Leadstage_Score__c')).toBe(false);
      expect((await failure(conn.query('SELECT Leadstage_Score__c FROM Lead'))).errorCode).toBe('INVALID_FIELD');
      const id = await openLead();
      const write = await failure(conn.sobject('Lead').update([{ Id: id, Leadstage_Score__c: 5 }], { allOrNone: false }));
      expect(write.errorCode).toBe('INVALID_FIELD');
      expect(write.message).toBe("No such column 'Leadstage_Score__c' on sobject of type Lead");

      const set = (await conn.sobject('PermissionSet').create({ Name: 'Leadstage_Integration', Label: 'Leadstage Integration' })) as SaveResult;
      expect(set).toMatchObject({ success: true, id: expect.stringMatching(/^0PS/) });
      const perms = (await conn.sobject('FieldPermissions').create([
        { ParentId: set.id, SobjectType: 'Lead', Field: 'Lead.Leadstage_Score__c', PermissionsRead: true, PermissionsEdit: true },
        // Task custom fields are defined on Activity and granted on Task
        { ParentId: set.id, SobjectType: 'Task', Field: 'Task.Leadstage_Key__c', PermissionsRead: true, PermissionsEdit: true },
      ], { allOrNone: false })) as SaveResult[];
      expect(perms.map((p) => p.success)).toEqual([true, true]);
      // granted to a permission set nobody holds: still invisible
      expect((await conn.sobject('Lead').describe()).fields.some((f) => f.name === 'Leadstage_Score__c')).toBe(false);

      const assigned = (await conn.sobject('PermissionSetAssignment').create({ AssigneeId: sandbox.userId, PermissionSetId: set.id })) as SaveResult;
      expect(assigned).toMatchObject({ success: true, id: expect.stringMatching(/^0Pa/) });
      expect((await conn.sobject('Lead').describe()).fields.find((f) => f.name === 'Leadstage_Score__c')).toMatchObject({ updateable: true, createable: true });
      expect((await conn.sobject('Task').describe()).fields.find((f) => f.name === 'Leadstage_Key__c')).toMatchObject({ updateable: true });
      const [saved] = (await conn.sobject('Lead').update([{ Id: id, Leadstage_Score__c: 5 }], { allOrNone: false })) as SaveResult[];
      expect(saved!.success).toBe(true);

      const found = await conn.query<Row>(`SELECT Id, Field, PermissionsEdit, Parent.Name FROM FieldPermissions WHERE ParentId = '${set.id}' ORDER BY Field`);
      expect(found.records.map((r) => [r.Field, r.PermissionsEdit, (r.Parent as { Name: string }).Name])).toEqual([
        ['Lead.Leadstage_Score__c', true, 'Leadstage_Integration'], ['Task.Leadstage_Key__c', true, 'Leadstage_Integration'],
      ]);
      const assignments = await conn.query<Row>(`SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${sandbox.userId}' AND PermissionSetId = '${set.id}'`);
      expect(assignments.totalSize).toBe(1);
    });

    it('is per user: a permission set assigned to the user who approved the app through OAuth grants that user, not the integration user', async () => {
      await start();
      // a Sales Manager approves the app on the consent page: the connector's session runs as that user
      const code = sandbox.issueAuthorizationCode({ userId: SALES_MANAGER.id, redirectUri: 'http://127.0.0.1/oauth/salesforce/callback' });
      const token = await (await fetch(`${sandbox.url}/services/oauth2/token`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: sandbox.clientId, client_secret: sandbox.clientSecret, redirect_uri: 'http://127.0.0.1/oauth/salesforce/callback' }),
      })).json() as { access_token: string };
      const manager = new Connection({ instanceUrl: sandbox.url, accessToken: token.access_token, version: '62.0' });
      await manager.tooling.sobject('CustomField').create(score);
      const set = (await manager.sobject('PermissionSet').create({ Name: 'Leadstage_Integration', Label: 'Leadstage Integration' })) as SaveResult;
      await manager.sobject('FieldPermissions').create({ ParentId: set.id, SobjectType: 'Lead', Field: 'Lead.Leadstage_Score__c', PermissionsRead: true, PermissionsEdit: true });
      expect((await manager.sobject('Lead').describe()).fields.some((f) => f.name === 'Leadstage_Score__c')).toBe(false);
      await manager.sobject('PermissionSetAssignment').create({ AssigneeId: SALES_MANAGER.id, PermissionSetId: set.id });
      expect((await manager.sobject('Lead').describe()).fields.find((f) => f.name === 'Leadstage_Score__c')).toMatchObject({ updateable: true });
      const id = await openLead();
      expect(((await manager.sobject('Lead').update([{ Id: id, Leadstage_Score__c: 9 }], { allOrNone: false })) as SaveResult[])[0]!.success).toBe(true);
      // the integration user holds no such assignment: the field stays invisible to its session, and visible to the manager's
      expect((await conn.sobject('Lead').describe()).fields.some((f) => f.name === 'Leadstage_Score__c')).toBe(false);
      expect((await failure(conn.query('SELECT Leadstage_Score__c FROM Lead'))).errorCode).toBe('INVALID_FIELD');
      expect((await manager.query<Row>(`SELECT Leadstage_Score__c FROM Lead WHERE Id = '${id}'`)).records[0]!.Leadstage_Score__c).toBe(9);
    });

    it('read without edit: describe says not updateable and a write fails per record', async () => {
      await start();
      await conn.tooling.sobject('CustomField').create(score);
      const set = (await conn.sobject('PermissionSet').create({ Name: 'Read_Only', Label: 'Read only' })) as SaveResult;
      await conn.sobject('FieldPermissions').create({ ParentId: set.id, SobjectType: 'Lead', Field: 'Lead.Leadstage_Score__c', PermissionsRead: true, PermissionsEdit: false });
      await conn.sobject('PermissionSetAssignment').create({ AssigneeId: sandbox.userId, PermissionSetId: set.id });
      expect((await conn.sobject('Lead').describe()).fields.find((f) => f.name === 'Leadstage_Score__c')).toMatchObject({ updateable: false });
      const [result] = (await conn.sobject('Lead').update([{ Id: await openLead(), Leadstage_Score__c: 5 }], { allOrNone: false })) as SaveResult[];
      expect(result!.errors[0]).toMatchObject({ statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['Leadstage_Score__c'] });
    });

    it('checks permission records as Salesforce does: unknown field, Edit without Read, duplicates, the Activity spelling', async () => {
      await start();
      await conn.tooling.sobject('CustomField').create(score);
      await conn.tooling.sobject('CustomField').create(key);
      const set = (await conn.sobject('PermissionSet').create({ Name: 'Leadstage_Integration', Label: 'Leadstage Integration' })) as SaveResult;
      const bad = (await conn.sobject('FieldPermissions').create([
        { ParentId: set.id, SobjectType: 'Lead', Field: 'Lead.Nope__c', PermissionsRead: true },
        { ParentId: set.id, SobjectType: 'Lead', Field: 'Lead.Leadstage_Score__c', PermissionsRead: false, PermissionsEdit: true },
        { ParentId: set.id, SobjectType: 'Activity', Field: 'Activity.Leadstage_Key__c', PermissionsRead: true },
        { ParentId: set.id, SobjectType: 'Lead', Field: 'Lead.Leadstage_Score__c', PermissionsRead: true },
        { ParentId: set.id, SobjectType: 'Lead', Field: 'Lead.Leadstage_Score__c', PermissionsRead: true },
      ], { allOrNone: false })) as SaveResult[];
      expect(bad.map((r) => r.success || r.errors[0]!.statusCode)).toEqual([
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'FIELD_INTEGRITY_EXCEPTION', 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', true, 'DUPLICATE_VALUE',
      ]);
      const again = (await conn.sobject('PermissionSet').create([{ Name: 'Leadstage_Integration', Label: 'Again' }], { allOrNone: false })) as SaveResult[];
      expect(again[0]!.errors[0]!.statusCode).toBe('DUPLICATE_VALUE');
      await conn.sobject('PermissionSetAssignment').create({ AssigneeId: sandbox.userId, PermissionSetId: set.id });
      const twice = (await conn.sobject('PermissionSetAssignment').create([{ AssigneeId: sandbox.userId, PermissionSetId: set.id }], { allOrNone: false })) as SaveResult[];
      expect(twice[0]!.errors[0]).toMatchObject({ statusCode: 'DUPLICATE_VALUE', message: expect.stringContaining('Duplicate PermissionSetAssignment') });
    });

    it('a user without "Manage Profiles and Permission Sets" or "Assign Permission Sets" is refused per record', async () => {
      await start({ allowPermissionSets: false, allowPermissionSetAssignment: false });
      const [set] = (await conn.sobject('PermissionSet').create([{ Name: 'Leadstage_Integration', Label: 'Leadstage Integration' }], { allOrNone: false })) as SaveResult[];
      expect(set!.errors[0]!.statusCode).toBe('INSUFFICIENT_ACCESS_OR_READONLY');
    });

    it('an admin can revoke a field: it is INVALID_FIELD again; a deleted field too', async () => {
      await start({ withLeadstageFields: true });
      const id = await openLead();
      expect(((await conn.sobject('Lead').update([{ Id: id, Leadstage_Score__c: 7 }], { allOrNone: false })) as SaveResult[])[0]!.success).toBe(true);
      expect(sandbox.revokeFieldAccess('Lead.Leadstage_Score__c')).toBe(1);
      expect((await failure(conn.sobject('Lead').update([{ Id: id, Leadstage_Score__c: 7 }], { allOrNone: false }))).errorCode).toBe('INVALID_FIELD');
      const [field] = (await conn.tooling.query<Row>("SELECT Id FROM CustomField WHERE DeveloperName = 'Leadstage_Stage' AND TableEnumOrId = 'Lead'")).records;
      await conn.tooling.sobject('CustomField').destroy(field!.Id);
      expect((await failure(conn.query('SELECT Leadstage_Stage__c FROM Lead'))).errorCode).toBe('INVALID_FIELD');
    });

    it('withLeadstageFields seeds the permission set the connector makes, assigned to the integration user', async () => {
      await start({ withLeadstageFields: true });
      const sets = await conn.query<Row>("SELECT Id, Label FROM PermissionSet WHERE Name = 'Leadstage_Integration'");
      expect(sets.records).toHaveLength(1);
      expect((await conn.query(`SELECT Id FROM FieldPermissions WHERE ParentId = '${sets.records[0]!.Id}'`)).totalSize).toBe(31);
      expect((await conn.query(`SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${sandbox.userId}'`)).totalSize).toBe(1);
    });
  });

  describe('validation rules and picklists on demand', () => {
    it('a validation rule refuses a record whose values meet it, on every save, with its message', async () => {
      await start();
      const created = await fetch(`${sandbox.url}/__sandbox/validation-rules`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          object: 'Lead', name: 'Working_needs_Rating', errorMessage: 'Status cannot be Working - Contacted when Rating is empty', errorField: 'Status',
          when: [{ field: 'Status', equals: 'Working - Contacted' }, { field: 'Rating', empty: true }],
        }),
      });
      expect(created.status).toBe(201);
      const [lead] = (await conn.query<Row>("SELECT Id FROM Lead WHERE IsConverted = false AND Rating = null AND Status = 'Open - Not Contacted' LIMIT 1")).records;
      const [refused] = (await conn.sobject('Lead').update([{ Id: lead!.Id, Status: 'Working - Contacted', Title: 'Buyer' }], { allOrNone: false })) as SaveResult[];
      expect(refused!.errors).toEqual([{ statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Status cannot be Working - Contacted when Rating is empty', fields: ['Status'] }]);
      const [scoresOnly] = (await conn.sobject('Lead').update([{ Id: lead!.Id, Title: 'Buyer' }], { allOrNone: false })) as SaveResult[];
      expect(scoresOnly!.success).toBe(true);
      const [rated] = (await conn.sobject('Lead').update([{ Id: lead!.Id, Status: 'Working - Contacted', Rating: 'Warm' }], { allOrNone: false })) as SaveResult[];
      expect(rated!.success).toBe(true);
      sandbox.clearValidationRules();
      const bad = await fetch(`${sandbox.url}/__sandbox/validation-rules`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ object: 'Lead', name: 'x', errorMessage: 'x', when: [{ field: 'Nope__c', empty: true }] }),
      });
      expect(bad.status).toBe(400);
    });

    it('an org\'s own Lead Status values: a restricted picklist refuses a value it lacks', async () => {
      await start();
      sandbox.setPicklist({ object: 'Lead', field: 'Status', values: ['Open', 'Contacted', 'Qualified', 'Unqualified'], default: 'Open', converted: 'Qualified' });
      const status = (await conn.sobject('Lead').describe()).fields.find((f) => f.name === 'Status')!;
      expect(status.picklistValues!.map((v) => v.value)).toEqual(['Open', 'Contacted', 'Qualified', 'Unqualified']);
      expect(status.restrictedPicklist).toBe(true);
      const [result] = (await conn.sobject('Lead').update([{ Id: await openLead(), Status: 'Working - Contacted' }], { allOrNone: false })) as SaveResult[];
      expect(result!.errors[0]).toMatchObject({ statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', fields: ['Status'] });
      expect((await conn.query<Row>('SELECT MasterLabel, IsDefault, IsConverted FROM LeadStatus ORDER BY SortOrder')).records.map((r) => [r.MasterLabel, r.IsDefault, r.IsConverted]))
        .toEqual([['Open', true, false], ['Contacted', false, false], ['Qualified', false, true], ['Unqualified', false, false]]);
      // the org's Task statuses, without "Not Started"
      sandbox.setPicklist({ object: 'Task', field: 'Status', values: ['Open', 'Completed'], default: 'Open' });
      const [task] = (await conn.sobject('Task').create([{ WhoId: await openLead(), Subject: 'Call', Status: 'Not Started' }], { allOrNone: false })) as SaveResult[];
      expect(task!.errors[0]!.statusCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    });
  });

  describe('activities', () => {
    it('archived tasks answer queryAll only', async () => {
      await start();
      const all = (await conn.query<Row>('SELECT Id FROM Task WHERE WhoId != null')).records.map((r) => r.Id);
      expect(sandbox.archiveActivities({ ids: all.slice(0, 3) })).toBe(3);
      expect((await conn.query('SELECT Id FROM Task WHERE WhoId != null')).totalSize).toBe(all.length - 3);
      const everything = await conn.query<Row>('SELECT Id, IsArchived FROM Task WHERE WhoId != null', { scanAll: true });
      expect(everything.records.filter((r) => r.IsArchived === true).map((r) => r.Id).sort()).toEqual(all.slice(0, 3).sort());
    });

    it('an org that refuses Unique and External ID on activity fields', async () => {
      await start({ refuseUniqueActivityFields: true });
      const error = await failure(conn.tooling.sobject('CustomField').create({
        FullName: 'Activity.Leadstage_Key__c', Metadata: { label: 'Leadstage Key', type: 'Text', length: 80, externalId: true, unique: true },
      }));
      expect(error.errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
      await conn.tooling.sobject('CustomField').create({ FullName: 'Activity.Plain__c', Metadata: { label: 'Plain', type: 'Text', length: 80 } });
    });
  });

  describe('request size', () => {
    it('counts the URI and headers together against 16,384 bytes: 414 for the URI alone, 431 with the headers', async () => {
      await start();
      const path = '/services/data/v62.0/query?q=';
      const soql = (bytes: number) => encodeURIComponent(`SELECT Id FROM Lead WHERE Email = '${'a'.repeat(bytes)}'`);
      const get = (q: string, headers: Record<string, string> = {}) => fetch(`${sandbox.url}${path}${q}`, { headers: { Authorization: `Bearer ${sandbox.accessToken}`, ...headers } });
      expect((await get(soql(15_000))).status).toBe(200);
      // the same URI with 2 KB more of headers is over
      const over = await get(soql(15_000), { 'X-Padding': 'p'.repeat(2_000) });
      expect(over.status).toBe(431);
      expect(await over.json()).toEqual([expect.objectContaining({ errorCode: 'REQUEST_HEADER_FIELDS_TOO_LARGE' })]);
      expect((await get(soql(17_000))).status).toBe(414);
    });
  });

  describe('time', () => {
    it('commits some writes late with an earlier stamp: invisible until the commit, then behind rows already visible', async () => {
      await start();
      const [a, b] = (await conn.query<Row>('SELECT Id FROM Lead WHERE IsConverted = false LIMIT 2')).records.map((r) => r.Id);
      const startedAt = sandbox.clock.now();
      sandbox.faults.set({ lateCommitNext: 1, lateCommitMs: 60_000 });
      await conn.sobject('Lead').update({ Id: a!, Title: 'Late title' });
      sandbox.clock.advance(5_000);
      await conn.sobject('Lead').update({ Id: b!, Title: 'On-time title' });
      const since = new Date(startedAt - 1000).toISOString();
      const visible = async () => (await conn.query<Row>(`SELECT Id, Title, SystemModstamp FROM Lead WHERE SystemModstamp > ${since} ORDER BY SystemModstamp`)).records;
      expect((await visible()).map((r) => r.Id)).toEqual([b]);
      // the row as it was, until the transaction commits
      expect((await conn.sobject('Lead').retrieve(a!) as Row).Title).not.toBe('Late title');
      const updated = await conn.sobject('Lead').updated(new Date(startedAt - 60_000).toISOString(), new Date(sandbox.clock.now()).toISOString());
      expect(Date.parse(updated.latestDateCovered)).toBeLessThanOrEqual(startedAt);
      sandbox.clock.advance(60_000);
      const after = await visible();
      expect(after.map((r) => [r.Id, r.Title])).toEqual([[a, 'Late title'], [b, 'On-time title']]);
      expect(Date.parse(String(after[0]!.SystemModstamp).replace('+0000', 'Z'))).toBeLessThan(Date.parse(String(after[1]!.SystemModstamp).replace('+0000', 'Z')));
    });

    it('stamps SystemModstamp, LastModifiedDate and CreatedDate to the second, as Salesforce keeps them', async () => {
      await start();
      sandbox.clock.set(Date.parse('2026-11-27T12:00:05.789Z'));
      const id = await openLead();
      await conn.sobject('Lead').update({ Id: id, Title: 'Plant manager' });
      const [row] = (await conn.query<Row>(`SELECT SystemModstamp, LastModifiedDate FROM Lead WHERE Id = '${id}'`)).records;
      expect(row).toMatchObject({ SystemModstamp: '2026-11-27T12:00:05.000+0000', LastModifiedDate: '2026-11-27T12:00:05.000+0000' });
      const created = (await conn.sobject('Task').create({ WhoId: id, Subject: 'Call' })) as SaveResult;
      const [task] = (await conn.query<Row>(`SELECT CreatedDate FROM Task WHERE Id = '${created.id}'`)).records;
      expect(task!.CreatedDate).toBe('2026-11-27T12:00:05.000+0000');
      for (const lead of (await conn.query<Row>('SELECT SystemModstamp FROM Lead')).records) expect(String(lead.SystemModstamp)).toMatch(/\.000\+0000$/);
    });
  });
});
