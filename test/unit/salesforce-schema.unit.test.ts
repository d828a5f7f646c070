/**
 * ensureSchema (schema/ensure-schema.ts) against a fake org: creates only the missing Leadstage fields
 * through the Tooling API; fields the connected user cannot see are granted by the
 * Leadstage_Integration permission set (FieldPermissions read+edit per field, assigned to the user),
 * idempotently; whatever it cannot do is a problem with the admin's steps (a refused create, a
 * permission set it may not make, a mapping or Lead Status the org lacks), never a thrown error, and
 * the fields that stay unwritable are marked for the writer. Retryable failures are thrown.
 */
import { salesforceMappings } from '../../connectors/salesforce/mapping';
import { SalesforceApiError } from '../../connectors/salesforce/salesforce-api-error';
import type { SfDescribe, SfFieldDescribe, SfQueryPage, SfRecord, SfRecordWrite, SfSaveResult } from '../../connectors/salesforce/salesforce-api.types';
import { ensureSchema } from '../../connectors/salesforce/schema/ensure-schema';
import { LEADSTAGE_FIELDS, PERSON_FIELDS } from '../../connectors/salesforce/schema/leadstage-fields.constant';
import { OrgSchema } from '../../connectors/salesforce/schema/org-schema';
import { WritableFields } from '../../connectors/salesforce/schema/writable-fields';

const STATUS: SfFieldDescribe = {
  name: 'Status', type: 'picklist', label: 'Lead Status', updateable: true, createable: true, custom: false,
  picklistValues: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'].map((value) => ({ value, active: true })),
};
const USER = '005000000000001AAA';

/**
 * A fake org with field-level security: `hideCreated` makes created fields invisible until a
 * permission set holding a FieldPermissions row for them is assigned to USER.
 */
class FakeOrg {
  readonly fields: Record<string, SfFieldDescribe[]> = { Lead: [STATUS], Contact: [], Task: [] };
  readonly created: { fullName: string; metadata: Record<string, unknown> }[] = [];
  /** Fields that exist but the user may not see yet: `Lead.Leadstage_Score__c` → describe entry. */
  readonly hidden = new Map<string, SfFieldDescribe>();
  readonly rows: Record<string, SfRecord[]> = { PermissionSet: [], FieldPermissions: [], PermissionSetAssignment: [] };
  readonly writes: string[] = [];
  describes = 0;
  refuse: SalesforceApiError | null = null;
  /** Created fields stay invisible to the connected user (no field-level security). */
  hideCreated = false;
  /** The user lacks "Manage Profiles and Permission Sets". */
  refusePermissionSets = false;
  private seq = 0;

  async describe(sobject: string): Promise<SfDescribe> {
    this.describes += 1;
    const granted = this.granted();
    const visible = [...this.hidden].filter(([path]) => path.startsWith(`${sobject}.`) && granted.has(path)).map(([, f]) => f);
    return { name: sobject, fields: [...(this.fields[sobject] ?? []), ...visible] };
  }

  async createCustomField(fullName: string, metadata: Record<string, unknown>): Promise<void> {
    if (this.refuse) throw this.refuse;
    this.created.push({ fullName, metadata });
    const [object, name] = fullName.split('.') as [string, string];
    const sobject = object === 'Activity' ? 'Task' : object;
    const field: SfFieldDescribe = { name, type: 'string', label: String(metadata.label), updateable: true, createable: true, custom: true };
    if (this.hideCreated) this.hidden.set(`${sobject}.${name}`, field);
    else this.fields[sobject]!.push(field);
  }

  private granted(): Set<string> {
    const sets = new Set(this.rows.PermissionSetAssignment!.filter((a) => a.AssigneeId === USER).map((a) => a.PermissionSetId));
    return new Set(this.rows.FieldPermissions!.filter((p) => sets.has(p.ParentId) && p.PermissionsEdit === true).map((p) => String(p.Field)));
  }

