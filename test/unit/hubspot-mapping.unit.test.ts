/**
 * HubSpot field mappings: the shipped defaults load and validate, a bad mapping file names the path
 * of each problem, installation mappings override the defaults entry by entry, and countries are
 * normalised to ISO alpha-2.
 */
import { loadHubSpotDefaultMappings, normaliseCountry, parseHubSpotMappings } from '../../connectors/hubspot';
import { FieldMappings } from '../../connectors/hubspot/mapping/field-mappings';
import { contactToPerson } from '../../connectors/hubspot/mapping/contact-to-person';

describe('HubSpot default mappings', () => {
  const defaults = loadHubSpotDefaultMappings();

  it('read the canonical person fields and write every leadstage_* property', () => {
    const mappings = new FieldMappings(defaults);
    const read = Object.fromEntries(mappings.read.map((m) => [m.canonicalField, m.crmProperty]));
    expect(read).toMatchObject({
      email: 'email', firstName: 'firstname', lastName: 'lastname', title: 'jobtitle', company: 'company', employees: 'numberofemployees',
      annualRevenue: 'annualrevenue', industry: 'industry', country: 'country', ipCountry: 'ip_country', phone: 'phone',
      ownerId: 'hubspot_owner_id', leadStatus: 'hs_lead_status', crmStage: 'lifecyclestage', source: 'hs_analytics_source', campaign: 'hs_analytics_source_data_1',
    });
    expect(mappings.write.map((m) => m.crmProperty)).toEqual(expect.arrayContaining([
      'lifecyclestage', 'leadstage_stage', 'leadstage_score', 'leadstage_fit_score', 'leadstage_engagement_score', 'leadstage_fit_grade',
      'leadstage_priority', 'leadstage_reasons', 'leadstage_rulebook_version', 'leadstage_mql_date', 'leadstage_sql_date',
      'leadstage_sla_due', 'leadstage_sla_status', 'leadstage_mql_tier',
    ]));
    expect(mappings.writeMappingFor('lifecyclestage')).toMatchObject({ writePolicy: 'always', allowBackward: false });
    expect(mappings.companyProperties).toEqual(['annualrevenue', 'industry', 'name', 'numberofemployees']);
  });

  it('installation mappings replace the default of the same field (read) or field and property (write)', () => {
    const mappings = new FieldMappings(defaults, [
      { objectType: 'contact', canonicalField: 'title', crmProperty: 'job_function', direction: 'read', writePolicy: 'never' },
      { objectType: 'contact', canonicalField: 'stage', crmProperty: 'lifecyclestage', direction: 'write', writePolicy: 'always' },
      { objectType: 'lead', canonicalField: 'email', crmProperty: 'hs_lead_email', direction: 'read', writePolicy: 'never' },
    ]);
    expect(mappings.read.filter((m) => m.canonicalField === 'title').map((m) => m.crmProperty)).toEqual(['job_function']);
    expect(mappings.read.filter((m) => m.canonicalField === 'email').map((m) => m.crmProperty)).toEqual(['email']);
    // the store row has no column for values/allowBackward: it keeps those of the default it replaces
    expect(mappings.writeMappingFor('lifecyclestage')).toMatchObject({ allowBackward: false, values: { mql: 'marketingqualifiedlead' } });
    expect(mappings.write.filter((m) => m.canonicalField === 'stage').map((m) => m.crmProperty).sort()).toEqual(['leadstage_stage', 'lifecyclestage']);
  });
});

describe('parseHubSpotMappings', () => {
  it('names the file and the path of every problem', () => {
    const text = [
      'mappings:',
      '  - { canonicalField: email, crmProperty: email, direction: read, writePolicy: never }',
      '  - { canonicalField: title, crmProperty: JobTitle, direction: sideways, writePolicy: never }',
      '  - { canonicalField: score, crmProperty: leadstage_score, direction: write, writePolicy: always, colour: red }',
    ].join('\n');
    expect(() => parseHubSpotMappings(text, 'config/mappings/broken.yaml')).toThrow(
      /^config\/mappings\/broken\.yaml: 3 problems\n {2}mappings\[1\]\.crmProperty: .*\n {2}mappings\[1\]\.direction: .*\n {2}mappings\[2\]: .*colour/,
    );
  });

  it('rejects YAML syntax errors and duplicates', () => {
    expect(() => parseHubSpotMappings('mappings: [', 'x.yaml')).toThrow(/^x\.yaml: 1 problem\n {2}\(yaml\)/);
    const dup = 'mappings:\n  - { canonicalField: email, crmProperty: email, direction: read, writePolicy: never }\n  - { canonicalField: email, crmProperty: email, direction: both, writePolicy: never }';
    expect(() => parseHubSpotMappings(dup, 'd.yaml')).toThrow(/mappings\[1\]: email ↔ email is mapped twice/);
  });
});

describe('normaliseCountry', () => {
  it.each([
    ['United States', 'US'], ['USA', 'US'], ['us', 'US'], ['U.S.A.', 'US'], ['united states', 'US'], ['Germany', 'DE'],
    ['Deutschland', 'DE'], ['United Kingdom', 'GB'], ['UK', 'GB'], ['brazil', 'BR'], ['India', 'IN'], ['France', 'FR'],
    [' Bosnia and Herzegovina ', 'BA'], ['Atlantis', null], ['', null], [null, null],
  ])('%s → %s', (input, expected) => {
    expect(normaliseCountry(input)).toBe(expected);
  });
});

describe('contactToPerson', () => {
  it('falls back to the company, normalises values and keeps unknown canonical fields as attributes', () => {
    const mappings = new FieldMappings(loadHubSpotDefaultMappings(), [
      { objectType: 'contact', canonicalField: 'painPoint', crmProperty: 'pain_point', direction: 'read', writePolicy: 'never' },
    ]);
    const pulled = contactToPerson(
      { id: '7', properties: { email: ' Ann@Example.COM ', country: 'usa', ip_country: 'germany', lifecyclestage: 'marketingqualifiedlead',
        numberofemployees: '', pain_point: 'downtime', lastmodifieddate: '2026-11-20T08:00:00Z', hs_analytics_source: 'PAID_SEARCH', hs_analytics_source_data_1: 'winter-maintenance-2026' } },
      { numberofemployees: '1,250', annualrevenue: '90000000', industry: 'INDUSTRIAL_AUTOMATION', name: 'Acme' },
      { open: 1, won: 0 },
      mappings,
    );
    expect(pulled.person).toMatchObject({
      email: 'ann@example.com', country: 'US', ipCountry: 'DE', crmStage: 'mql', employees: 1250, annualRevenue: 90_000_000,
      industry: 'Industrial Automation', company: 'Acme', deals: { open: 1, won: 0 }, attributes: { painPoint: 'downtime' },
      // the source as HubSpot labels it (what an admin types next to a cost), the drill-down as the campaign
      source: 'Paid Search', campaign: 'winter-maintenance-2026',
    });
    expect(pulled.modifiedAt).toBe('2026-11-20T08:00:00.000Z');
    expect(pulled.writableValues.lifecyclestage).toBe('marketingqualifiedlead');
  });
});
