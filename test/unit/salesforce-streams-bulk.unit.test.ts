/**
 * First loads through Bulk API 2.0 against a fake SalesforceApi: the COUNT() that decides, the job's
 * SOQL, a bounded wait for the job (injected sleep, no real time), results paged by locator, CSV
 * strings typed by the describe types with `Account.*` columns nested like REST parents, the hand-over
 * to the incremental pass at `until`, and the REST fallback when a job fails.
 */
import { salesforceMappings } from '../../connectors/salesforce/mapping';
import { pullStream, type SalesforceStreamOptions } from '../../connectors/salesforce/streams';
import { typeBulkRecord } from '../../connectors/salesforce/streams/bulk-csv.util';
import type { SfRecord } from '../../connectors/salesforce/salesforce-api.types';
import type { PullPage, StreamCursor } from '../../src/connector/crm-connector';
import { FakeSalesforceApi } from '../helpers/fake-salesforce-api';

const NOW = Date.parse('2026-11-27T12:00:00.000Z');
const NOW_ISO = '2026-11-27T12:00:00.000Z';
const mappings = salesforceMappings();

const LEAD_FIELDS = ['Id', 'IsDeleted', 'MasterRecordId', 'IsConverted', 'ConvertedContactId', 'SystemModstamp', 'Email', 'FirstName', 'LastName',
  'Title', 'Company', 'NumberOfEmployees', 'AnnualRevenue', 'Industry', 'CountryCode', 'Country', 'Phone', 'OwnerId', 'Status', 'LeadSource', 'Rating',
  'HasOptedOutOfEmail', 'Leadstage_Score__c'];
const CONTACT_FIELDS = ['Id', 'IsDeleted', 'MasterRecordId', 'AccountId', 'SystemModstamp', 'Email', 'FirstName', 'LastName', 'Title', 'Phone', 'OwnerId',
  'LeadSource', 'HasOptedOutOfEmail', 'MailingCountryCode'];
const ACCOUNT_FIELDS = ['Id', 'Name', 'NumberOfEmployees', 'AnnualRevenue', 'Industry', 'BillingCountryCode'];
const TYPES = { NumberOfEmployees: 'int', AnnualRevenue: 'currency', HasOptedOutOfEmail: 'boolean', IsDeleted: 'boolean', IsConverted: 'boolean',
  SystemModstamp: 'datetime', Leadstage_Score__c: 'double' };

const leadId = (n: number) => `00Q${String(n).padStart(15, '0')}`;
const contactId = (n: number) => `003${String(n).padStart(15, '0')}`;

function lead(n: number, extra: Partial<SfRecord> = {}): SfRecord {
  return {
    Id: leadId(n), IsDeleted: false, MasterRecordId: null, IsConverted: false, ConvertedContactId: null,
    SystemModstamp: `2026-11-${String(10 + n).padStart(2, '0')}T00:00:00.000+0000`, Email: `l${n}@plant.example.com`, FirstName: 'Lee', LastName: `N${n}`,
    Title: 'Maintenance Manager', Company: `Plant ${n}`, NumberOfEmployees: 250, AnnualRevenue: 40_000_000, Industry: 'Machinery', CountryCode: 'US',
    Country: null, Phone: null, OwnerId: '005000000000000001', Status: 'Open - Not Contacted', LeadSource: 'Web', Rating: 'Hot',
    HasOptedOutOfEmail: false, Leadstage_Score__c: 55, ...extra,
  };
}

function fakeWithLeads(count: number): FakeSalesforceApi {
  return new FakeSalesforceApi()
    .table('Lead', Array.from({ length: count }, (_, i) => lead(i + 1)), LEAD_FIELDS, TYPES)
    .table('Contact', [], CONTACT_FIELDS, TYPES)
    .table('Account', [], ACCOUNT_FIELDS, TYPES)
    .table('OpportunityContactRole', [], ['Id', 'ContactId', 'OpportunityId']);
}

function sleeper() {
  const slept: number[] = [];
  return { slept, sleep: async (ms: number) => void slept.push(ms) };
}

async function drain(fake: FakeSalesforceApi, stream: string, options: SalesforceStreamOptions) {
  const pages: PullPage[] = [];
  let cursor: StreamCursor | null = null;
  for (let i = 0; i < 20; i++) {
    const page = await pullStream(fake, mappings, stream, cursor, { now: NOW }, options);
    pages.push(page);
    if (page.next) cursor = page.next;
    if (!(page.more ?? page.next !== null)) break;
  }
  return { pages, cursor };
}

