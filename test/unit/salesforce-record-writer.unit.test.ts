/**
 * The record writer (write/record-writer.ts) against a fake SalesforceApi: sObject Collections of at
 * most 200 records with types contiguous, one outcome per input in input order, per-record errors
 * classified, whole-call failures, write policies, Lead Status transitions, and the queue-owned
 * Lead handoff left to the task writer (Sforce-Auto-Assign FALSE on every update).
 */
import { salesforceMappings } from '../../connectors/salesforce/mapping';
import { SalesforceApiError } from '../../connectors/salesforce/salesforce-api-error';
import type { SalesforceApi, SfQueryPage, SfRecord, SfRecordWrite, SfSaveResult } from '../../connectors/salesforce/salesforce-api.types';
import { OrgSchema } from '../../connectors/salesforce/schema/org-schema';
import { collectionCalls, RecordWriter } from '../../connectors/salesforce/write/record-writer';
import { DailyQuotaExhaustedError } from '../../src/rate-limit/daily-quota-exhausted-error';
import type { FieldMapping } from '../../src/store/records';
import type { CrmWrite } from '../../src/connector/crm-connector';

type Err = SfSaveResult['errors'][number];

class FakeApi implements Pick<SalesforceApi, 'updateRecords' | 'query' | 'queryMore' | 'describe'> {
  readonly updates: { records: SfRecordWrite[]; autoAssign: boolean }[] = [];
  readonly queries: string[] = [];
  readonly failures = new Map<string, Err[]>();
  readonly owners = new Map<string, string>();
  statusValues = ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'];
  /** Thrown by the next updateRecords calls, in turn. */
  throws: Error[] = [];
  /** Records in a call that make the whole call fail with 400 (bisect test). */
  poison = new Set<string>();

  async updateRecords(records: readonly SfRecordWrite[], options: { autoAssign?: boolean } = {}): Promise<SfSaveResult[]> {
    expect(records.length).toBeLessThanOrEqual(200);
    this.updates.push({ records: records.map((r) => structuredClone(r)), autoAssign: options.autoAssign ?? false });
    const next = this.throws.shift();
    if (next) throw next;
    if (records.some((r) => this.poison.has(r.id!))) throw new SalesforceApiError('Salesforce PATCH /composite/sobjects answered 400 JSON_PARSER_ERROR: bad', 'PATCH /composite/sobjects', 400, 'JSON_PARSER_ERROR', false);
    return records.map((r) => {
      const errors = this.failures.get(r.id!);
      return errors ? { id: r.id!, success: false, errors } : { id: r.id!, success: true, errors: [] };
    });
  }

