/**
 * Salesforce streams against a fake SalesforceApi: the SOQL each stream sends (keyset on
 * SystemModstamp/Id with ties, windows ending at the run's `now`), paging through nextRecordsUrl, a
 * restart after an expired locator, converted leads emitted as their contact with `formerly`, merged
 * and deleted records as `removed`, deals from contact roles, campaign members and tasks as events,
 * and the opportunities/accounts streams re-emitting contacts.
 */
import { salesforceMappings } from '../../connectors/salesforce/mapping';
import { pullStream, SALESFORCE_STREAMS, SalesforceSchemaError, type SalesforceStreamOptions } from '../../connectors/salesforce/streams';
import type { SfRecord } from '../../connectors/salesforce/salesforce-api.types';
import type { PullPage, StreamCursor } from '../../src/connector/crm-connector';
import { FakeSalesforceApi } from '../helpers/fake-salesforce-api';

const NOW = Date.parse('2026-11-27T12:00:00.000Z');
const NOW_ISO = '2026-11-27T12:00:00.000Z';
const mappings = salesforceMappings();

/** Salesforce's own datetime spelling, `+0000`. */
const sf = (iso: string) => iso.replace('Z', '+0000');

const LEAD_FIELDS = [
  'Id', 'IsDeleted', 'MasterRecordId', 'IsConverted', 'ConvertedContactId', 'ConvertedDate', 'SystemModstamp', 'Email', 'FirstName',
  'LastName', 'Title', 'Company', 'NumberOfEmployees', 'AnnualRevenue', 'Industry', 'CountryCode', 'Country', 'Phone', 'MobilePhone',
  'OwnerId', 'Status', 'LeadSource', 'Rating', 'HasOptedOutOfEmail', 'Leadstage_Stage__c', 'Leadstage_Score__c', 'Leadstage_SQL_Date__c',
];
const CONTACT_FIELDS = [
  'Id', 'IsDeleted', 'MasterRecordId', 'AccountId', 'SystemModstamp', 'Email', 'FirstName', 'LastName', 'Title', 'Phone', 'MobilePhone',
  'OwnerId', 'LeadSource', 'HasOptedOutOfEmail', 'MailingCountryCode', 'MailingCountry', 'Leadstage_Stage__c',
];
const ACCOUNT_FIELDS = ['Id', 'Name', 'NumberOfEmployees', 'AnnualRevenue', 'Industry', 'BillingCountryCode', 'BillingCountry', 'SystemModstamp', 'IsDeleted'];
const TYPES = { NumberOfEmployees: 'int', AnnualRevenue: 'currency', HasOptedOutOfEmail: 'boolean', IsDeleted: 'boolean', IsConverted: 'boolean', SystemModstamp: 'datetime', Leadstage_Score__c: 'double', Leadstage_SQL_Date__c: 'datetime' };

const leadId = (n: number) => `00Q${String(n).padStart(15, '0')}`;
const contactId = (n: number) => `003${String(n).padStart(15, '0')}`;
const accountId = (n: number) => `001${String(n).padStart(15, '0')}`;
const oppId = (n: number) => `006${String(n).padStart(15, '0')}`;

function lead(n: number, modstamp: string, extra: Partial<SfRecord> = {}): SfRecord {
  return {
    attributes: { type: 'Lead' }, Id: leadId(n), IsDeleted: false, MasterRecordId: null, IsConverted: false, ConvertedContactId: null,
    ConvertedDate: null, SystemModstamp: sf(modstamp), Email: `Lead${n}@Plant${n}.example.com`, FirstName: `Lee${n}`, LastName: 'Ng',
    Title: 'Reliability Engineer', Company: `Plant ${n}`, NumberOfEmployees: 250, AnnualRevenue: 40_000_000, Industry: 'Manufacturing',
    CountryCode: 'US', Country: 'United States', Phone: '+1 555 0100', MobilePhone: null, OwnerId: '005000000000000001',
    Status: 'Open - Not Contacted', LeadSource: 'Web', Rating: null, HasOptedOutOfEmail: false, Leadstage_Stage__c: null,
    Leadstage_Score__c: null, Leadstage_SQL_Date__c: null, ...extra,
  };
}

function account(n: number, extra: Partial<SfRecord> = {}): SfRecord {
  return { Id: accountId(n), Name: `Acme Mill ${n}`, NumberOfEmployees: 1200, AnnualRevenue: 300_000_000, Industry: 'Food & Beverage',
    BillingCountryCode: 'US', BillingCountry: 'United States', SystemModstamp: sf('2026-10-01T00:00:00.000Z'), IsDeleted: false, ...extra };
}

