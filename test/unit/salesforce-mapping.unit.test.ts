/**
 * Salesforce mappings: the shipped defaults load and validate, a bad file names the YAML path of every
 * problem, installation rows override defaults entry by entry, the write side answers policies and
 * Lead Status transitions, and records map onto the canonical person and events.
 */
import {
  campaignMemberToEvent,
  loadSalesforceDefaultMappings,
  parseSalesforceMappings,
  recordToPerson,
  salesforceMappings,
  SalesforceFieldMappings,
  SalesforceMappingError,
  taskToEvent,
} from '../../connectors/salesforce/mapping';

describe('Salesforce default mappings', () => {
  const mappings = salesforceMappings();

  it('read the canonical person fields from Lead and from Contact with its Account', () => {
    const lead = Object.fromEntries(mappings.readMappings('lead').map((m) => [m.canonicalField, m.crmProperty]));
    expect(lead).toMatchObject({
      email: 'Email', firstName: 'FirstName', lastName: 'LastName', title: 'Title', company: 'Company', employees: 'NumberOfEmployees',
      annualRevenue: 'AnnualRevenue', industry: 'Industry', country: 'CountryCode', phone: 'Phone', ownerId: 'OwnerId', leadStatus: 'Status',
      source: 'LeadSource', emailOptOut: 'HasOptedOutOfEmail', 'bant.budget': 'BANT_Budget__c',
    });
    const contact = Object.fromEntries(mappings.readMappings('contact').map((m) => [m.canonicalField, m.crmProperty]));
    expect(contact).toMatchObject({
      company: 'Account.Name', employees: 'Account.NumberOfEmployees', annualRevenue: 'Account.AnnualRevenue', industry: 'Account.Industry',
      country: 'MailingCountryCode',
    });
    expect(contact.leadStatus).toBeUndefined();
    expect(mappings.readFields('contact')).toEqual(expect.arrayContaining(['Account.BillingCountryCode', 'MailingCountry', 'Leadstage_Stage__c']));
    expect(mappings.readFields('contact')).not.toContain('Status');
  });

  it('write every Leadstage field on both objects and Lead Status on leads only', () => {
    const fields = ['Leadstage_Stage__c', 'Leadstage_Score__c', 'Leadstage_Fit_Score__c', 'Leadstage_Fit_Grade__c', 'Leadstage_Engagement_Score__c',
      'Leadstage_Priority__c', 'Leadstage_Reasons__c', 'Leadstage_Rulebook_Version__c', 'Leadstage_MQL_Date__c', 'Leadstage_SQL_Date__c',
      'Leadstage_MQL_Tier__c', 'Leadstage_SLA_Due__c', 'Leadstage_SLA_Status__c', 'Leadstage_SLA_First_Touch__c', 'Leadstage_SLA_Next_Step__c'];
    expect(mappings.writeFields('contact')).toEqual([...fields].sort());
    expect(mappings.writeFields('lead')).toEqual([...fields, 'Status'].sort());
    expect(mappings.writePolicyFor('Leadstage_Score__c')).toBe('always');
    expect(mappings.writePolicyFor('status', 'lead')).toBe('always');
    expect(mappings.writeMappingFor('Status', 'contact')).toBeUndefined();
    expect(mappings.writePolicyFor('SomethingElse__c')).toBe('always');
  });

  it.each([
    ['sql', 'Open - Not Contacted', 'Working - Contacted'],
    ['sql', 'Working - Contacted', undefined],
    ['sql', 'Closed - Not Converted', undefined],
    ['disqualified', 'Open - Not Contacted', 'Closed - Not Converted'],
    // a status a rep chose is never overwritten
    ['disqualified', 'Working - Contacted', undefined],
    ['mql', 'Open - Not Contacted', undefined],
    ['sql', null, undefined],
    ['sql', ' open - not contacted ', 'Working - Contacted'],
  ] as const)('leadStatusFor(%s, %s) → %s', (stage, current, expected) => {
    expect(mappings.leadStatusFor(stage, current)).toBe(expected);
  });

  it('moves no Lead Status when the admin set its policy to never', () => {
    const never = salesforceMappings([{ objectType: 'lead', canonicalField: 'leadStatus', crmProperty: 'Status', direction: 'both', writePolicy: 'never' }]);
    expect(never.leadStatusFor('sql', 'Open - Not Contacted')).toBeUndefined();
    expect(never.writePolicyFor('Status', 'lead')).toBe('never');
    // the store row keeps the default's value table
    expect(never.readMappings('lead').find((m) => m.canonicalField === 'leadStatus')?.values).toMatchObject({ 'Working - Contacted': 'IN_PROGRESS' });
  });

  it('moves Lead Status to the option the installation\'s value map names for the Leadstage value', () => {
    // this org calls "working" Sales Ready, and "new" Open: the shipped transitions follow its map
    const own = salesforceMappings([{
      objectType: 'lead', canonicalField: 'leadStatus', crmProperty: 'Status', direction: 'both', writePolicy: 'always',
      values: { Open: 'NEW', 'Sales Ready': 'IN_PROGRESS', 'Closed - Converted': 'OPEN_DEAL', 'Closed - Not Converted': 'UNQUALIFIED' },
    }]);
    expect(own.leadStatusTransitions.find((t) => t.stage === 'sql')).toMatchObject({ to: 'Sales Ready', from: ['Open'] });
    expect(own.leadStatusFor('sql', 'Open')).toBe('Sales Ready');
    expect(own.leadStatusFor('sql', 'Open - Not Contacted')).toBeUndefined();
    expect(own.leadStatusFor('disqualified', 'Open')).toBe('Closed - Not Converted');
    // the shipped map unchanged: the file's own spelling
    expect(mappings.leadStatusTransitions.find((t) => t.stage === 'sql')).toMatchObject({ to: 'Working - Contacted', from: ['Open - Not Contacted'] });
  });

  it('installation rows replace the default of the same object and field', () => {
    const m = salesforceMappings([
      { objectType: 'lead', canonicalField: 'title', crmProperty: 'Job_Function__c', direction: 'read', writePolicy: 'never' },
      { objectType: 'contacts', canonicalField: 'score', crmProperty: 'Leadstage_Score__c', direction: 'write', writePolicy: 'if_empty' },
      { objectType: 'company', canonicalField: 'email', crmProperty: 'Nope', direction: 'read', writePolicy: 'never' },
    ]);
    expect(m.readMappings('lead').filter((x) => x.canonicalField === 'title').map((x) => x.crmProperty)).toEqual(['Job_Function__c']);
    expect(m.readMappings('contact').filter((x) => x.canonicalField === 'title').map((x) => x.crmProperty)).toEqual(['Title']);
    expect(m.writePolicyFor('Leadstage_Score__c', 'contact')).toBe('if_empty');
    expect(m.writePolicyFor('Leadstage_Score__c', 'lead')).toBe('always');
    expect(m.readMappings('lead').find((x) => x.canonicalField === 'email')?.crmProperty).toBe('Email');
  });

  it('loads a fresh copy each time', () => {
    const a = loadSalesforceDefaultMappings();
    a.mappings.length = 0;
    expect(loadSalesforceDefaultMappings().mappings.length).toBeGreaterThan(40);
  });
});