  async query<T extends SfRecord>(soql: string): Promise<SfQueryPage<T>> {
    this.queries.push(soql);
    const ids = [...soql.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
    const records = ids.filter((id) => this.owners.has(id)).map((id) => ({ attributes: { type: 'Lead' }, Id: id, OwnerId: this.owners.get(id)! }));
    return { records: records as unknown as T[], totalSize: records.length, done: true };
  }

  async queryMore<T extends SfRecord>(): Promise<SfQueryPage<T>> {
    throw new Error('not used');
  }

  async describe(sobject: string) {
    return {
      name: sobject,
      fields: [{ name: 'Status', type: 'picklist', label: 'Status', updateable: true, createable: true, custom: false, picklistValues: this.statusValues.map((value) => ({ value, active: true })) }],
    };
  }
}

const id = (prefix: string, n: number) => `${prefix}${String(n).padStart(15, '0')}`;
const leadId = (n: number) => id('00Q', n);
const contactId = (n: number) => id('003', n);

function write(crmId: string, properties: Record<string, string>, current: Record<string, string | null> = {}): CrmWrite {
  return { crmId, objectType: crmId.startsWith('00Q') ? 'lead' : 'contact', properties, current };
}

function writer(api: FakeApi, overrides: FieldMapping[] = []) {
  const logs: string[] = [];
  const w = new RecordWriter(api, salesforceMappings(overrides), new OrgSchema(api), { warn: (m) => logs.push(m) });
  return { w, logs };
}

describe('Salesforce record writer', () => {
  it('sends ≤200 records per call, Leads and Contacts contiguous, and answers in input order', async () => {
    const api = new FakeApi();
    const writes: CrmWrite[] = [];
    for (let i = 0; i < 450; i++) writes.push(write(i % 3 === 0 ? contactId(i) : leadId(i), { Leadstage_Score__c: String(i) }));
    api.failures.set(leadId(10), [{ statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Score must be below 100', fields: ['Leadstage_Score__c'] }]);
    api.failures.set(contactId(9), [{ statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record' }]);
    const { w } = writer(api);
    const outcomes = await w.write(writes);

    expect(api.updates.map((u) => u.records.length)).toEqual([200, 200, 50]);
    for (const call of api.updates) {
      const types = call.records.map((r) => r.type);
      // one run of Leads, then one run of Contacts: at most two type chunks
      expect(types.join(',')).toMatch(/^(Lead,)*(Lead|Contact)?(,Contact)*$/);
      expect(call.autoAssign).toBe(false);
    }
    expect(outcomes.map((o) => o.crmId)).toEqual(writes.map((x) => x.crmId));
    expect(outcomes[10]).toEqual({
      crmId: leadId(10), status: 'failed', code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      error: `Lead ${leadId(10)}: FIELD_CUSTOM_VALIDATION_EXCEPTION (field Leadstage_Score__c): Score must be below 100`,
    });
    expect(outcomes[9]).toMatchObject({ status: 'retry' });
    expect(outcomes.filter((o) => o.status === 'ok')).toHaveLength(448);
    // numbers go out as numbers
    expect(api.updates[0]!.records[0]!.fields.Leadstage_Score__c).toEqual(expect.any(Number));
  });

  it.each([
    ['INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'failed'],
    ['STRING_TOO_LONG', 'failed'],
    ['CANNOT_UPDATE_CONVERTED_LEAD', 'failed'],
    ['ENTITY_IS_DELETED', 'failed'],
    ['INVALID_CROSS_REFERENCE_KEY', 'failed'],
    ['INVALID_FIELD_FOR_INSERT_UPDATE', 'failed'],
    ['UNABLE_TO_LOCK_ROW', 'retry'],
    ['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'retry'],
  ])('%s → %s', async (statusCode, status) => {
    const api = new FakeApi();
    api.failures.set(leadId(1), [{ statusCode, message: 'x' }]);
    const [outcome] = await writer(api).w.write([write(leadId(1), { Leadstage_Stage__c: 'mql' })]);
    expect(outcome).toMatchObject({ status, ...(status === 'failed' ? { code: statusCode } : {}) });
  });

  it('a retryable whole-call failure and the quota error are thrown for the job to retry or delay', async () => {
    const api = new FakeApi();
    api.throws = [
      new SalesforceApiError('Salesforce PATCH /composite/sobjects answered 503', 'PATCH /composite/sobjects', 503, 'SERVER_UNAVAILABLE', true),
      new DailyQuotaExhaustedError('inst-1', Date.now() + 3_600_000, 'crm'),
    ];
    const { w } = writer(api);
    await expect(w.write([write(leadId(1), { Leadstage_Stage__c: 'mql' })])).rejects.toMatchObject({ status: 503 });
    await expect(w.write([write(leadId(1), { Leadstage_Stage__c: 'mql' })])).rejects.toBeInstanceOf(DailyQuotaExhaustedError);
  });

  it('a 400 for the whole call is bisected down to the record that causes it', async () => {
    const api = new FakeApi();
    api.poison.add(leadId(3));
    const writes = [1, 2, 3, 4, 5].map((n) => write(leadId(n), { Leadstage_Stage__c: 'mql' }));
    const outcomes = await writer(api).w.write(writes);
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok', 'failed', 'ok', 'ok']);
    expect(outcomes[2]).toMatchObject({ code: 'JSON_PARSER_ERROR' });
  });

  it('a record written twice in one batch goes into separate calls, in input order', async () => {
    const api = new FakeApi();
    await writer(api).w.write([write(leadId(1), { Leadstage_Stage__c: 'mql' }), write(leadId(2), { Leadstage_Stage__c: 'mql' }), write(leadId(1), { Leadstage_Stage__c: 'sql' })]);
    expect(api.updates.map((u) => u.records.map((r) => `${r.id}=${r.fields.Leadstage_Stage__c}`))).toEqual([
      [`${leadId(1)}=mql`, `${leadId(2)}=mql`],
      [`${leadId(1)}=sql`],
    ]);
  });

  it('drops what the object does not map (Status on a Contact) and respects never / if_empty', async () => {
    const api = new FakeApi();
    const overrides: FieldMapping[] = [
      { objectType: 'contact', canonicalField: 'priority', crmProperty: 'Leadstage_Priority__c', direction: 'write', writePolicy: 'never' },
      { objectType: 'contact', canonicalField: 'fitGrade', crmProperty: 'Leadstage_Fit_Grade__c', direction: 'write', writePolicy: 'if_empty' },
    ];
    const outcomes = await writer(api, overrides).w.write([
      write(contactId(1), { Status: 'Working - Contacted', Leadstage_Priority__c: 'hot', Leadstage_Fit_Grade__c: 'A', Leadstage_Stage__c: 'sql' }, { Leadstage_Fit_Grade__c: 'B' }),
      write(contactId(2), { Leadstage_Priority__c: 'hot' }),
    ]);
    expect(api.updates).toHaveLength(1);
    expect(api.updates[0]!.records).toEqual([{ type: 'Contact', id: contactId(1), fields: { Leadstage_Stage__c: 'sql' } }]);
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok']);
  });

  it('moves Lead Status only along a transition, from a listed status, to an active picklist value', async () => {
    const api = new FakeApi();
    const { w, logs } = writer(api);
    await w.write([
      write(leadId(1), { Status: 'Working - Contacted' }, { Status: 'Open - Not Contacted' }),
      // a rep already chose a status: left alone
      write(leadId(2), { Status: 'Working - Contacted' }, { Status: 'Closed - Not Converted' }),
      // status not pulled: unknown, left alone
      write(leadId(3), { Status: 'Working - Contacted' }, {}),
    ]);
    expect(api.updates.flatMap((u) => u.records)).toEqual([{ type: 'Lead', id: leadId(1), fields: { Status: 'Working - Contacted' } }]);

    const narrow = new FakeApi();
    narrow.statusValues = ['Open - Not Contacted', 'Qualified'];
    const second = writer(narrow);
    await second.w.write([write(leadId(1), { Status: 'Working - Contacted', Leadstage_Stage__c: 'sql' }, { Status: 'Open - Not Contacted' })]);
    expect(narrow.updates[0]!.records[0]!.fields).toEqual({ Leadstage_Stage__c: 'sql' });
    expect(second.logs.join('\n')).toMatch(/not an active value/);
    expect(logs).toEqual([]);
  });

  it('never runs the assignment rule: every update says Sforce-Auto-Assign FALSE, one call for all', async () => {
    const api = new FakeApi();
    api.owners.set(leadId(1), '00G000000000001AAA');
    const outcomes = await writer(api).w.write([
      write(leadId(1), { Leadstage_Stage__c: 'sql', Leadstage_Score__c: '90' }),
      write(leadId(2), { Leadstage_Stage__c: 'sql' }),
      write(contactId(4), { Leadstage_Stage__c: 'sql' }),
    ]);
    expect(api.queries).toHaveLength(0); // no owner reads: the task writer assigns queue-owned Leads
    expect(api.updates.map((u) => [u.autoAssign, u.records.map((r) => r.id)])).toEqual([[false, [leadId(1), leadId(2), contactId(4)]]]);
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok', 'ok']);
  });

  it('an empty write is ok without a call; an unsupported object type fails alone', async () => {
    const api = new FakeApi();
    const outcomes = await writer(api).w.write([
      write(leadId(1), {}),
      { crmId: 'x', objectType: 'deal' as never, properties: { a: 'b' }, current: {} },
    ]);
    expect(api.updates).toEqual([]);
    expect(outcomes).toEqual([{ crmId: leadId(1), status: 'ok' }, expect.objectContaining({ status: 'failed', code: 'UNSUPPORTED_OBJECT_TYPE' })]);
  });

  it('collectionCalls keeps order within a type and splits at the limit', () => {
    const items = ['Contact:1', 'Lead:2', 'Contact:3', 'Lead:4', 'Lead:5'].map((s) => {
      const [type, n] = s.split(':');
      return { record: { type: type!, id: n! } };
    });
    expect(collectionCalls(items, 3).map((c) => c.map((i) => i.record.id))).toEqual([['2', '1', '3'], ['4', '5']]);
  });
});