describe('Bulk API 2.0 first load', () => {
  it('stays on REST at or below the threshold', async () => {
    const fake = fakeWithLeads(3);
    const page = await pullStream(fake, mappings, 'leads', null, { now: NOW }, { bulkThreshold: 3 });
    expect(fake.soql[0]).toBe(`SELECT COUNT() FROM Lead WHERE SystemModstamp <= ${NOW_ISO}`);
    expect(fake.calls).not.toContain('bulkQueryStart');
    expect(page.people).toHaveLength(3);
  });

  it('above the threshold: one job, a bounded wait, results paged by locator, then incremental from `until`', async () => {
    const fake = fakeWithLeads(5);
    const lead3 = fake.tables.Lead![2]!;
    Object.assign(lead3, { IsDeleted: true, MasterRecordId: leadId(4) });
    fake.nextBulkStates = ['UploadComplete', 'InProgress', 'JobComplete'];
    const { slept, sleep } = sleeper();
    const options: SalesforceStreamOptions = { bulkThreshold: 3, bulkPageSize: 2, bulkWaitMs: 10_000, bulkPollMs: 2_000, sleep };
    const { pages, cursor } = await drain(fake, 'leads', options);

    expect(fake.soql[0]).toBe(`SELECT COUNT() FROM Lead WHERE SystemModstamp <= ${NOW_ISO}`);
    expect(fake.soql[1]).toMatch(new RegExp(`^SELECT Id, SystemModstamp, .* FROM Lead WHERE SystemModstamp <= ${NOW_ISO}$`));
    const job = [...fake.bulkJobs.values()][0]!;
    expect(job.includeDeleted).toBe(true);
    // the interval doubles from bulkPollMs
    expect(slept).toEqual([2_000, 4_000]);

    expect(pages.map((p) => p.people.map((x) => x.crmId))).toEqual([[leadId(1), leadId(2)], [leadId(4)], [leadId(5)]]);
    expect(pages[0]!.next).toEqual({ phase: 'bulk', bulkJobId: '750FAKE1', locator: '2', until: NOW_ISO });
    expect(pages[0]!.more).toBe(true);
    expect(pages[1]!.removed).toEqual([{ crmId: leadId(3), objectType: 'lead', mergedInto: { crmId: leadId(4), objectType: 'lead' } }]);
    expect(pages[2]!.more).toBe(false);
    expect(cursor).toEqual({ phase: 'incremental', since: NOW_ISO, lastId: null, until: null, nextRecordsUrl: null, caughtUpAt: NOW_ISO });

    // CSV strings are typed by describe: numbers, booleans, nulls
    const first = pages[0]!.people[0]!;
    expect(first.person).toMatchObject({ employees: 250, annualRevenue: 40_000_000, industry: 'Machinery', country: 'US', phone: null,
      attributes: { emailOptOut: false, rating: 'Hot' } });
    expect(first.writableValues).toMatchObject({ Leadstage_Score__c: '55' });
    expect(first.modifiedAt).toBe('2026-11-11T00:00:00.000Z');

    // the next run continues incrementally from five minutes before `until`: a transaction stamped
    // before the snapshot but committed after it is read then
    await pullStream(fake, mappings, 'leads', cursor, { now: NOW + 60_000 }, options);
    expect(fake.soql.at(-1)).toContain('WHERE SystemModstamp > 2026-11-27T11:55:00.000Z AND SystemModstamp <= 2026-11-27T12:01:00.000Z ORDER BY SystemModstamp, Id');
  });

  it('after the snapshot, a record stamped before its end but committed after it is read by the first incremental window', async () => {
    const fake = fakeWithLeads(5);
    const { cursor } = await drain(fake, 'leads', { bulkThreshold: 3, sleep: async () => {} });
    // a transaction that started a minute before the snapshot's end commits after the job ran
    fake.tables.Lead!.push(lead(6, { SystemModstamp: '2026-11-27T11:59:00.000+0000' }));
    const next = await pullStream(fake, mappings, 'leads', cursor, { now: NOW + 60_000 }, { bulkThreshold: 3 });
    expect(next.people.map((p) => p.crmId)).toEqual([leadId(6)]);
  });

  it('hands the cursor back with more: true when the job is still running after the bounded wait', async () => {
    const fake = fakeWithLeads(5);
    fake.nextBulkStates = ['InProgress'];
    const { slept, sleep } = sleeper();
    const options: SalesforceStreamOptions = { bulkThreshold: 4, bulkWaitMs: 4_000, bulkPollMs: 2_000, sleep };
    const first = await pullStream(fake, mappings, 'leads', null, { now: NOW }, options);
    // polled at 0 and 2 s; the next interval (4 s) would outlast the 4 s wait: it goes in the cursor
    expect(first).toEqual({ people: [], events: [], next: { phase: 'bulk', bulkJobId: '750FAKE1', locator: null, until: NOW_ISO, pollMs: 4_000 }, more: true });
    expect(slept).toEqual([2_000]);
    expect(fake.calls.filter((c) => c.startsWith('bulkQueryState'))).toHaveLength(2);

    // the next pull waits that interval before it polls the same job (no second job), and reads it once complete
    fake.bulkJobs.get('750FAKE1')!.states = ['JobComplete'];
    const second = await pullStream(fake, mappings, 'leads', first.next, { now: NOW }, options);
    expect(slept).toEqual([2_000, 4_000]);
    expect(fake.calls.filter((c) => c === 'bulkQueryStart')).toHaveLength(1);
    expect(second.people).toHaveLength(5);
  });

  it('falls back to the REST pass over the same window when the job fails', async () => {
    const fake = fakeWithLeads(5);
    fake.nextBulkStates = ['Failed'];
    const warnings: string[] = [];
    const page = await pullStream(fake, mappings, 'leads', null, { now: NOW }, { bulkThreshold: 4, sleep: async () => {}, logger: { warn: (m) => void warnings.push(m) } });
    expect(warnings).toHaveLength(1);
    expect(fake.soql.at(-1)).toMatch(new RegExp(`FROM Lead WHERE SystemModstamp <= ${NOW_ISO} ORDER BY SystemModstamp, Id$`));
    expect(page.people).toHaveLength(5);
    expect(page.more).toBe(false);
  });

  it('starts over on REST when the job no longer exists (404 after a long stall)', async () => {
    const fake = fakeWithLeads(5);
    const gone = Object.assign(new Error('Salesforce GET /jobs/query/:id answered 404 NOT_FOUND'), { status: 404, errorCode: 'NOT_FOUND' });
    fake.bulkQueryResults = async () => {
      throw gone;
    };
    const cursor = { phase: 'bulk', bulkJobId: '750GONE', locator: '5000', until: NOW_ISO };
    const page = await pullStream(fake, mappings, 'leads', cursor, { now: NOW }, { bulkThreshold: 3, sleep: async () => {} });
    expect(page.people).toHaveLength(5);
    expect(page.next).toMatchObject({ phase: 'incremental', caughtUpAt: NOW_ISO });
    // any other failure is the job runner's to retry
    fake.bulkQueryResults = async () => {
      throw Object.assign(new Error('boom'), { status: 503, errorCode: 'SERVER_UNAVAILABLE' });
    };
    await expect(pullStream(fake, mappings, 'leads', cursor, { now: NOW }, { bulkThreshold: 3 })).rejects.toThrow('boom');
  });

  it('contacts: Account.* columns become the parent object; an empty parent is null', async () => {
    const fake = fakeWithLeads(0)
      .table('Contact', [
        { Id: contactId(1), IsDeleted: false, MasterRecordId: null, AccountId: '001A', SystemModstamp: '2026-11-01T00:00:00.000Z', Email: 'a@mill.example.com',
          FirstName: 'A', LastName: 'B', Title: 'COO', Phone: null, OwnerId: '005X', LeadSource: null, HasOptedOutOfEmail: true, MailingCountryCode: null,
          Account: { Name: 'Mill', NumberOfEmployees: 800, AnnualRevenue: null, Industry: 'Utilities', BillingCountryCode: 'US' } },
        { Id: contactId(2), IsDeleted: false, MasterRecordId: null, AccountId: null, SystemModstamp: '2026-11-01T00:00:00.000Z', Email: 'b@x.example.com',
          FirstName: 'C', LastName: 'D', Title: null, Phone: null, OwnerId: '005X', LeadSource: null, HasOptedOutOfEmail: false, MailingCountryCode: 'DE', Account: null },
      ], CONTACT_FIELDS, TYPES);
    const page = await pullStream(fake, mappings, 'contacts', null, { now: NOW }, { bulkThreshold: 1, sleep: async () => {} });
    expect(fake.calls).toContain('bulkQueryStart');
    expect(fake.soql[1]).toContain('Account.Name, Account.NumberOfEmployees, Account.AnnualRevenue, Account.Industry');
    expect(page.people.map((p) => p.person)).toEqual([
      expect.objectContaining({ company: 'Mill', employees: 800, annualRevenue: null, industry: 'Utilities', country: 'US', deals: { open: 0, won: 0 },
        attributes: expect.objectContaining({ emailOptOut: true }) }),
      expect.objectContaining({ company: null, employees: null, country: 'DE' }),
    ]);
    expect(page.events.map((e) => e.event.type)).toEqual(['unsubscribe']);
  });
});

describe('typeBulkRecord', () => {
  it('types CSV strings by describe type and nests parent columns', () => {
    const types = new Map([['Id', 'id'], ['NumberOfEmployees', 'int'], ['HasOptedOutOfEmail', 'boolean'], ['Account.AnnualRevenue', 'currency'], ['Account.Name', 'string']]);
    expect(typeBulkRecord({ Id: '003A', NumberOfEmployees: '1200', HasOptedOutOfEmail: 'true', 'Account.AnnualRevenue': '2.5E7', 'Account.Name': 'Mill' }, types, 'Contact'))
      .toEqual({ attributes: { type: 'Contact' }, Id: '003A', NumberOfEmployees: 1200, HasOptedOutOfEmail: true, Account: { AnnualRevenue: 25_000_000, Name: 'Mill' } });
    expect(typeBulkRecord({ Id: '003B', NumberOfEmployees: '', HasOptedOutOfEmail: 'false', 'account.annualrevenue': '', 'Account.Name': '' }, types, 'Contact'))
      .toEqual({ attributes: { type: 'Contact' }, Id: '003B', NumberOfEmployees: null, HasOptedOutOfEmail: false, Account: null });
  });
});