describe('parseSalesforceMappings', () => {
  const ok = '  - { objectType: lead, canonicalField: email, crmProperty: Email, direction: read, writePolicy: never }';

  it('names the file and the YAML path of every problem', () => {
    const text = [
      'mappings:',
      ok,
      '  - { objectType: lead, canonicalField: title, crmProperty: "Job Title", direction: sideways, writePolicy: never }',
      '  - { objectType: [contact], canonicalField: score, crmProperty: Account.Score__c, direction: write, writePolicy: always }',
      '  - { objectType: lead, canonicalField: colour, crmProperty: Colour__c, direction: write, writePolicy: always }',
      'leadStatusTransitions:',
      '  - { stage: sales_ready, to: Working, from: [Open] }',
      'campaignMembers:',
      '  rules:',
      '    - { campaignType: [Webinar], status: [Attended], event: webinar_attended }',
      '    - { campaignType: [Webinar], event: webinar_watched }',
      '    - { nameMatches: "(demo", event: demo_request }',
      'tasks:',
      '  rules:',
      '    - { event: sales_call }',
    ].join('\n');
    let error: unknown;
    try {
      parseSalesforceMappings(text, 'config/mappings/broken.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SalesforceMappingError);
    const problems = (error as SalesforceMappingError).problems;
    expect((error as SalesforceMappingError).message).toMatch(/^config\/mappings\/broken\.yaml: \d+ problems\n/);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^mappings\[1\]\.crmProperty: expected a Salesforce field API name/),
      expect.stringMatching(/^mappings\[1\]\.direction: /),
      expect.stringMatching(/^mappings\[2\]\.crmProperty: a parent field \(Account\.\*\) cannot be written/),
      expect.stringMatching(/^mappings\[3\]\.canonicalField: Leadstage writes none of "colour"/),
      expect.stringMatching(/^leadStatusTransitions\[0\]\.stage: /),
      expect.stringMatching(/^campaignMembers\.rules\[1\]\.event: /),
      expect.stringMatching(/^campaignMembers\.rules\[2\]\.nameMatches: expected a valid regular expression/),
      expect.stringMatching(/^tasks\.rules\[0\]: a task rule needs taskSubtype or type/),
    ]));
    expect(problems).toHaveLength(8);
  });

  it('rejects YAML syntax errors, unknown keys, duplicates and two readers of one field', () => {
    expect(() => parseSalesforceMappings('mappings: [', 'x.yaml')).toThrow(/^x\.yaml: 1 problem\n {2}\(yaml\)/);
    expect(() => parseSalesforceMappings(`mappings:\n${ok}\ncolour: red`, 'x.yaml')).toThrow(/\(root\): .*colour/);
    const dup = `mappings:\n${ok}\n  - { objectType: [contact, lead], canonicalField: email, crmProperty: Email, direction: read, writePolicy: never }`;
    expect(() => parseSalesforceMappings(dup, 'd.yaml')).toThrow(/mappings\[1\]: lead email ↔ Email is already mapped by mappings\[0\]/);
    const two = `mappings:\n${ok}\n  - { objectType: lead, canonicalField: email, crmProperty: Email2__c, direction: read, writePolicy: never }`;
    expect(() => parseSalesforceMappings(two, 't.yaml')).toThrow(/mappings\[1\]: lead email is already read by mappings\[0\] \(use fallback/);
  });

  it('expands an object list into one mapping per object', () => {
    const config = parseSalesforceMappings('mappings:\n  - { objectType: [lead, contact], canonicalField: title, crmProperty: Title, direction: read, writePolicy: never }', 'x.yaml');
    expect(config.mappings.map((m) => m.objectType)).toEqual(['lead', 'contact']);
    expect(config.leadStatusTransitions).toEqual([]);
    expect(config.campaignMembers.rules).toEqual([]);
  });
});