function contact(n: number, modstamp: string, acct: SfRecord | null, extra: Partial<SfRecord> = {}): SfRecord {
  const parent = acct && { Name: acct.Name, NumberOfEmployees: acct.NumberOfEmployees, AnnualRevenue: acct.AnnualRevenue, Industry: acct.Industry,
    BillingCountryCode: acct.BillingCountryCode, BillingCountry: acct.BillingCountry };
  return {
    attributes: { type: 'Contact' }, Id: contactId(n), IsDeleted: false, MasterRecordId: null, AccountId: acct?.Id ?? null,
    SystemModstamp: sf(modstamp), Email: `c${n}@mill.example.com`, FirstName: `Cy${n}`, LastName: 'Ode', Title: 'Plant Manager',
    Phone: null, MobilePhone: '+1 555 0199', OwnerId: '005000000000000002', LeadSource: 'Trade Show', HasOptedOutOfEmail: false,
    MailingCountryCode: null, MailingCountry: null, Leadstage_Stage__c: 'mql', Account: parent, ...extra,
  };
}

function api(): FakeSalesforceApi {
  return new FakeSalesforceApi()
    .table('Lead', [], LEAD_FIELDS, TYPES)
    .table('Contact', [], CONTACT_FIELDS, TYPES)
    .table('Account', [], ACCOUNT_FIELDS, TYPES)
    .table('OpportunityContactRole', [], ['Id', 'ContactId', 'OpportunityId', 'SystemModstamp', 'IsDeleted'])
    .table('Opportunity', [], ['Id', 'SystemModstamp', 'IsDeleted', 'IsClosed', 'IsWon', 'StageName']);
}

const noBulk: SalesforceStreamOptions = { bulkThreshold: Infinity };

async function pullAll(fake: FakeSalesforceApi, stream: string, cursor: StreamCursor | null, now = NOW, options: SalesforceStreamOptions = noBulk) {
  const pages: PullPage[] = [];
  let next = cursor;
  for (let i = 0; i < 50; i++) {
    const page = await pullStream(fake, mappings, stream, next, { now }, options);
    pages.push(page);
    if (page.next) next = page.next;
    if (!(page.more ?? page.next !== null)) break;
  }
  return { pages, cursor: next, people: pages.flatMap((p) => p.people), events: pages.flatMap((p) => p.events), removed: pages.flatMap((p) => p.removed ?? []) };
}

describe('SALESFORCE_STREAMS', () => {
  it('lists people first, then what re-reads people, then events', () => {
    expect(SALESFORCE_STREAMS).toEqual(['leads', 'contacts', 'opportunities', 'accounts', 'campaign_members', 'tasks']);
  });
});

