/**
 * Rep Tasks (write/task-writer.ts) against a fake SalesforceApi with a unique Leadstage_Key__c:
 * existing keys are found first (queryAll: archived and deleted Tasks count), only missing Tasks are
 * created, a DUPLICATE_VALUE race answers with the other worker's Task, the fields a rep sees (status
 * and subtype from the org's describe and the mapping), the owner rules (fresh owner, a queue-owned
 * Lead keeps its queue unless the mapping turns assignment on, inactive owner → created without
 * OwnerId), and the Subject marker where the org has no key field.
 */
import { ProblemLog } from '../../connectors/salesforce/problems';
import type { SalesforceApi, SfDescribe, SfFieldDescribe, SfQueryOptions, SfQueryPage, SfRecord, SfRecordWrite, SfSaveResult } from '../../connectors/salesforce/salesforce-api.types';
import { OrgSchema } from '../../connectors/salesforce/schema/org-schema';
import { TaskWriter, taskMarker, toTaskRecord } from '../../connectors/salesforce/write/task-writer';
import type { CrmTask } from '../../src/connector/crm-connector';

class FakeApi implements Pick<SalesforceApi, 'query' | 'queryMore' | 'createRecords' | 'updateRecords'> {
  readonly tasks: { Id: string; fields: SfRecordWrite['fields']; deleted?: boolean }[] = [];
  readonly owners = new Map<string, string>();
  readonly calls: string[] = [];
  readonly created: SfRecordWrite[] = [];
  readonly assigned: { records: SfRecordWrite[]; autoAssign: boolean }[] = [];
  /** Assignment rule: queue-owned leads get this owner on an auto-assign update. */
  ruleOwner: string | null = '005000000000RULEAAA';
  inactiveOwners = new Set<string>();
  /** Simulates another worker creating these keys between our query and our create. */
  raceKeys = new Set<string>();
  private seq = 0;