describe('recordToPerson', () => {
  const mappings = salesforceMappings();

  it('normalises a lead: email, country text, industry and status tables, BANT answers', () => {
    const m = new SalesforceFieldMappings(loadSalesforceDefaultMappings());
    const pulled = recordToPerson({
      Id: '00Q1', SystemModstamp: '2026-11-01T08:00:00.000+0000', Email: ' Ann@Plant.COM ', FirstName: 'Ann', LastName: 'Lee', Title: ' VP Operations ',
      Company: 'Plant', NumberOfEmployees: 450, AnnualRevenue: null, Industry: 'food & beverage', CountryCode: null, Country: 'Deutschland',
      Phone: null, MobilePhone: '+49 1', OwnerId: '00G1', Status: 'Closed - Not Converted', LeadSource: 'Webinar', Rating: 'Warm', HasOptedOutOfEmail: false,
      BANT_Budget__c: 'Yes', BANT_Authority__c: true, BANT_Need__c: 'No', BANT_Timing__c: null,
    }, 'lead', m);
    expect(pulled).toMatchObject({ crmId: '00Q1', objectType: 'lead', modifiedAt: '2026-11-01T08:00:00.000Z' });
    expect(pulled.person).toEqual({
      email: 'ann@plant.com', firstName: 'Ann', lastName: 'Lee', title: 'VP Operations', company: 'Plant', employees: 450, annualRevenue: null,
      industry: 'food & beverage production', country: 'DE', phone: '+49 1', ownerId: '00G1', leadStatus: 'UNQUALIFIED',
      bant: { budget: true, authority: true, need: false, timing: null },
      source: 'Webinar',
      attributes: { rating: 'Warm', emailOptOut: false },
    });
  });

  it('reads a contact from its Account when its own field is empty', () => {
    const pulled = recordToPerson({
      Id: '003A', SystemModstamp: '2026-11-01T08:00:00Z', Email: 'c@x.com', MailingCountryCode: null, MailingCountry: null,
      Account: { Name: 'Mill', Industry: 'Energy', NumberOfEmployees: 5000, AnnualRevenue: 1e9, BillingCountryCode: 'US' },
    }, 'contact', mappings, { open: 0, won: 0, openStages: [] });
    expect(pulled.person).toMatchObject({ company: 'Mill', industry: 'Energy', employees: 5000, annualRevenue: 1e9, country: 'US', deals: { open: 0, won: 0 }, crmStage: null });
  });
});