  async query<T extends SfRecord>(soql: string): Promise<SfQueryPage<T>> {
    const from = /FROM (\w+)/.exec(soql)![1]!;
    const conditions = [...soql.matchAll(/(\w+) = '([^']*)'/g)].map((m) => [m[1]!, m[2]!] as const);
    const records = (this.rows[from] ?? []).filter((r) => conditions.every(([field, value]) => r[field] === value));
    return { records: records as T[], totalSize: records.length, done: true };
  }

  async queryMore<T extends SfRecord>(): Promise<SfQueryPage<T>> {
    throw new Error('one page is enough');
  }

  async createRecords(records: readonly SfRecordWrite[]): Promise<SfSaveResult[]> {
    return records.map((r) => {
      this.writes.push(`create ${r.type}`);
      if (this.refusePermissionSets) return { id: null, success: false, errors: [{ statusCode: 'INSUFFICIENT_ACCESS_OR_READONLY', message: 'insufficient access rights on object id' }] };
      const id = `${r.type}-${++this.seq}`;
      this.rows[r.type]!.push({ Id: id, ...r.fields });
      return { id, success: true, errors: [] };
    });
  }

  async updateRecords(records: readonly SfRecordWrite[]): Promise<SfSaveResult[]> {
    return records.map((r) => {
      this.writes.push(`update ${r.type}`);
      Object.assign(this.rows[r.type]!.find((row) => row.Id === r.id)!, r.fields);
      return { id: r.id!, success: true, errors: [] };
    });
  }

  async currentUserId(): Promise<string> {
    return USER;
  }
}

function run(org: FakeOrg, logger?: { warn: jest.Mock; error: jest.Mock }, mappings = salesforceMappings(), writable?: WritableFields) {
  return ensureSchema({ installationId: 'inst-1', api: org, schema: new OrgSchema(org), mappings, logger, writable });
}

const FIELD_COUNT = LEADSTAGE_FIELDS.reduce((n, o) => n + o.fields.length, 0);