  async query<T extends SfRecord>(soql: string, options: SfQueryOptions = {}): Promise<SfQueryPage<T>> {
    this.calls.push(`${options.includeDeleted ? 'queryAll' : 'query'} ${/FROM (\w+)/.exec(soql)![1]}`);
    const values = [...soql.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
    if (/FROM Task/.test(soql) && /Subject LIKE/.test(soql)) {
      const rows = this.tasks.filter((t) => values.includes(String(t.fields.WhoId)) && String(t.fields.Subject).includes('[LS ') && (options.includeDeleted || !t.deleted));
      return { records: rows.map((t) => ({ Id: t.Id, Subject: t.fields.Subject })) as unknown as T[], totalSize: rows.length, done: true };
    }
    if (/FROM Task/.test(soql)) {
      const rows = this.tasks.filter((t) => values.includes(String(t.fields.Leadstage_Key__c)) && (options.includeDeleted || !t.deleted));
      return { records: rows.map((t) => ({ Id: t.Id, Leadstage_Key__c: t.fields.Leadstage_Key__c })) as unknown as T[], totalSize: rows.length, done: true };
    }
    const rows = values.filter((id) => this.owners.has(id)).map((id) => ({ Id: id, OwnerId: this.owners.get(id) }));
    return { records: rows as unknown as T[], totalSize: rows.length, done: true };
  }

  async queryMore<T extends SfRecord>(): Promise<SfQueryPage<T>> {
    throw new Error('not used');
  }

  async createRecords(records: readonly SfRecordWrite[]): Promise<SfSaveResult[]> {
    this.calls.push(`create ${records.length}`);
    expect(records.length).toBeLessThanOrEqual(200);
    return records.map((record) => {
      this.created.push(structuredClone(record));
      const key = String(record.fields.Leadstage_Key__c);
      if (key !== 'undefined' && this.raceKeys.has(key)) {
        this.raceKeys.delete(key);
        this.tasks.push({ Id: this.nextId(), fields: { ...record.fields } });
      }
      if (key !== 'undefined' && this.tasks.some((t) => t.fields.Leadstage_Key__c === key)) {
        return { id: null, success: false, errors: [{ statusCode: 'DUPLICATE_VALUE', message: `duplicate value found: Leadstage_Key__c duplicates value on record with id: x`, fields: ['Leadstage_Key__c'] }] };
      }
      if (typeof record.fields.OwnerId === 'string' && this.inactiveOwners.has(record.fields.OwnerId)) {
        return { id: null, success: false, errors: [{ statusCode: 'INACTIVE_OWNER_OR_USER', message: 'operation performed with inactive user' }] };
      }
      const id = this.nextId();
      this.tasks.push({ Id: id, fields: { ...record.fields } });
      return { id, success: true, errors: [] };
    });
  }

  async updateRecords(records: readonly SfRecordWrite[], options: { autoAssign?: boolean } = {}): Promise<SfSaveResult[]> {
    this.calls.push(`update ${records.length} autoAssign=${options.autoAssign ?? false}`);
    this.assigned.push({ records: records.map((r) => structuredClone(r)), autoAssign: options.autoAssign ?? false });
    for (const r of records) if (options.autoAssign && this.ruleOwner && this.owners.get(r.id!)?.startsWith('00G')) this.owners.set(r.id!, this.ruleOwner);
    return records.map((r) => ({ id: r.id!, success: true, errors: [] }));
  }

  private nextId(): string {
    return `00T${String(++this.seq).padStart(15, '0')}`;
  }
}

const LEAD = '00Q000000000001AAA';
const CONTACT = '003000000000002AAA';
const USER = '005000000000OWNAAA';
const QUEUE = '00G000000000QUEAAA';

/** Task's describe in an org: its statuses (the default flagged), subtypes and, unless left out, the key field. */
function taskSchema(options: { statuses?: string[]; defaultStatus?: string; keyField?: boolean } = {}): OrgSchema {
  const statuses = options.statuses ?? ['Not Started', 'In Progress', 'Completed'];
  const picklist = (name: string, values: string[], defaultValue?: string): SfFieldDescribe => ({
    name, type: 'picklist', label: name, updateable: true, createable: true, custom: false,
    picklistValues: values.map((value) => ({ value, active: true, defaultValue: value === defaultValue })),
  });
  const fields: SfFieldDescribe[] = [
    picklist('Status', statuses, options.defaultStatus ?? statuses[0]), picklist('TaskSubtype', ['Task', 'Email', 'Call']), picklist('Type', ['Call', 'Email', 'Other']),
    ...(options.keyField === false ? [] : [{ name: 'Leadstage_Key__c', type: 'string', label: 'Leadstage Key', updateable: true, createable: true, custom: true }]),
  ];
  return new OrgSchema({ describe: async (sobject: string): Promise<SfDescribe> => ({ name: sobject, fields }) });
}

function task(key: string, overrides: Partial<CrmTask> = {}): CrmTask {
  return {
    key, crmId: LEAD, objectType: 'lead', ownerId: USER, subject: 'First touch: Ada Lovelace (Acme): requested a demo',
    body: 'Why:\n  +40 requested a demo', dueAt: '2026-11-27T23:45:00.000Z', priority: 'high', type: 'call', ...overrides,
  };
}

describe('Salesforce task writer', () => {
  it('creates a Task with the fields a rep sees', async () => {
    const api = new FakeApi();
    api.owners.set(LEAD, USER);
    const [outcome] = await new TaskWriter(api).createTasks([task('p1:sql:2026-11-27T23:15:00.000Z')]);
    expect(outcome).toEqual({ key: 'p1:sql:2026-11-27T23:15:00.000Z', status: 'ok', crmTaskId: expect.stringMatching(/^00T/) });
    expect(api.created[0]).toEqual({
      type: 'Task',
      fields: {
        WhoId: LEAD, OwnerId: USER, Subject: 'First touch: Ada Lovelace (Acme): requested a demo', Description: 'Why:\n  +40 requested a demo',
        ActivityDate: '2026-11-27', IsReminderSet: true, ReminderDateTime: '2026-11-27T23:45:00.000Z', Priority: 'High',
        // no describe to read the org's default Task Status from: Status is left to the org's default
        TaskSubtype: 'Call', Leadstage_Key__c: 'p1:sql:2026-11-27T23:15:00.000Z',
      },
    });
  });

  it('takes Status from the org: its default Task Status unless the mapping names one it has', async () => {
    const api = new FakeApi();
    api.owners.set(LEAD, USER);
    const schema = taskSchema({ statuses: ['Open', 'Waiting', 'Completed'], defaultStatus: 'Open' });
    await new TaskWriter(api, undefined, { schema }).createTasks([task('k1')]);
    expect(api.created[0]!.fields).toMatchObject({ Status: 'Open', TaskSubtype: 'Call' });
    await new TaskWriter(api, undefined, { schema, create: { status: 'Waiting', subtype: {}, type: { call: 'Call' }, assignQueueOwnedLeads: false } }).createTasks([task('k2')]);
    expect(api.created[1]!.fields).toMatchObject({ Status: 'Waiting', Type: 'Call' });
    // a status the org does not have: the default, and a problem with the fix
    const problems = new ProblemLog();
    await new TaskWriter(api, undefined, { schema, problems, create: { status: 'Not Started', subtype: {}, type: {}, assignQueueOwnedLeads: false } }).createTasks([task('k3')]);
    expect(api.created[2]!.fields).toMatchObject({ Status: 'Open' });
    expect(problems.take()).toEqual([expect.objectContaining({ code: 'TASK_STATUS_VALUE_MISSING', fix: expect.stringContaining('Task Status picklist') })]);
  });

  it('maps priority and type, and cuts the subject to 255', () => {
    const owner = { ownerId: null, queueId: null };
    // a to-do to send an email is a Task: TaskSubtype Email would show it as an email already sent
    expect(toTaskRecord(task('k', { priority: 'medium', type: 'email' }), owner).fields).toMatchObject({ Priority: 'Normal', TaskSubtype: 'Task' });
    expect(toTaskRecord(task('k', { priority: 'low', type: 'todo' }), owner).fields).toMatchObject({ Priority: 'Low', TaskSubtype: 'Task' });
    expect(String(toTaskRecord(task('k', { subject: 'x'.repeat(300) }), owner).fields.Subject)).toHaveLength(255);
    expect(toTaskRecord(task('k'), owner).fields).not.toHaveProperty('OwnerId');
  });

  it('looks up existing keys at most 100 per query, so the GET stays under Salesforce\'s 16 KB URL limit', async () => {
    const api = new FakeApi();
    const soql: string[] = [];
    const query = api.query.bind(api);
    api.query = async (text, options) => {
      soql.push(text);
      return query(text, options);
    };
    const keys = Array.from({ length: 200 }, (_, i) => `${'9b2f6c1e-4d7a-4b8e-9f10-2a3b4c5d6e7f'}:sql:2026-11-27T23:${String(i % 60).padStart(2, '0')}:${String(i).padStart(2, '0')}.000Z`);
    const outcomes = await new TaskWriter(api).createTasks(keys.map((key) => task(key)));
    expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
    const lookups = soql.filter((q) => q.includes('FROM Task'));
    expect(lookups).toHaveLength(2);
    for (const q of lookups) expect(encodeURIComponent(q).length).toBeLessThan(16_384 - 200);
  });

  it('running twice creates each Task once (the second run finds the keys)', async () => {
    const api = new FakeApi();
    api.owners.set(LEAD, USER);
    const writer = new TaskWriter(api);
    const first = await writer.createTasks([task('k1'), task('k2')]);
    const second = await writer.createTasks([task('k1'), task('k2'), task('k3')]);
    expect(api.tasks).toHaveLength(3);
    expect(second.slice(0, 2)).toEqual(first);
    expect(api.calls.filter((c) => c.startsWith('create'))).toEqual(['create 2', 'create 1']);
  });

  it('a DUPLICATE_VALUE race answers with the Task the other worker created', async () => {
    const api = new FakeApi();
    api.owners.set(LEAD, USER);
    api.raceKeys.add('k1');
    const [outcome] = await new TaskWriter(api).createTasks([task('k1')]);
    expect(api.tasks).toHaveLength(1);
    expect(outcome).toEqual({ key: 'k1', status: 'ok', crmTaskId: api.tasks[0]!.Id });
    expect(api.calls).toContain('queryAll Task');
  });

  it('answers duplicates within one call once, in input order, and batches by 200', async () => {
    const api = new FakeApi();
    api.owners.set(LEAD, USER);
    const tasks = Array.from({ length: 450 }, (_, i) => task(`k${i}`));
    const outcomes = await new TaskWriter(api).createTasks([...tasks, task('k0')]);
    expect(outcomes).toHaveLength(451);
    expect(outcomes.map((o) => o.key)).toEqual([...tasks.map((t) => t.key), 'k0']);
    expect(outcomes[450]).toEqual(outcomes[0]);
    expect(api.calls.filter((c) => c.startsWith('create'))).toEqual(['create 200', 'create 200', 'create 50']);
  });

  it('takes the owner fresh from Salesforce, not the pulled one', async () => {
    const api = new FakeApi();
    api.owners.set(CONTACT, '005000000000NEWAAA');
    await new TaskWriter(api).createTasks([task('k1', { crmId: CONTACT, objectType: 'contact', ownerId: USER })]);
    expect(api.created[0]!.fields.OwnerId).toBe('005000000000NEWAAA');
  });

  it('a queue-owned Lead keeps its queue by default: no assignment rule runs, the Task names the queue', async () => {
    const api = new FakeApi();
    api.owners.set(LEAD, QUEUE);
    await new TaskWriter(api).createTasks([task('k1', { ownerId: QUEUE })]);
    expect(api.assigned).toEqual([]);
    expect(api.created[0]!.fields).not.toHaveProperty('OwnerId');
    expect(String(api.created[0]!.fields.Description)).toContain(`owned by queue ${QUEUE}`);
  });

  it('with assignQueueOwnedLeads on, a queue-owned Lead goes through the assignment rule first; its new user owner gets the Task', async () => {
    const api = new FakeApi();
    api.owners.set(LEAD, QUEUE);
    await new TaskWriter(api, undefined, { create: { subtype: {}, type: {}, assignQueueOwnedLeads: true } }).createTasks([task('k1', { ownerId: QUEUE })]);
    expect(api.assigned).toEqual([{ autoAssign: true, records: [{ type: 'Lead', id: LEAD, fields: { OwnerId: QUEUE } }] }]);
    expect(api.created[0]!.fields.OwnerId).toBe('005000000000RULEAAA');
  });

  it('a Lead the rule leaves in a queue: no OwnerId, and the description names the queue', async () => {
    const api = new FakeApi();
    api.owners.set(LEAD, QUEUE);
    api.ruleOwner = null;
    await new TaskWriter(api, undefined, { create: { subtype: {}, type: {}, assignQueueOwnedLeads: true } }).createTasks([task('k1', { ownerId: QUEUE })]);
    expect(api.created[0]!.fields).not.toHaveProperty('OwnerId');
    expect(String(api.created[0]!.fields.Description)).toContain(`owned by queue ${QUEUE}`);
  });

  it('an inactive owner: the Task is created again without OwnerId', async () => {
    const api = new FakeApi();
    api.owners.set(LEAD, USER);
    api.inactiveOwners.add(USER);
    const [outcome] = await new TaskWriter(api).createTasks([task('k1')]);
    expect(outcome).toMatchObject({ status: 'ok' });
    expect(api.created.map((r) => r.fields.OwnerId ?? null)).toEqual([USER, null]);
  });

  it('rejects a bad due time or key per task, without a call', async () => {
    const api = new FakeApi();
    const outcomes = await new TaskWriter(api).createTasks([task('k1', { dueAt: 'tomorrow' }), task('x'.repeat(81))]);
    expect(outcomes.map((o) => (o.status === 'failed' ? o.code : o.status))).toEqual(['INVALID_DUE_AT', 'INVALID_KEY']);
    expect(api.calls).toEqual([]);
  });

  it('escapes keys inside the SOQL literal', async () => {
    const api = new FakeApi();
    api.owners.set(LEAD, USER);
    const writer = new TaskWriter(api);
    await writer.createTasks([task("o'brien\\key")]);
    const [again] = await writer.createTasks([task("o'brien\\key")]);
    expect(again).toMatchObject({ status: 'ok' });
    expect(api.tasks).toHaveLength(1);
  });

  it('an org without a usable key field: the key rides in the Subject as a marker, looked up (queryAll) before each create', async () => {
    const api = new FakeApi();
    api.owners.set(LEAD, USER);
    const problems = new ProblemLog();
    const writer = new TaskWriter(api, undefined, { schema: taskSchema({ keyField: false }), problems });
    const first = await writer.createTasks([task('p1:sql:2026-11-27T23:15:00.000Z'), task('p2:sql:2026-11-27T23:15:00.000Z')]);
    const second = await writer.createTasks([task('p1:sql:2026-11-27T23:15:00.000Z')]);
    expect(api.tasks).toHaveLength(2);
    expect(second[0]).toEqual(first[0]);
    expect(api.created[0]!.fields).not.toHaveProperty('Leadstage_Key__c');
    expect(api.created[0]!.fields.Subject).toBe(`First touch: Ada Lovelace (Acme): requested a demo ${taskMarker('p1:sql:2026-11-27T23:15:00.000Z')}`);
    expect(taskMarker('p1:sql:2026-11-27T23:15:00.000Z')).toMatch(/^\[LS [0-9a-f]{10}\]$/);
    expect(api.calls.filter((c) => c.startsWith('queryAll Task'))).toHaveLength(2);
    expect(problems.take().map((p) => p.code)).toEqual(['TASK_KEY_FIELD_MISSING']);
    // a long subject is cut so the marker always fits in 255
    const long = toTaskRecord(task('k', { subject: 'x'.repeat(300) }), { ownerId: null, queueId: null }, { keyField: null, status: null, subtype: () => 'Call', type: () => null });
    expect(String(long.fields.Subject)).toHaveLength(255);
    expect(String(long.fields.Subject)).toMatch(/\[LS [0-9a-f]{10}\]$/);
  });
});
