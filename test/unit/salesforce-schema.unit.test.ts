/**
 * ensureSchema (schema/ensure-schema.ts) against a fake: creates only the missing Leadstage fields
 * through the Tooling API; a refusal becomes SalesforceSchemaSetupRequired listing the exact setup
 * steps for every missing field (and is logged); a field the user cannot edit asks for field-level
 * security; write mappings are checked against the org (Lead Status picklist).
 */
import { salesforceMappings, SalesforceMappingError } from '../../connectors/salesforce/mapping';
import { SalesforceApiError } from '../../connectors/salesforce/salesforce-api-error';
import type { SfDescribe, SfFieldDescribe } from '../../connectors/salesforce/salesforce-api.types';
import { ensureSchema } from '../../connectors/salesforce/schema/ensure-schema';
import { LEADSTAGE_FIELDS, PERSON_FIELDS } from '../../connectors/salesforce/schema/leadstage-fields.constant';
import { OrgSchema } from '../../connectors/salesforce/schema/org-schema';
import { SalesforceSchemaSetupRequired } from '../../connectors/salesforce/schema/schema-setup-required.error';

const STATUS: SfFieldDescribe = {
  name: 'Status', type: 'picklist', label: 'Lead Status', updateable: true, createable: true, custom: false,
  picklistValues: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'].map((value) => ({ value, active: true })),
};

class FakeOrg {
  readonly fields: Record<string, SfFieldDescribe[]> = { Lead: [STATUS], Contact: [], Task: [] };
  readonly created: { fullName: string; metadata: Record<string, unknown> }[] = [];
  describes = 0;
  refuse: SalesforceApiError | null = null;
  /** Created fields stay invisible to the connected user (no field-level security). */
  hideCreated = false;

  async describe(sobject: string): Promise<SfDescribe> {
    this.describes += 1;
    return { name: sobject, fields: [...(this.fields[sobject] ?? [])] };
  }

  async createCustomField(fullName: string, metadata: Record<string, unknown>): Promise<void> {
    if (this.refuse) throw this.refuse;
    this.created.push({ fullName, metadata });
    if (this.hideCreated) return;
    const [object, name] = fullName.split('.') as [string, string];
    const sobject = object === 'Activity' ? 'Task' : object;
    this.fields[sobject]!.push({ name, type: 'string', label: String(metadata.label), updateable: true, createable: true, custom: true });
  }
}

function run(org: FakeOrg, logger?: { warn: jest.Mock; error: jest.Mock }, mappings = salesforceMappings()) {
  return ensureSchema({ installationId: 'inst-1', api: org, schema: new OrgSchema(org), mappings, logger });
}

const FIELD_COUNT = LEADSTAGE_FIELDS.reduce((n, o) => n + o.fields.length, 0);

describe('Salesforce ensureSchema', () => {
  it('creates every missing Leadstage field once; a second run creates nothing', async () => {
    const org = new FakeOrg();
    await run(org);
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
    await run(org);
    expect(org.created).toEqual([]);
  });

  it('a refused create lists the exact setup steps for every missing field, and logs them', async () => {
    const org = new FakeOrg();
    org.refuse = new SalesforceApiError(
      'Salesforce POST /tooling/sobjects/CustomField answered 403 INSUFFICIENT_ACCESS_OR_READONLY: insufficient access rights on object id',
      'POST /tooling/sobjects/CustomField', 403, 'INSUFFICIENT_ACCESS_OR_READONLY', false,
    );
    const logger = { warn: jest.fn(), error: jest.fn() };
    const error = (await run(org, logger).catch((e: unknown) => e)) as SalesforceSchemaSetupRequired;
    expect(error).toBeInstanceOf(SalesforceSchemaSetupRequired);
    expect(error.retryable).toBe(false);
    expect(error.missing).toHaveLength(FIELD_COUNT);
    expect(error.message).toContain('Setup → Object Manager → Lead → Fields & Relationships → New → Data Type "Text", Field Label "Leadstage Stage", Length 40, Field Name "Leadstage_Stage" (API name Leadstage_Stage__c)');
    expect(error.message).toContain('Setup → Object Manager → Contact → Fields & Relationships → New → Data Type "Number", Field Label "Leadstage Score", Length 5, Decimal Places 0');
    expect(error.message).toContain('Data Type "Text Area (Long)", Field Label "Leadstage Reasons", Length 32768');
    expect(error.message).toContain('Data Type "Date/Time", Field Label "Leadstage SLA Due"');
    expect(error.message).toContain('Setup → Object Manager → Activity → Fields & Relationships → New → Data Type "Text", Field Label "Leadstage Key", Length 80, Field Name "Leadstage_Key", tick "Unique" (case sensitive), tick "External ID"');
    expect(error.message).toContain('INSUFFICIENT_ACCESS_OR_READONLY: insufficient access rights');
    for (const field of PERSON_FIELDS) expect(error.message).toContain(`Lead.${field.name}`);
    expect(logger.error).toHaveBeenCalledWith('Salesforce schema setup required', expect.objectContaining({ steps: error.message }));
  });

  it('a retryable failure is thrown as is (the job retries)', async () => {
    const org = new FakeOrg();
    org.refuse = new SalesforceApiError('503', 'POST /tooling/sobjects/CustomField', 503, 'SERVER_UNAVAILABLE', true);
    await expect(run(org)).rejects.toBeInstanceOf(SalesforceApiError);
  });

  it('created fields the connected user cannot see ask for field-level security', async () => {
    const org = new FakeOrg();
    org.hideCreated = true;
    const error = (await run(org).catch((e: unknown) => e)) as SalesforceSchemaSetupRequired;
    expect(error).toBeInstanceOf(SalesforceSchemaSetupRequired);
    expect(error.missing.every((m) => m.needsFieldSecurity)).toBe(true);
    expect(error.message).toContain('Set Field-Level Security → Visible (not Read-Only)');
  });

  it('someone else creating the field first is fine', async () => {
    const org = new FakeOrg();
    org.refuse = new SalesforceApiError('dup', 'POST /tooling/sobjects/CustomField', 400, 'DUPLICATE_DEVELOPER_NAME', false);
    // the re-describe then finds nothing: the fields are reported as invisible, not as refused
    const error = (await run(org).catch((e: unknown) => e)) as SalesforceSchemaSetupRequired;
    expect(error.missing.every((m) => m.needsFieldSecurity)).toBe(true);
  });

  it('a Lead Status transition to a value the org does not have fails, naming the mapping', async () => {
    const org = new FakeOrg();
    org.fields.Lead = [{ ...STATUS, picklistValues: [{ value: 'Open - Not Contacted', active: true }, { value: 'Working - Contacted', active: false }] }];
    const error = (await run(org).catch((e: unknown) => e)) as SalesforceMappingError;
    expect(error).toBeInstanceOf(SalesforceMappingError);
    expect(error.message).toContain('leadStatusTransitions[0].to: "Working - Contacted" is not an active Lead Status');
    expect(org.created).toEqual([]);
  });

  it('a write mapping to a field the org lacks fails before anything is created', async () => {
    const org = new FakeOrg();
    const mappings = salesforceMappings([{ objectType: 'lead', canonicalField: 'priority', crmProperty: 'Rating__c', direction: 'write', writePolicy: 'always' }]);
    await expect(run(org, undefined, mappings)).rejects.toThrow(/Lead has no field "Rating__c"/);
    expect(org.created).toEqual([]);
  });
});