describe('activity mapping', () => {
  const mappings = salesforceMappings();

  it('ignores campaign members with no person or no matching rule', () => {
    const base = { Id: '00v1', CampaignId: '701A', Status: 'Responded', HasResponded: true, FirstRespondedDate: '2026-11-02', CreatedDate: '2026-11-02T10:00:00.000+0000',
      Campaign: { Name: 'Partner dinner', Type: 'Partners' } };
    expect(campaignMemberToEvent({ ...base, LeadId: '00Q1', ContactId: null }, mappings)).toBeNull();
    expect(campaignMemberToEvent({ ...base, LeadId: null, ContactId: null, Campaign: { Name: 'Website - Demo request', Type: 'Website' } }, mappings)).toBeNull();
    expect(campaignMemberToEvent({ ...base, LeadId: '00Q1', ContactId: null, Status: 'No Show', HasResponded: false, Campaign: { Name: 'Webinar: X', Type: 'Webinar' } }, mappings)).toBeNull();
  });

  it('maps a quote website campaign and an unsubscribe from an email campaign', () => {
    const quote = campaignMemberToEvent({ Id: '00v2', CampaignId: '701B', LeadId: '00Q1', Status: 'Responded', HasResponded: true, FirstRespondedDate: '2026-11-02',
      CreatedDate: '2026-11-02T10:00:00.000+0000', Campaign: { Name: 'Website - Request a Quote', Type: 'Website' } }, mappings);
    expect(quote?.event).toMatchObject({ id: 'sf-cm-00v2-responded', type: 'quote_request', occurredAt: '2026-11-02T10:00:00.000Z' });
    const unsub = campaignMemberToEvent({ Id: '00v3', CampaignId: '701C', ContactId: '003A', Status: 'Unsubscribed', HasResponded: false,
      CreatedDate: '2026-11-03T10:00:00.000+0000', Campaign: { Name: 'Newsletter', Type: 'Email' } }, mappings);
    expect(unsub).toMatchObject({ who: { crmId: '003A', objectType: 'contact' }, event: { type: 'unsubscribe', id: 'sf-cm-00v3-unsubscribed' } });
  });

  it('maps tasks only for Lead/Contact WhoIds and counts Leadstage tasks once completed', () => {
    const call = { Id: '00T1', WhoId: '003A', TaskSubtype: 'Call', Status: 'Completed', IsClosed: true, CreatedDate: '2026-11-02T10:00:00.000+0000' };
    expect(taskToEvent(call, mappings, false)?.event.type).toBe('sales_call');
    expect(taskToEvent({ ...call, WhoId: '0PS1' }, mappings, false)).toBeNull();
    expect(taskToEvent({ ...call, Leadstage_Key__c: 'k1', Status: 'Not Started', IsClosed: false }, mappings, true)).toBeNull();
    expect(taskToEvent({ ...call, Leadstage_Key__c: 'k1' }, mappings, true)?.event).toMatchObject({ type: 'sales_call', properties: { leadstageKey: 'k1' } });
    // without the key field in the org, the value is not looked at
    expect(taskToEvent({ ...call, TaskSubtype: 'Task', Type: 'Call', Status: 'In Progress', IsClosed: false }, mappings, false)).toBeNull();
  });
});