describe('Salesforce ensureSchema', () => {
  it('creates every missing Leadstage field once; a second run creates nothing and reports nothing', async () => {
    const org = new FakeOrg();
    expect(await run(org)).toEqual({ problems: [] });
    expect(org.created).toHaveLength(FIELD_COUNT);
    expect(org.created.map((c) => c.fullName)).toEqual(expect.arrayContaining([
      'Lead.Leadstage_Stage__c', 'Contact.Leadstage_SLA_Due__c', 'Activity.Leadstage_Key__c',
    ]));
    expect(org.created.find((c) => c.fullName === 'Lead.Leadstage_Score__c')!.metadata).toEqual({
      label: 'Leadstage Score', description: 'Total score (fit + engagement)', type: 'Number', precision: 5, scale: 0,
    });
    expect(org.created.find((c) => c.fullName === 'Activity.Leadstage_Key__c')!.metadata).toMatchObject({
      type: 'Text', length: 80, externalId: true, unique: true,
    });
    expect(org.created.find((c) => c.fullName === 'Lead.Leadstage_Reasons__c')!.metadata).toMatchObject({ type: 'LongTextArea', length: 32768 });
    org.created.length = 0;
    org.describes = 0;
    expect(await run(org)).toEqual({ problems: [] });
    expect(org.created).toEqual([]);
    // visible and editable already: no permission set work
    expect(org.describes).toBe(3);
    expect(org.writes).toEqual([]);
  });

  it('grants the fields it created to the connected user: one permission set, a read+edit FieldPermissions per field, assigned once', async () => {
    const org = new FakeOrg();
    org.hideCreated = true;
    const writable = new WritableFields();
    expect(await run(org, undefined, salesforceMappings(), writable)).toEqual({ problems: [] });
    expect(org.rows.PermissionSet).toEqual([expect.objectContaining({ Name: 'Leadstage_Integration', Label: 'Leadstage Integration' })]);
    const setId = org.rows.PermissionSet![0]!.Id;
    expect(org.rows.FieldPermissions).toHaveLength(FIELD_COUNT);
    expect(org.rows.FieldPermissions!.every((p) => p.ParentId === setId && p.PermissionsRead === true && p.PermissionsEdit === true)).toBe(true);
    // a Task custom field is defined on Activity but granted on Task
    expect(org.rows.FieldPermissions).toContainEqual(expect.objectContaining({ SobjectType: 'Task', Field: 'Task.Leadstage_Key__c' }));
    expect(org.rows.FieldPermissions).toContainEqual(expect.objectContaining({ SobjectType: 'Contact', Field: 'Contact.Leadstage_Score__c' }));
    expect(org.rows.PermissionSetAssignment).toEqual([expect.objectContaining({ AssigneeId: USER, PermissionSetId: setId })]);
    expect(writable.list()).toEqual([]);

    // idempotent: an admin took edit away from one field; the next setup finds the set by name, fixes that row only
    org.rows.FieldPermissions![0]!.PermissionsEdit = false;
    org.writes.length = 0;
    expect(await run(org)).toEqual({ problems: [] });
    expect(org.writes).toEqual(['update FieldPermissions']);
    expect(org.rows.PermissionSet).toHaveLength(1);
    expect(org.rows.PermissionSetAssignment).toHaveLength(1);
  });

  it('a user who may not manage permission sets: one problem with the admin\'s steps and the fields still missing; they are left out of writes', async () => {
    const org = new FakeOrg();
    org.hideCreated = true;
    org.refusePermissionSets = true;
    const logger = { warn: jest.fn(), error: jest.fn() };
    const writable = new WritableFields();
    const { problems } = await run(org, logger, salesforceMappings(), writable);
    expect(problems).toHaveLength(1);
    const [problem] = problems;
    expect(problem).toMatchObject({ key: 'schema:field-access', code: 'FIELD_ACCESS_MISSING' });
    expect(problem!.message).toContain(`${FIELD_COUNT} Leadstage fields exist in Salesforce but the connected user cannot edit them`);
    expect(problem!.message).toContain('INSUFFICIENT_ACCESS_OR_READONLY');
    expect(problem!.message).toContain('Lead.Leadstage_Score__c');
    expect(problem!.fix).toContain('Setup → Permission Sets → New: Label "Leadstage Integration", API Name "Leadstage_Integration"');
    expect(problem!.fix).toContain('Tasks (Leadstage_Key__c)');
    expect(problem!.fix).toContain('Manage Assignments → Add Assignment');
    expect(problem!.details).toMatchObject({ fields: expect.arrayContaining(['Contact.Leadstage_SLA_Due__c', 'Task.Leadstage_Key__c']) });
    expect(writable.isWritable('Lead', 'Leadstage_Score__c')).toBe(false);
    expect(writable.isWritable('Lead', 'Status')).toBe(true);
    expect(logger.error).toHaveBeenCalledWith('Salesforce setup incomplete: the sync goes on without what is missing', expect.objectContaining({ installationId: 'inst-1' }));
  });

  it('a refused create: one problem listing the exact setup steps for every missing field', async () => {
    const org = new FakeOrg();
    org.refuse = new SalesforceApiError(
      'Salesforce POST /tooling/sobjects/CustomField answered 403 INSUFFICIENT_ACCESS_OR_READONLY: insufficient access rights on object id',
      'POST /tooling/sobjects/CustomField', 403, 'INSUFFICIENT_ACCESS_OR_READONLY', false,
    );
    const logger = { warn: jest.fn(), error: jest.fn() };
    const writable = new WritableFields();
    const { problems } = await run(org, logger, salesforceMappings(), writable);
    expect(problems.map((p) => p.code)).toEqual(['FIELDS_MISSING']);
    const { fix, message, details } = problems[0]!;
    expect(fix).toContain('Setup → Object Manager → Lead → Fields & Relationships → New → Data Type "Text", Field Label "Leadstage Stage", Length 40, Field Name "Leadstage_Stage" (API name Leadstage_Stage__c)');
    expect(fix).toContain('Setup → Object Manager → Contact → Fields & Relationships → New → Data Type "Number", Field Label "Leadstage Score", Length 5, Decimal Places 0');
    expect(fix).toContain('Data Type "Text Area (Long)", Field Label "Leadstage Reasons", Length 32768');
    expect(fix).toContain('Data Type "Date/Time", Field Label "Leadstage SLA Due"');
    expect(fix).toContain('Setup → Object Manager → Activity → Fields & Relationships → New → Data Type "Text", Field Label "Leadstage Key", Length 80, Field Name "Leadstage_Key", tick "Unique" (case sensitive), tick "External ID"');
    expect(message).toContain('INSUFFICIENT_ACCESS_OR_READONLY: insufficient access rights');
    for (const field of PERSON_FIELDS) expect(fix).toContain(`Lead.${field.name}`);
    expect((details as { fields: string[] }).fields).toHaveLength(FIELD_COUNT);
    expect(writable.list()).toHaveLength(FIELD_COUNT);
    expect(logger.error).toHaveBeenCalled();
  });

  it('a retryable failure is thrown as is (the job retries)', async () => {
    const org = new FakeOrg();
    org.refuse = new SalesforceApiError('503', 'POST /tooling/sobjects/CustomField', 503, 'SERVER_UNAVAILABLE', true);
    await expect(run(org)).rejects.toBeInstanceOf(SalesforceApiError);
  });

  it('someone else creating the field first is fine: it is granted like the ones it created', async () => {
    const org = new FakeOrg();
    org.hideCreated = true;
    for (const object of LEADSTAGE_FIELDS) for (const field of object.fields) await org.createCustomField(`${object.definedOn}.${field.name}`, { label: field.label });
    org.refuse = new SalesforceApiError('dup', 'POST /tooling/sobjects/CustomField', 400, 'DUPLICATE_DEVELOPER_NAME', false);
    expect(await run(org)).toEqual({ problems: [] });
    expect(org.rows.FieldPermissions).toHaveLength(FIELD_COUNT);
  });

  it('a Lead Status transition to a value the org does not have is a problem with its fix, not a blocker', async () => {
    const org = new FakeOrg();
    org.fields.Lead = [{ ...STATUS, picklistValues: [{ value: 'Open - Not Contacted', active: true }, { value: 'Working - Contacted', active: false }] }];
    const { problems } = await run(org);
    expect(problems.map((p) => p.key)).toEqual(['lead-status:sql:working - contacted', 'lead-status:disqualified:closed - not converted']);
    expect(problems.slice(0, 1)).toEqual([expect.objectContaining({
      key: 'lead-status:sql:working - contacted',
      code: 'LEAD_STATUS_VALUE_MISSING',
      message: expect.stringContaining('leadStatusTransitions[0]: Leads reaching sql should move to Lead Status "Working - Contacted", which is not an active Lead Status in this org'),
      fix: expect.stringContaining('Setup → Object Manager → Lead → Fields & Relationships → Lead Status → Values → New'),
    })]);
    expect(org.created).toHaveLength(FIELD_COUNT);
  });

  it('a write mapping to a field the org lacks is a problem; that field is left out of writes and setup goes on', async () => {
    const org = new FakeOrg();
    const mappings = salesforceMappings([{ objectType: 'lead', canonicalField: 'priority', crmProperty: 'Rating__c', direction: 'write', writePolicy: 'always' }]);
    const writable = new WritableFields();
    const { problems } = await run(org, undefined, mappings, writable);
    expect(problems).toEqual([expect.objectContaining({ code: 'MAPPING_FIELD_UNWRITABLE', message: expect.stringContaining('Lead has no field "Rating__c"') })]);
    expect(writable.isWritable('Lead', 'Rating__c')).toBe(false);
    expect(org.created).toHaveLength(FIELD_COUNT);
  });
});
