/**
 * The seeded Salesforce org: deterministic from the seed, Salesforce-shaped ids and timestamps,
 * realistic mixes (statuses, queue owners, conversions, merges), and the showcase records that
 * `describeSeed()` names, checked through SOQL with the real jsforce.
 */
import { Connection } from 'jsforce';
import {
  describeSeed, INBOUND_QUEUE, LEAD_STATUSES, normalizeId, OrgStore, seedOrg, SF_NON_TARGET_INDUSTRIES, SF_TARGET_INDUSTRIES,
  SHOWCASE_KINDS, standardObjects, startSalesforceSandbox, type Row, type SalesforceSandbox,
} from '../../sandboxes/salesforce';
import { COMPETITOR_DOMAINS, PERSONA_TITLES, PERSONAL_EMAIL_DOMAINS } from '../../sandboxes/hubspot/seed-catalog';

type Rec = Record<string, unknown> & { Id: string };

function seeded(options: { seed?: number; leads: number; contacts: number }): OrgStore {
  const store = new OrgStore(standardObjects());
  seedOrg(store, options);
  return store;
}

function table(store: OrgStore, name: string): Row[] {
  return [...store.rows(name, { includeDeleted: true })];
}

const NOW = Date.parse('2026-11-27T12:00:00Z');
const DAY = 86_400_000;
const time = (text: unknown) => Date.parse(String(text).replace('+0000', 'Z'));

