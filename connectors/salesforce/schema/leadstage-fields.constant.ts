/**
 * The custom fields Leadstage writes in Salesforce (SPEC.md §4): the decision on Lead and Contact,
 * and the idempotency key on Task. Data, not code: ensureSchema creates what is missing (Tooling API)
 * or lists the setup steps; propertiesFor and the record writer read lengths and types from here, so
 * a value never exceeds its field and numbers go out as numbers.
 */
export type LeadstageFieldType = 'Text' | 'Number' | 'LongTextArea' | 'DateTime';

export interface LeadstageField {
  /** API name, `Leadstage_Stage__c`. */
  name: string;
  label: string;
  description: string;
  type: LeadstageFieldType;
  /** Text and LongTextArea: characters. */
  length?: number;
  /** Number: digits in all, and after the point. */
  precision?: number;
  scale?: number;
  /** LongTextArea: lines shown in the layout. */
  visibleLines?: number;
  externalId?: boolean;
  unique?: boolean;
}

/** The describe `type` each field type reads back as, to spot a same-named field of another type. */
export const DESCRIBE_TYPES: Record<LeadstageFieldType, readonly string[]> = {
  Text: ['string'],
  Number: ['double', 'int', 'currency', 'percent'],
  LongTextArea: ['textarea'],
  DateTime: ['datetime'],
};

export const PERSON_FIELDS: readonly LeadstageField[] = [
  { name: 'Leadstage_Stage__c', label: 'Leadstage Stage', description: 'Lifecycle stage from the shared Leadstage rulebook', type: 'Text', length: 40 },
  { name: 'Leadstage_Score__c', label: 'Leadstage Score', description: 'Total score (fit + engagement)', type: 'Number', precision: 5, scale: 0 },
  { name: 'Leadstage_Fit_Score__c', label: 'Leadstage Fit Score', description: 'Demographic and firmographic fit', type: 'Number', precision: 5, scale: 0 },
  { name: 'Leadstage_Fit_Grade__c', label: 'Leadstage Fit Grade', description: 'Fit grade (A-D or A-F)', type: 'Text', length: 5 },
  { name: 'Leadstage_Engagement_Score__c', label: 'Leadstage Engagement Score', description: 'Behaviour score after decay', type: 'Number', precision: 5, scale: 0 },
  { name: 'Leadstage_Priority__c', label: 'Leadstage Priority', description: 'hot, warm or cold', type: 'Text', length: 10 },
  { name: 'Leadstage_Reasons__c', label: 'Leadstage Reasons', description: 'Why: the top contributions, one per line', type: 'LongTextArea', length: 32768, visibleLines: 10 },
  { name: 'Leadstage_Rulebook_Version__c', label: 'Leadstage Rulebook Version', description: 'Rulebook version that decided', type: 'Text', length: 40 },
  { name: 'Leadstage_MQL_Date__c', label: 'Leadstage MQL Date', description: 'When the person became an MQL', type: 'DateTime' },
  { name: 'Leadstage_SQL_Date__c', label: 'Leadstage SQL Date', description: 'When the person became an SQL', type: 'DateTime' },
  { name: 'Leadstage_SLA_Due__c', label: 'Leadstage SLA Due', description: 'When the first sales touch is due', type: 'DateTime' },
  // mapped by config/mappings/salesforce.default.yaml as well (mqlTier, slaStatus)
  { name: 'Leadstage_MQL_Tier__c', label: 'Leadstage MQL Tier', description: 'MQL tier from the rulebook', type: 'Text', length: 40 },
  { name: 'Leadstage_SLA_Status__c', label: 'Leadstage SLA Status', description: 'First-touch SLA status', type: 'Text', length: 20 },
  { name: 'Leadstage_SLA_First_Touch__c', label: 'Leadstage SLA First Touch', description: 'When a rep first logged a call, email or meeting', type: 'DateTime' },
  { name: 'Leadstage_SLA_Next_Step__c', label: 'Leadstage SLA Next Step', description: 'The next step of the follow-up cadence, and who owns it', type: 'Text', length: 255 },
];

export const TASK_KEY_FIELD: LeadstageField = {
  name: 'Leadstage_Key__c', label: 'Leadstage Key', description: 'Idempotency key of the Leadstage handoff that created this task',
  type: 'Text', length: 80, externalId: true, unique: true,
};

export interface LeadstageObjectFields {
  /** The sObject that carries the fields (describe, writes). */
  sobject: 'Lead' | 'Contact' | 'Task';
  /**
   * Where the field is defined (Tooling API FullName, Object Manager): Task and Event custom fields
   * are defined on Activity in a real org.
   */
  definedOn: 'Lead' | 'Contact' | 'Activity';
  fields: readonly LeadstageField[];
}

export const LEADSTAGE_FIELDS: readonly LeadstageObjectFields[] = [
  { sobject: 'Lead', definedOn: 'Lead', fields: PERSON_FIELDS },
  { sobject: 'Contact', definedOn: 'Contact', fields: PERSON_FIELDS },
  { sobject: 'Task', definedOn: 'Activity', fields: [TASK_KEY_FIELD] },
];

const BY_NAME = new Map(PERSON_FIELDS.map((f) => [f.name.toLowerCase(), f]));

/** The Lead/Contact Leadstage field of that API name (case-insensitive), if it is one. */
export function leadstageField(name: string): LeadstageField | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Tooling API `Metadata` for a CustomField. */
export function customFieldMetadata(field: LeadstageField): Record<string, unknown> {
  const base = { label: field.label, description: field.description, type: field.type };
  switch (field.type) {
    case 'Text':
      return { ...base, length: field.length, ...(field.externalId ? { externalId: true } : {}), ...(field.unique ? { unique: true, caseSensitive: true } : {}) };
    case 'Number':
      return { ...base, precision: field.precision, scale: field.scale };
    case 'LongTextArea':
      return { ...base, length: field.length, visibleLines: field.visibleLines ?? 10 };
    case 'DateTime':
      return base;
  }
}