describe('leads stream: keyset on SystemModstamp', () => {
  it('sends the first window through queryAll, bounded by now, ordered by SystemModstamp and Id', async () => {
    const fake = api().table('Lead', [lead(1, '2026-11-01T00:00:00.000Z')], LEAD_FIELDS, TYPES);
    const page = await pullStream(fake, mappings, 'leads', null, { now: NOW }, noBulk);
    expect(fake.soql).toHaveLength(1);
    expect(fake.soql[0]).toMatch(new RegExp(`^SELECT Id, SystemModstamp, .* FROM Lead WHERE SystemModstamp <= ${NOW_ISO} ORDER BY SystemModstamp, Id$`));
    expect(fake.calls).toContain('queryAll');
    // optional BANT fields the org lacks are not selected; Leadstage fields it has are
    expect(fake.soql[0]).not.toMatch(/BANT_/);
    expect(fake.soql[0]).toMatch(/Leadstage_Stage__c/);
    expect(page.next).toEqual({ phase: 'incremental', since: '2026-11-01T00:00:00.000Z', lastId: leadId(1), until: null, nextRecordsUrl: null, caughtUpAt: NOW_ISO });
    expect(page.more).toBe(false);
  });

  it('pages by nextRecordsUrl with a checkpoint per page, ties on SystemModstamp read once each', async () => {
    const tie = '2026-11-10T08:00:00.000Z';
    const leads = [lead(1, '2026-11-09T00:00:00.000Z'), lead(2, tie), lead(3, tie), lead(4, tie), lead(5, tie), lead(6, '2026-11-11T00:00:00.000Z')];
    const fake = api().table('Lead', leads, LEAD_FIELDS, TYPES);
    const first = await pullStream(fake, mappings, 'leads', null, { now: NOW }, { ...noBulk, batchSize: 2 });
    expect(first.people.map((p) => p.crmId)).toEqual([leadId(1), leadId(2)]);
    expect(first.more).toBe(true);
    expect(first.next).toMatchObject({ since: tie, lastId: leadId(2), until: NOW_ISO, nextRecordsUrl: expect.stringMatching(/^\/services\/data\/v62\.0\/query\//) });

    const second = await pullStream(fake, mappings, 'leads', first.next, { now: NOW }, { ...noBulk, batchSize: 2 });
    expect(fake.calls.filter((c) => c.startsWith('queryMore'))).toHaveLength(1);
    expect(second.people.map((p) => p.crmId)).toEqual([leadId(3), leadId(4)]);

    // the locator expires between runs: the window restarts exactly after (tie, lead 4)
    fake.expireLocators();
    const third = await pullStream(fake, mappings, 'leads', second.next, { now: NOW }, { ...noBulk, batchSize: 2 });
    expect(fake.soql.at(-1)).toBe(
      `SELECT ${fake.soql[0]!.slice(7, fake.soql[0]!.indexOf(' FROM'))} FROM Lead WHERE (SystemModstamp > ${tie} OR (SystemModstamp = ${tie} AND Id > '${leadId(4)}')) AND SystemModstamp <= ${NOW_ISO} ORDER BY SystemModstamp, Id`,
    );
    expect(third.people.map((p) => p.crmId)).toEqual([leadId(5), leadId(6)]);
    expect(third.more).toBe(false);
    expect(third.next).toMatchObject({ since: '2026-11-11T00:00:00.000Z', lastId: leadId(6), until: null, nextRecordsUrl: null, caughtUpAt: NOW_ISO });
  });

  it('ends windows at now; a caught-up cursor costs nothing at the same now; the next run resumes after the last record', async () => {
    const later = NOW + 3_600_000;
    const fake = api().table('Lead', [lead(1, '2026-11-20T00:00:00.000Z'), lead(2, '2026-11-27T12:30:00.000Z')], LEAD_FIELDS, TYPES);
    const run = await pullAll(fake, 'leads', null);
    expect(run.people.map((p) => p.crmId)).toEqual([leadId(1)]);

    const again = await pullStream(fake, mappings, 'leads', run.cursor, { now: NOW }, noBulk);
    expect(again).toEqual({ people: [], events: [], next: null, more: false });
    expect(fake.soql).toHaveLength(1);

    const next = await pullStream(fake, mappings, 'leads', run.cursor, { now: later }, noBulk);
    expect(fake.soql.at(-1)).toContain(`WHERE (SystemModstamp > 2026-11-20T00:00:00.000Z OR (SystemModstamp = 2026-11-20T00:00:00.000Z AND Id > '${leadId(1)}')) AND SystemModstamp <= 2026-11-27T13:00:00.000Z ORDER BY`);
    expect(next.people.map((p) => p.crmId)).toEqual([leadId(2)]);
    expect(next.more).toBe(false);
  });

  it('re-reads an overlap before the last window\'s end: a record committed late with an earlier stamp is found', async () => {
    const fake = api().table('Lead', [lead(1, '2026-11-27T11:58:00.000Z'), lead(2, '2026-11-27T11:59:00.000Z')], LEAD_FIELDS, TYPES);
    const run = await pullAll(fake, 'leads', null);
    expect(run.people.map((p) => p.crmId)).toEqual([leadId(1), leadId(2)]);
    // a transaction that started at 11:58:30 commits after the window ending at 12:00 was read
    fake.tables.Lead!.push(lead(3, '2026-11-27T11:58:30.000Z', { Title: 'Maintenance Manager' }));
    const next = await pullAll(fake, 'leads', run.cursor, NOW + 60_000);
    expect(fake.soql.at(-1)).toContain('WHERE SystemModstamp > 2026-11-27T11:55:00.000Z AND SystemModstamp <= 2026-11-27T12:01:00.000Z ORDER BY');
    expect(next.people.map((p) => p.crmId)).toContain(leadId(3));
    // the overlap is configurable
    const narrow = await pullAll(fake, 'leads', run.cursor, NOW + 60_000, { ...noBulk, overlapMs: 30_000 });
    expect(fake.soql.at(-1)).toContain(`WHERE (SystemModstamp > 2026-11-27T11:59:00.000Z OR (SystemModstamp = 2026-11-27T11:59:00.000Z AND Id > '${leadId(2)}')) AND`);
    expect(narrow.people.map((p) => p.crmId)).not.toContain(leadId(3));
  });

  it('maps a lead: normalised fields, lead status vocabulary, writable values as the writer compares them', async () => {
    const fake = api().table('Lead', [lead(1, '2026-11-01T00:00:00.000Z', {
      Industry: 'Engineering', CountryCode: null, Country: 'USA', Status: 'Working - Contacted', Leadstage_Score__c: 72,
      Leadstage_SQL_Date__c: '2026-11-02T10:00:00.000+0000', HasOptedOutOfEmail: true, EmailBouncedDate: '2026-10-30T09:00:00.000+0000',
    })], [...LEAD_FIELDS, 'EmailBouncedDate'], TYPES);
    const page = await pullStream(fake, mappings, 'leads', null, { now: NOW }, noBulk);
    expect(page.people).toHaveLength(1);
    const p = page.people[0]!;
    expect(p).toMatchObject({ crmId: leadId(1), objectType: 'lead', modifiedAt: '2026-11-01T00:00:00.000Z' });
    expect(p.person).toMatchObject({
      email: 'lead1@plant1.example.com', employees: 250, annualRevenue: 40_000_000, industry: 'mechanical or industrial engineering',
      country: 'US', leadStatus: 'IN_PROGRESS', ownerId: '005000000000000001', company: 'Plant 1',
      source: 'Web',
      attributes: { rating: null, emailOptOut: true },
    });
    expect(p.person.deals).toBeUndefined();
    expect(p.writableValues).toMatchObject({ Status: 'Working - Contacted', Leadstage_Score__c: '72', Leadstage_SQL_Date__c: '2026-11-02T10:00:00.000Z', Leadstage_Stage__c: null });
    // the opt-out and the bounce are events with stable ids
    expect(page.events).toEqual([
      { who: { crmId: leadId(1), objectType: 'lead' },
        event: { id: `sf-unsubscribe-${leadId(1)}`, type: 'unsubscribe', occurredAt: '2026-11-01T00:00:00.000Z', source: 'salesforce', properties: { field: 'HasOptedOutOfEmail' } } },
      { who: { crmId: leadId(1), objectType: 'lead' },
        event: { id: `sf-hard_bounce-${leadId(1)}-2026-10-30T09:00:00.000Z`, type: 'hard_bounce', occurredAt: '2026-10-30T09:00:00.000Z', source: 'salesforce', properties: { field: 'EmailBouncedDate' } } },
    ]);
    expect(fake.soql[0]).toMatch(/, EmailBouncedDate FROM Lead /);
  });

  it('reports merged and deleted leads as removed (queryAll), with the surviving record', async () => {
    const fake = api().table('Lead', [
      lead(1, '2026-11-01T00:00:00.000Z', { IsDeleted: true, MasterRecordId: leadId(2) }),
      lead(2, '2026-11-01T00:00:01.000Z'),
      lead(3, '2026-11-01T00:00:02.000Z', { IsDeleted: true }),
    ], LEAD_FIELDS, TYPES);
    const page = await pullStream(fake, mappings, 'leads', null, { now: NOW }, noBulk);
    expect(page.people.map((p) => p.crmId)).toEqual([leadId(2)]);
    expect(page.removed).toEqual([
      { crmId: leadId(1), objectType: 'lead', mergedInto: { crmId: leadId(2), objectType: 'lead' } },
      { crmId: leadId(3), objectType: 'lead' },
    ]);
  });

  it('follows a converted lead to its contact: the contact is the person, the lead is `formerly`', async () => {
    const acct = account(1);
    const fake = api()
      .table('Lead', [
        lead(1, '2026-11-05T00:00:00.000Z', { IsConverted: true, ConvertedContactId: contactId(7), Status: 'Closed - Converted' }),
        lead(2, '2026-11-05T00:00:01.000Z', { IsConverted: true, ConvertedContactId: contactId(7) }),
        lead(3, '2026-11-05T00:00:02.000Z', { IsConverted: true, ConvertedContactId: contactId(8) }),
      ], LEAD_FIELDS, TYPES)
      .table('Contact', [contact(7, '2026-11-05T00:00:00.000Z', acct), contact(8, '2026-11-05T00:00:00.000Z', acct, { IsDeleted: true, MasterRecordId: contactId(9) })], CONTACT_FIELDS, TYPES)
      .table('OpportunityContactRole', [
        { Id: '00K1', ContactId: contactId(7), OpportunityId: oppId(1), Opportunity: { IsClosed: false, IsWon: false, StageName: 'Qualification' } },
      ]);
    const page = await pullStream(fake, mappings, 'leads', null, { now: NOW }, noBulk);
    expect(page.people).toHaveLength(1);
    expect(page.people[0]).toMatchObject({
      crmId: contactId(7), objectType: 'contact',
      formerly: [{ crmId: leadId(1), objectType: 'lead' }, { crmId: leadId(2), objectType: 'lead' }],
      person: { deals: { open: 1, won: 0 }, crmStage: 'opportunity', company: 'Acme Mill 1' },
    });
    // the contact was merged away: its lead's history follows the surviving contact
    expect(page.removed).toEqual([{ crmId: leadId(3), objectType: 'lead', mergedInto: { crmId: contactId(9), objectType: 'contact' } }]);
    expect(fake.soql.find((q) => q.includes('FROM Contact'))).toMatch(new RegExp(`FROM Contact WHERE Id IN \\('${contactId(7)}', '${contactId(8)}'\\)$`));
  });
});

describe('contacts stream', () => {
  it('maps Account firmographics and counts deals per contact from contact roles, 200 contacts per query', async () => {
    const acct = account(1);
    const contacts = Array.from({ length: 450 }, (_, i) => contact(i, `2026-11-0${1 + (i % 5)}T00:00:00.000Z`, i === 0 ? acct : null));
    const fake = api()
      .table('Contact', contacts, CONTACT_FIELDS, TYPES)
      .table('OpportunityContactRole', [
        { Id: '00K1', ContactId: contactId(0), OpportunityId: oppId(1), Opportunity: { IsClosed: true, IsWon: true, StageName: 'Closed Won' } },
        // two roles on one opportunity count once
        { Id: '00K2', ContactId: contactId(0), OpportunityId: oppId(2), Opportunity: { IsClosed: false, IsWon: false, StageName: 'Negotiation/Review' } },
        { Id: '00K3', ContactId: contactId(0), OpportunityId: oppId(2), Opportunity: { IsClosed: false, IsWon: false, StageName: 'Negotiation/Review' } },
        { Id: '00K4', ContactId: contactId(0), OpportunityId: oppId(3), Opportunity: { IsClosed: true, IsWon: false, StageName: 'Closed Lost' } },
        { Id: '00K5', ContactId: contactId(3), OpportunityId: oppId(4), Opportunity: { IsClosed: false, IsWon: false, StageName: 'Prospecting' } },
      ]);
    const page = await pullStream(fake, mappings, 'contacts', null, { now: NOW }, noBulk);
    expect(page.people).toHaveLength(450);
    const roleQueries = fake.soql.filter((q) => q.includes('FROM OpportunityContactRole'));
    expect(roleQueries).toHaveLength(3);
    for (const q of roleQueries) {
      expect(q).toMatch(/^SELECT ContactId, OpportunityId, Opportunity\.IsClosed, Opportunity\.IsWon, Opportunity\.StageName, Opportunity\.Amount FROM OpportunityContactRole WHERE ContactId IN \(/);
      expect((q.match(/'/g) ?? []).length / 2).toBeLessThanOrEqual(200);
    }
    expect(fake.soql[0]).toMatch(/Account\.Name, Account\.NumberOfEmployees/);

    const withAccount = page.people.find((p) => p.crmId === contactId(0))!;
    expect(withAccount.person).toMatchObject({
      company: 'Acme Mill 1', employees: 1200, annualRevenue: 300_000_000, industry: 'food & beverage production',
      country: 'US', phone: '+1 555 0199', deals: { open: 1, won: 1 }, crmStage: 'customer',
      source: 'Trade Show',
      attributes: { emailOptOut: false, opportunityStage: 'Negotiation/Review' },
    });
    // every written field is there; those the org lacks yet (before ensureSchema) read as empty
    expect(Object.keys(withAccount.writableValues)).toHaveLength(15);
    expect(withAccount.writableValues).toMatchObject({ Leadstage_Stage__c: 'mql', Leadstage_Score__c: null });
    expect(page.people.find((p) => p.crmId === contactId(3))!.person).toMatchObject({ deals: { open: 1, won: 0 }, crmStage: 'opportunity', company: null, country: null });
    expect(page.people.find((p) => p.crmId === contactId(4))!.person).toMatchObject({ deals: { open: 0, won: 0 }, crmStage: null });
  });

  it('reports a merged contact as removed into its master', async () => {
    const fake = api().table('Contact', [contact(1, '2026-11-01T00:00:00.000Z', null, { IsDeleted: true, MasterRecordId: contactId(2) })], CONTACT_FIELDS, TYPES);
    const page = await pullStream(fake, mappings, 'contacts', null, { now: NOW }, noBulk);
    expect(page.people).toEqual([]);
    expect(page.removed).toEqual([{ crmId: contactId(1), objectType: 'contact', mergedInto: { crmId: contactId(2), objectType: 'contact' } }]);
    expect(fake.soql.some((q) => q.includes('OpportunityContactRole'))).toBe(false);
  });

  it('fails with the mapping named when a required mapped field is missing; optional ones are skipped', async () => {
    const fake = api().table('Contact', [], CONTACT_FIELDS.filter((f) => f !== 'Title'), TYPES);
    await expect(pullStream(fake, mappings, 'contacts', null, { now: NOW }, noBulk)).rejects.toThrow(SalesforceSchemaError);
    await expect(pullStream(api().table('Contact', [], CONTACT_FIELDS.filter((f) => f !== 'Title'), TYPES), mappings, 'contacts', null, { now: NOW }, noBulk))
      .rejects.toThrow('Contact has no field "Title" (read mapping contact title ← Title)');
  });
});

describe('opportunities and accounts streams', () => {
  it('start at now on a first sync without reading history', async () => {
    const fake = api();
    for (const stream of ['opportunities', 'accounts']) {
      const page = await pullStream(fake, mappings, stream, null, { now: NOW }, noBulk);
      expect(page).toMatchObject({ people: [], events: [], more: false, next: { phase: 'incremental', since: NOW_ISO, caughtUpAt: NOW_ISO } });
    }
    expect(fake.soql).toEqual([]);
  });

  it('re-emit the contacts of changed opportunities and changed contact roles with fresh deals', async () => {
    const acct = account(1);
    const fake = api()
      .table('Contact', [contact(1, '2026-01-01T00:00:00.000Z', acct), contact(2, '2026-01-01T00:00:00.000Z', acct)], CONTACT_FIELDS, TYPES)
      .table('Opportunity', [{ Id: oppId(1), SystemModstamp: sf('2026-11-27T12:10:00.000Z'), IsDeleted: false }], ['Id', 'SystemModstamp', 'IsDeleted'])
      .table('OpportunityContactRole', [
        { Id: '00K1', ContactId: contactId(1), OpportunityId: oppId(1), SystemModstamp: sf('2026-11-01T00:00:00.000Z'), IsDeleted: false,
          Opportunity: { IsClosed: true, IsWon: true, StageName: 'Closed Won' } },
        { Id: '00K2', ContactId: contactId(2), OpportunityId: oppId(2), SystemModstamp: sf('2026-11-27T12:20:00.000Z'), IsDeleted: false,
          Opportunity: { IsClosed: false, IsWon: false, StageName: 'Prospecting' } },
      ], ['Id', 'ContactId', 'OpportunityId', 'SystemModstamp', 'IsDeleted']);
    const start = (await pullStream(fake, mappings, 'opportunities', null, { now: NOW }, noBulk)).next;
    const run = await pullAll(fake, 'opportunities', start, NOW + 3_600_000);
    expect(run.pages).toHaveLength(2);
    expect(run.pages[0]!.people.map((p) => [p.crmId, p.person.deals, p.person.crmStage])).toEqual([[contactId(1), { open: 0, won: 1 }, 'customer']]);
    expect(run.pages[0]!.more).toBe(true);
    // the window reaches five minutes back before the first run's end, in both segments (late commits)
    expect(run.pages[0]!.next).toMatchObject({ segment: 'roles', since: '2026-11-27T12:10:00.000Z', lastId: oppId(1), rolesSince: '2026-11-27T11:55:00.000Z' });
    expect(run.pages[1]!.people.map((p) => [p.crmId, p.person.deals])).toEqual([[contactId(2), { open: 1, won: 0 }]]);
    expect(run.pages[1]!.more).toBe(false);
    expect(fake.soql[0]).toBe('SELECT Id, SystemModstamp, IsDeleted FROM Opportunity WHERE SystemModstamp > 2026-11-27T11:55:00.000Z AND SystemModstamp <= 2026-11-27T13:00:00.000Z ORDER BY SystemModstamp, Id');
    expect(fake.soql).toContain(`SELECT ContactId FROM OpportunityContactRole WHERE OpportunityId IN ('${oppId(1)}')`);
    expect(fake.soql.some((q) => q.startsWith('SELECT Id, ContactId, SystemModstamp, IsDeleted FROM OpportunityContactRole WHERE SystemModstamp >'))).toBe(true);
  });

  it('accounts: re-emit the contacts of a changed account with its new firmographics', async () => {
    const acct = account(1, { Industry: 'Chemicals', SystemModstamp: sf('2026-11-27T12:30:00.000Z') });
    const fake = api()
      .table('Account', [acct], ACCOUNT_FIELDS, TYPES)
      .table('Contact', [contact(1, '2026-01-01T00:00:00.000Z', acct)], CONTACT_FIELDS, TYPES);
    const start = (await pullStream(fake, mappings, 'accounts', null, { now: NOW }, noBulk)).next;
    const page = await pullStream(fake, mappings, 'accounts', start, { now: NOW + 3_600_000 }, noBulk);
    expect(page.people.map((p) => [p.crmId, p.person.industry])).toEqual([[contactId(1), 'Chemicals']]);
    expect(fake.soql).toContainEqual(expect.stringMatching(new RegExp(`FROM Contact WHERE AccountId IN \\('${accountId(1)}'\\)$`)));
  });
});

describe('campaign_members stream', () => {
  const campaigns: Record<string, { Name: string; Type: string }> = {
    web1: { Name: 'Webinar: Predictive Maintenance 101', Type: 'Webinar' },
    show: { Name: 'Reliability Summit 2026', Type: 'Trade Show' },
    synd: { Name: 'Content Syndication - Industrial Insights Q4', Type: 'Content Syndication' },
    demo: { Name: 'Website - Demo request', Type: 'Website' },
    trial: { Name: 'Website - Free trial', Type: 'Website' },
    sales: { Name: 'Website - Pricing page contact sales', Type: 'Website' },
    news: { Name: 'Newsletter - November', Type: 'Email' },
  };
  function member(id: string, campaign: string, status: string, responded: boolean, extra: Partial<SfRecord> = {}): SfRecord {
    return {
      Id: id, CampaignId: `701${campaign}`, LeadId: leadId(1), ContactId: null, Status: status, HasResponded: responded,
      FirstRespondedDate: responded ? '2026-11-20' : null, CreatedDate: sf('2026-11-20T15:04:05.000Z'), LastModifiedDate: sf('2026-11-20T15:04:05.000Z'),
      SystemModstamp: sf('2026-11-20T15:04:05.000Z'), Campaign: campaigns[campaign], ...extra,
    };
  }
  const MEMBER_FIELDS = ['Id', 'CampaignId', 'LeadId', 'ContactId', 'Status', 'HasResponded', 'FirstRespondedDate', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp', 'CampaignId'];

  it('maps campaign type and member status to event types with stable ids', async () => {
    const fake = api()
      .table('Campaign', [], ['Id', 'Name', 'Type'])
      .table('CampaignMember', [
        member('00v1', 'web1', 'Registered', false),
        member('00v2', 'web1', 'Attended', true, { CreatedDate: sf('2026-11-01T10:00:00.000Z'), LastModifiedDate: sf('2026-11-20T17:30:00.000Z') }),
        member('00v3', 'show', 'Attended', true),
        member('00v4', 'synd', 'Responded', true),
        member('00v5', 'demo', 'Responded', true, { LeadId: leadId(2), ContactId: contactId(2) }),
        member('00v6', 'trial', 'Responded', true),
        member('00v7', 'sales', 'Responded', true),
        member('00v8', 'news', 'Responded', true, { CreatedDate: sf('2026-10-01T00:00:00.000Z'), LastModifiedDate: sf('2026-11-25T00:00:00.000Z') }),
        member('00v9', 'news', 'Sent', false),
      ], MEMBER_FIELDS);
    const page = await pullStream(fake, mappings, 'campaign_members', null, { now: NOW }, noBulk);
    expect(fake.soql[0]).toMatch(/^SELECT Id, SystemModstamp, Status, CampaignId, LeadId, ContactId, HasResponded, FirstRespondedDate, CreatedDate, LastModifiedDate, Campaign\.Name, Campaign\.Type FROM CampaignMember WHERE SystemModstamp <= /);
    expect(fake.calls).toContain('query');
    expect(page.events.map((e) => [e.event.id, e.event.type, e.event.occurredAt])).toEqual([
      ['sf-cm-00v1-registered', 'webinar_registered', '2026-11-20T15:04:05.000Z'],
      ['sf-cm-00v2-attended', 'webinar_attended', '2026-11-20T17:30:00.000Z'],
      ['sf-cm-00v3-attended', 'event_attended', '2026-11-20T15:04:05.000Z'],
      ['sf-cm-00v4-responded', 'content_download', '2026-11-20T15:04:05.000Z'],
      ['sf-cm-00v5-responded', 'demo_request', '2026-11-20T15:04:05.000Z'],
      ['sf-cm-00v6-responded', 'trial_signup', '2026-11-20T15:04:05.000Z'],
      ['sf-cm-00v7-responded', 'contact_sales', '2026-11-20T15:04:05.000Z'],
      // FirstRespondedDate is a day: neither CreatedDate nor LastModifiedDate is on it
      ['sf-cm-00v8-responded', 'email_click', '2026-11-20T00:00:00.000Z'],
    ]);
    const demo = page.events.find((e) => e.event.type === 'demo_request')!;
    // a converted lead's membership names the contact
    expect(demo.who).toEqual({ crmId: contactId(2), objectType: 'contact' });
    expect(demo.event).toMatchObject({ source: 'salesforce', properties: { campaignId: '701demo', assetTitle: 'Website - Demo request', campaignType: 'Website', memberStatus: 'Responded', responded: true } });
    expect(page.events[0]!.who).toEqual({ crmId: leadId(1), objectType: 'lead' });
    expect(page.events[0]!.event.properties).toMatchObject({ webinarId: '701web1' });
  });

  it('takes the event type from a Campaign field when the org has one', async () => {
    const fake = api()
      .table('Campaign', [], ['Id', 'Name', 'Type', 'Leadstage_Event_Type__c'])
      .table('CampaignMember', [member('00v1', 'news', 'Responded', true, { Campaign: { Name: 'Q4 quote push', Type: 'Email', Leadstage_Event_Type__c: 'quote_request' } })], MEMBER_FIELDS);
    const page = await pullStream(fake, mappings, 'campaign_members', null, { now: NOW }, noBulk);
    expect(fake.soql[0]).toContain('Campaign.Leadstage_Event_Type__c');
    expect(page.events.map((e) => e.event.type)).toEqual(['quote_request']);
  });
});

describe('tasks stream', () => {
  const TASK_FIELDS = ['Id', 'WhoId', 'Subject', 'Type', 'TaskSubtype', 'Status', 'IsClosed', 'ActivityDate', 'CompletedDateTime', 'CreatedDate', 'OwnerId',
    'CallType', 'CallDurationInSeconds', 'CallDisposition', 'SystemModstamp'];
  function task(id: string, extra: Partial<SfRecord>): SfRecord {
    return {
      Id: id, WhoId: leadId(1), Subject: 'Call', Type: null, TaskSubtype: 'Task', Status: 'Completed', IsClosed: true, ActivityDate: '2026-11-20',
      CompletedDateTime: null, CreatedDate: sf('2026-11-20T09:15:00.000Z'), OwnerId: '005000000000000003', CallType: null,
      CallDurationInSeconds: null, CallDisposition: null, SystemModstamp: sf('2026-11-20T09:15:00.000Z'), ...extra,
    };
  }
  const tasks = [
    task('00T1', { TaskSubtype: 'Call', CallType: 'Outbound', CallDurationInSeconds: 240, CallDisposition: 'Connected', CompletedDateTime: sf('2026-11-20T09:20:00.000Z') }),
    task('00T2', { TaskSubtype: 'Email', WhoId: contactId(1), Subject: 'Email: Next steps' }),
    task('00T3', { Type: 'Call', Status: 'Not Started', IsClosed: false, Subject: 'Call back' }),
    task('00T4', { Type: 'Meeting', Status: 'Not Started', IsClosed: false, Subject: 'Discovery meeting' }),
    task('00T5', { Type: 'Call', Leadstage_Key__c: 'handoff-1:call-1', Status: 'Not Started', IsClosed: false }),
    task('00T6', { Type: 'Call', Leadstage_Key__c: 'handoff-1:call-2', ActivityDate: '2026-11-18' }),
    task('00T7', { Type: 'Other', Subject: 'Send pricing' }),
    task('00T8', { Type: 'Call', WhoId: '001000000000000001' }),
  ];

  it('maps rep-logged calls, emails and meetings; skips open calls and Leadstage tasks no rep completed', async () => {
    const fake = api().table('Task', tasks, [...TASK_FIELDS, 'Leadstage_Key__c'], { CallDurationInSeconds: 'int', IsClosed: 'boolean' });
    const page = await pullStream(fake, mappings, 'tasks', null, { now: NOW }, noBulk);
    expect(fake.soql[0]).toMatch(/^SELECT Id, SystemModstamp, WhoId, Subject, .*Leadstage_Key__c FROM Task WHERE SystemModstamp <= \S+ AND WhoId != null ORDER BY SystemModstamp, Id$/);
    expect(page.events.map((e) => [e.event.id, e.event.type, e.event.occurredAt, e.who])).toEqual([
      ['sf-task-00T1', 'sales_call', '2026-11-20T09:20:00.000Z', { crmId: leadId(1), objectType: 'lead' }],
      ['sf-task-00T2', 'sales_email', '2026-11-20T09:15:00.000Z', { crmId: contactId(1), objectType: 'contact' }],
      ['sf-task-00T4', 'meeting_booked', '2026-11-20T09:15:00.000Z', { crmId: leadId(1), objectType: 'lead' }],
      // a rep completed Leadstage's own task, logged two days after its date: a touch on that day
      ['sf-task-00T6', 'sales_call', '2026-11-18T00:00:00.000Z', { crmId: leadId(1), objectType: 'lead' }],
    ]);
    expect(page.events[0]!.event.properties).toMatchObject({ taskId: '00T1', callType: 'Outbound', durationSeconds: 240, disposition: 'Connected', ownerId: '005000000000000003' });
    expect(page.events[3]!.event.properties).toMatchObject({ leadstageKey: 'handoff-1:call-2' });
  });

  it('does not select the key field when the org lacks it', async () => {
    const fake = api().table('Task', tasks.map(({ Leadstage_Key__c: _k, ...t }) => t as SfRecord), TASK_FIELDS);
    await pullStream(fake, mappings, 'tasks', null, { now: NOW }, noBulk);
    expect(fake.soql[0]).not.toContain('Leadstage_Key__c');
  });
});

describe('unknown stream', () => {
  it('names the streams there are', async () => {
    await expect(pullStream(api(), mappings, 'deals', null, { now: NOW })).rejects.toThrow(/no stream "deals"; streams: leads, contacts/);
  });
});