describe('Salesforce sandbox seed', () => {
  it('is deterministic: same options → the same org, record for record; another seed differs but keeps showcase ids', () => {
    const a = seeded({ leads: 400, contacts: 150 });
    const b = seeded({ leads: 400, contacts: 150 });
    for (const name of ['Account', 'Lead', 'Contact', 'Opportunity', 'CampaignMember', 'Task']) {
      expect(JSON.stringify(table(a, name))).toBe(JSON.stringify(table(b, name)));
    }
    const c = seeded({ seed: 7, leads: 400, contacts: 150 });
    expect(JSON.stringify(table(c, 'Lead'))).not.toBe(JSON.stringify(table(a, 'Lead')));
    expect(describeSeed({ seed: 7, leads: 400, contacts: 150 }).kinds).toEqual(describeSeed({ leads: 400, contacts: 150 }).kinds);
  });

  it('uses 18-character ids with real key prefixes and valid checksums, and Salesforce timestamps', () => {
    const store = seeded({ leads: 500, contacts: 200 });
    const prefixes: Record<string, string> = {
      Lead: '00Q', Contact: '003', Account: '001', Opportunity: '006', OpportunityContactRole: '00K', Campaign: '701', CampaignMember: '00v',
      Task: '00T', User: '005', Group: '00G', LeadStatus: '01J',
    };
    const problems: string[] = [];
    for (const [name, prefix] of Object.entries(prefixes)) {
      const rows = table(store, name);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        const id = String(row.Id);
        if (id.slice(0, 3) !== prefix || normalizeId(id) !== id) problems.push(`${name} id ${id}`);
        if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/.test(String(row.CreatedDate))) problems.push(`${id} CreatedDate ${String(row.CreatedDate)}`);
        if (!(time(row.CreatedDate) <= time(row.LastModifiedDate) && time(row.LastModifiedDate) <= time(row.SystemModstamp) && time(row.SystemModstamp) <= NOW)) {
          problems.push(`${id} stamps ${String(row.CreatedDate)} ${String(row.LastModifiedDate)} ${String(row.SystemModstamp)}`);
        }
      }
    }
    expect(problems).toEqual([]);
    for (const lead of table(store, 'Lead')) expect(time(lead.CreatedDate)).toBeGreaterThanOrEqual(NOW - 121 * DAY);
    for (const task of table(store, 'Task')) expect(task.ActivityDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('looks like a real org: statuses, owners, conversions, responses and references all hang together', () => {
    const store = seeded({ leads: 3000, contacts: 1500 });
    const leads = table(store, 'Lead');
    const statuses = new Set(leads.map((l) => l.Status));
    expect([...statuses].sort()).toEqual(LEAD_STATUSES.map((s) => s.value).sort());
    const queueOwned = leads.filter((l) => String(l.OwnerId).startsWith('00G')).length;
    expect(queueOwned / leads.length).toBeGreaterThan(0.05);
    const industries = new Set(leads.map((l) => l.Industry).filter(Boolean));
    for (const industry of industries) expect([...SF_TARGET_INDUSTRIES, ...SF_NON_TARGET_INDUSTRIES, 'Technology']).toContain(industry);
    // converted leads point at a contact with the same email, and their status is the converted one
    const converted = leads.filter((l) => l.IsConverted === true);
    expect(converted.length).toBeGreaterThan(50);
    for (const lead of converted) {
      expect(lead.Status).toBe('Closed - Converted');
      const contact = store.find(String(lead.ConvertedContactId))!.row;
      expect(contact.Email).toBe(lead.Email);
      expect(contact.AccountId).toBe(lead.ConvertedAccountId);
      if (lead.ConvertedOpportunityId) expect(store.find(String(lead.ConvertedOpportunityId))!.row.AccountId).toBe(lead.ConvertedAccountId);
    }
    // merged leads are deleted and point at a live lead with the same email
    const merged = leads.filter((l) => l.MasterRecordId);
    expect(merged.length).toBeGreaterThan(0);
    for (const lead of merged) {
      expect(lead.IsDeleted).toBe(true);
      const master = store.find(String(lead.MasterRecordId))!.row;
      expect(master.IsDeleted).toBe(false);
      expect(master.Email).toBe(lead.Email);
    }
    const liveEmails = [...leads.filter((l) => l.IsDeleted !== true && l.IsConverted !== true), ...table(store, 'Contact').filter((c) => c.IsDeleted !== true)].map((p) => p.Email);
    const dupes = liveEmails.length - new Set(liveEmails).size;
    expect(dupes).toBeLessThan(liveEmails.length * 0.02);
    // campaign responses follow the member status; tasks point at people that exist
    for (const member of table(store, 'CampaignMember')) {
      expect(member.HasResponded).toBe(member.Status === 'Attended' || member.Status === 'Responded');
      expect(member.HasResponded === true).toBe(member.FirstRespondedDate !== null);
      expect(store.find(String(member.LeadOrContactId))).toBeDefined();
    }
    const tasks = table(store, 'Task');
    expect(tasks.some((t) => t.TaskSubtype === 'Call' && typeof t.CallDurationInSeconds === 'number')).toBe(true);
    expect(tasks.some((t) => t.Status === 'Not Started')).toBe(true);
    for (const task of tasks) {
      expect(store.find(String(task.WhoId))).toBeDefined();
      expect(task.IsClosed).toBe(task.Status === 'Completed');
    }
    const won = table(store, 'Opportunity').filter((o) => o.IsWon === true);
    expect(won.length).toBeGreaterThan(0);
    for (const opp of won) expect(store.find(String(opp.AccountId))!.row.Type).toBe('Customer - Direct');
  });

  describe('showcase records through jsforce', () => {
    let sandbox: SalesforceSandbox;
    let conn: Connection;

    beforeAll(async () => {
      sandbox = await startSalesforceSandbox({ leads: 400, contacts: 150, clock: 'frozen' });
      conn = new Connection({ instanceUrl: sandbox.url, version: '62.0', accessToken: sandbox.accessToken });
    });
    afterAll(async () => {
      await sandbox.close();
    });

    const lead = async (id: string): Promise<Rec> =>
      (await conn.query<Rec>(`SELECT Id, Email, Title, Company, Industry, NumberOfEmployees, CountryCode, Status, Rating, OwnerId, Phone, IsConverted,
        ConvertedContactId, ConvertedAccountId, ConvertedOpportunityId, IsDeleted, MasterRecordId FROM Lead WHERE Id = '${id}'`, { scanAll: true })).records[0]!;
    const responses = async (id: string) =>
      (await conn.query<Rec>(`SELECT Status, HasResponded, FirstRespondedDate, Campaign.Name, Campaign.Type FROM CampaignMember WHERE LeadId = '${id}'`)).records;
    const daysAgo = (date: unknown) => (NOW - Date.parse(`${String(date)}T12:00:00Z`)) / DAY;

    it('names two records of every kind', () => {
      const seed = sandbox.describeSeed();
      expect(Object.keys(seed.kinds).sort()).toEqual(Object.keys(SHOWCASE_KINDS).sort());
      for (const ids of Object.values(seed.kinds)) expect(ids).toHaveLength(2);
      expect(seed).toEqual(describeSeed({ leads: 400, contacts: 150 }));
    });

    it('demoRequest: a US persona at a 100+ employee target company with a fresh demo request', async () => {
      for (const id of sandbox.describeSeed().kinds.demoRequest) {
        const l = await lead(id);
        expect(l).toMatchObject({ CountryCode: 'US', Status: 'Open - Not Contacted', IsConverted: false });
        expect(PERSONA_TITLES).toContain(l.Title);
        expect(SF_TARGET_INDUSTRIES).toContain(l.Industry);
        expect(l.NumberOfEmployees as number).toBeGreaterThanOrEqual(100);
        expect(l.Phone).toEqual(expect.any(String));
        const demo = (await responses(id)).find((r) => (r.Campaign as Rec).Name === 'Website - Demo request')!;
        expect(demo).toMatchObject({ Status: 'Responded', HasResponded: true });
        expect(daysAgo(demo.FirstRespondedDate)).toBeLessThanOrEqual(3.5);
      }
    });

    it('fit exclusions: personal email, competitor, country not served, non-target industry', async () => {
      const { kinds } = sandbox.describeSeed();
      for (const id of kinds.personalEmail) expect(PERSONAL_EMAIL_DOMAINS).toContain(String((await lead(id)).Email).split('@')[1]);
      for (const id of kinds.competitor) expect(COMPETITOR_DOMAINS).toContain(String((await lead(id)).Email).split('@')[1]);
      for (const id of kinds.countryNotServed) {
        const l = await lead(id);
        expect(l.CountryCode).not.toBe('US');
        expect((await responses(id)).some((r) => (r.Campaign as Rec).Name === 'Website - Demo request')).toBe(true);
      }
      for (const id of kinds.nonTargetIndustry) {
        const l = await lead(id);
        expect(SF_NON_TARGET_INDUSTRIES).toContain(l.Industry);
        expect(l.NumberOfEmployees as number).toBeGreaterThanOrEqual(100);
      }
    });

    it('engagement kinds: MQL persona and heavy webinar attendee', async () => {
      const { kinds } = sandbox.describeSeed();
      for (const id of kinds.mqlPersona) {
        const r = await responses(id);
        expect(r.filter((m) => (m.Campaign as Rec).Name === 'Website - Content download')).toHaveLength(2);
        expect(r.some((m) => (m.Campaign as Rec).Type === 'Webinar' && m.Status === 'Attended')).toBe(true);
        expect(r.some((m) => ['Website - Demo request', 'Website - Free trial', 'Website - Pricing page contact sales'].includes(String((m.Campaign as Rec).Name)))).toBe(false);
      }
      for (const id of kinds.webinarHeavy) {
        const r = await responses(id);
        expect(r.filter((m) => (m.Campaign as Rec).Type === 'Webinar' && m.Status === 'Attended')).toHaveLength(3);
        expect((await lead(id)).Status).toBe('Working - Contacted');
        const calls = (await conn.query<Rec>(`SELECT Id FROM Task WHERE WhoId = '${id}' AND TaskSubtype = 'Call' AND Status = 'Completed'`)).records;
        expect(calls.length).toBeGreaterThanOrEqual(2);
      }
    });

    it('queue-owned hot lead, merged lead and deleted lead', async () => {
      const { kinds, records } = sandbox.describeSeed();
      for (const id of kinds.queueHotLead) expect(await lead(id)).toMatchObject({ OwnerId: INBOUND_QUEUE.id, Rating: 'Hot', Status: 'Open - Not Contacted' });
      for (const record of records.filter((r) => r.kind === 'mergedLead')) {
        const l = await lead(record.id);
        expect(l).toMatchObject({ IsDeleted: true, MasterRecordId: record.masterRecordId });
        expect((await lead(record.masterRecordId!)).Email).toBe(l.Email);
      }
      for (const id of kinds.deletedLead) expect(await lead(id)).toMatchObject({ IsDeleted: true, MasterRecordId: null });
    });

    it('converted lead → contact with an open opportunity; customer on a Closed Won opportunity', async () => {
      const { records } = sandbox.describeSeed();
      for (const record of records.filter((r) => r.kind === 'convertedOpportunity')) {
        const l = await lead(record.leadId!);
        expect(l).toMatchObject({
          IsConverted: true, Status: 'Closed - Converted', ConvertedContactId: record.contactId, ConvertedAccountId: record.accountId,
          ConvertedOpportunityId: record.opportunityId,
        });
        const roles = (await conn.query<Rec>(`SELECT Role, IsPrimary, Opportunity.IsClosed, Opportunity.StageName, Contact.Email FROM OpportunityContactRole WHERE ContactId = '${record.contactId}'`)).records;
        expect(roles).toHaveLength(1);
        expect(roles[0]).toMatchObject({ IsPrimary: true, Opportunity: { IsClosed: false }, Contact: { Email: l.Email } });
      }
      for (const record of records.filter((r) => r.kind === 'customer')) {
        const roles = (await conn.query<Rec>(`SELECT IsPrimary, Opportunity.IsWon, Opportunity.StageName, Opportunity.Account.Type FROM OpportunityContactRole WHERE ContactId = '${record.id}'`)).records;
        expect(roles[0]).toMatchObject({ IsPrimary: true, Opportunity: { IsWon: true, StageName: 'Closed Won', Account: { Type: 'Customer - Direct' } } });
      }
    });
  });

  it('seeds 5,000 leads and 5,000 contacts with their engagement quickly', () => {
    const started = process.cpuUsage();
    const store = seeded({ leads: 5000, contacts: 5000 });
    const used = process.cpuUsage(started);
    expect(table(store, 'Lead')).toHaveLength(5000);
    expect(table(store, 'CampaignMember').length).toBeGreaterThan(10_000);
    // CPU time, not wall time: the test machine is shared
    expect((used.user + used.system) / 1000).toBeLessThan(8000);
  });
});
