/**
 * Custom fields as the Tooling API creates them (`POST /tooling/sobjects/CustomField` with
 * `{FullName: "Lead.Leadstage_Stage__c", Metadata: {...}}`): the metadata is checked the way the
 * Metadata API checks it (type, length, precision/scale, picklist values) and turned into the field
 * definition describe, SOQL and writes use. `LEADSTAGE_FIELDS` is what the connector creates, so
 * `withLeadstageFields: true` gives the same org as a connector that already ran its setup.
 */
import { picklistValues, type DescribeType, type FieldDef } from './object-catalog';

export type CustomFieldType =
  | 'Text' | 'Number' | 'DateTime' | 'Date' | 'LongTextArea' | 'TextArea' | 'Picklist' | 'Checkbox'
  | 'Email' | 'Phone' | 'Url' | 'Percent' | 'Currency';

const DESCRIBE_TYPE: Record<CustomFieldType, DescribeType> = {
  Text: 'string', Number: 'double', DateTime: 'datetime', Date: 'date', LongTextArea: 'textarea', TextArea: 'textarea',
  Picklist: 'picklist', Checkbox: 'boolean', Email: 'email', Phone: 'phone', Url: 'url', Percent: 'percent', Currency: 'currency',
};

/** `Leadstage_Stage__c`: a letter, then letters, digits and single underscores, ending in `__c`; ≤ 40 before the suffix. */
const FIELD_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*__c$/;

export interface CustomFieldSpec {
  /** `Lead.Leadstage_Stage__c` */
  fullName: string;
  metadata: Record<string, unknown>;
}

/** Parses and checks a Tooling API CustomField body; returns the object name and field definition, or the problems. */
export function customFieldFromMetadata(
  fullName: unknown,
  metadata: unknown,
): { object: string; field: FieldDef } | { problems: string[] } {
  if (typeof fullName !== 'string' || !fullName.includes('.')) {
    return { problems: ['FullName must be "<Object>.<Field>__c", e.g. "Lead.Leadstage_Stage__c"'] };
  }
  const [object, name] = fullName.split('.', 2) as [string, string];
  const problems: string[] = [];
  if (!FIELD_NAME.test(name) || name.length - 3 > 40) {
    problems.push(`Field name ${name} is invalid: use letters, digits and single underscores, start with a letter, end with __c, at most 40 characters before __c`);
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    return { problems: [...problems, 'Metadata must be an object with at least label and type'] };
  }
  const m = metadata as Record<string, unknown>;
  const type = m.type as CustomFieldType;
  if (typeof m.label !== 'string' || m.label.trim() === '' || m.label.length > 40) problems.push('Metadata.label is required (1-40 characters)');
  if (!(type in DESCRIBE_TYPE)) problems.push(`Metadata.type must be one of ${Object.keys(DESCRIBE_TYPE).join(', ')}`);
  const num = (key: string): number | undefined => (typeof m[key] === 'number' ? (m[key] as number) : undefined);
  const length = num('length');
  const precision = num('precision');
  const scale = num('scale');
  let describeLength = 0;
  let describePrecision = 0;
  let describeScale = 0;
  let values: { value: string; default: boolean }[] = [];
  let restricted = false;
  switch (type) {
    case 'Text':
      if (length === undefined || !Number.isInteger(length) || length < 1 || length > 255) problems.push('Text fields need Metadata.length between 1 and 255');
      describeLength = length ?? 0;
      break;
    case 'LongTextArea':
      if (length === undefined || !Number.isInteger(length) || length < 256 || length > 131072) {
        problems.push('LongTextArea fields need Metadata.length between 256 and 131072');
      }
      if (num('visibleLines') === undefined) problems.push('LongTextArea fields need Metadata.visibleLines');
      describeLength = length ?? 0;
      break;
    case 'TextArea':
      describeLength = 255;
      break;
    case 'Email':
      describeLength = 80;
      break;
    case 'Phone':
      describeLength = 40;
      break;
    case 'Url':
      describeLength = 255;
      break;
    case 'Number':
    case 'Percent':
    case 'Currency':
      if (precision === undefined || !Number.isInteger(precision) || precision < 1 || precision > 18) {
        problems.push(`${type} fields need Metadata.precision between 1 and 18`);
      }
      if (scale === undefined || !Number.isInteger(scale) || scale < 0 || scale > (precision ?? 18)) {
        problems.push(`${type} fields need Metadata.scale between 0 and precision`);
      }
      describePrecision = precision ?? 0;
      describeScale = scale ?? 0;
      break;
    case 'Checkbox':
      if (m.defaultValue !== undefined && !['true', 'false', true, false].includes(m.defaultValue as string)) {
        problems.push('Checkbox Metadata.defaultValue must be "true" or "false"');
      }
      break;
    case 'Picklist': {
      const valueSet = m.valueSet as { restricted?: unknown; valueSetDefinition?: { value?: unknown } } | undefined;
      const raw = valueSet?.valueSetDefinition?.value;
      if (!Array.isArray(raw) || raw.length === 0) {
        problems.push('Picklist fields need Metadata.valueSet.valueSetDefinition.value: [{fullName, label, default}]');
      } else {
        values = raw.map((v: { fullName?: unknown; default?: unknown }) => ({ value: String(v.fullName ?? ''), default: v.default === true }));
        if (values.some((v) => v.value === '')) problems.push('every picklist value needs a fullName');
      }
      restricted = valueSet?.restricted === true;
      describeLength = 255;
      break;
    }
    default:
      break;
  }
  if ((m.externalId === true || m.unique === true) && !['Text', 'Number', 'Email'].includes(type)) {
    problems.push('only Text, Number and Email fields can be External ID or unique');
  }
  if (problems.length > 0) return { problems };
  const describeType = DESCRIBE_TYPE[type];
  const checkbox = type === 'Checkbox';
  const defaultValue = values.find((v) => v.default)?.value;
  const field: FieldDef = {
    name,
    label: String(m.label),
    type: describeType,
    length: describeLength,
    precision: describePrecision,
    scale: describeScale,
    digits: 0,
    createable: true,
    updateable: true,
    nillable: !checkbox,
    defaultedOnCreate: checkbox || defaultValue !== undefined,
    defaultValue: checkbox ? String(m.defaultValue ?? 'false') === 'true' : (defaultValue ?? null),
    custom: true,
    externalId: m.externalId === true,
    unique: m.unique === true,
    caseSensitive: m.caseSensitive === true,
    calculated: false,
    nameField: false,
    picklistValues: type === 'Picklist' ? picklistValues(values.map((v) => v.value), defaultValue) : [],
    restrictedPicklist: restricted,
    referenceTo: [],
    relationshipName: null,
    metadata: { ...m },
  };
  return { object, field };
}

const dateTime = (label: string) => ({ label, type: 'DateTime' });

/**
 * The fields Leadstage's Salesforce setup creates (the connector's schema/leadstage-fields.constant.ts,
 * restated here because the sandbox stands in for the org and imports nothing of the connector).
 */
export const LEADSTAGE_FIELDS: readonly CustomFieldSpec[] = (['Lead', 'Contact'] as const).flatMap((object): CustomFieldSpec[] => [
  { fullName: `${object}.Leadstage_Stage__c`, metadata: { label: 'Leadstage Stage', type: 'Text', length: 40 } },
  { fullName: `${object}.Leadstage_Score__c`, metadata: { label: 'Leadstage Score', type: 'Number', precision: 5, scale: 0 } },
  { fullName: `${object}.Leadstage_Fit_Score__c`, metadata: { label: 'Leadstage Fit Score', type: 'Number', precision: 5, scale: 0 } },
  { fullName: `${object}.Leadstage_Fit_Grade__c`, metadata: { label: 'Leadstage Fit Grade', type: 'Text', length: 5 } },
  { fullName: `${object}.Leadstage_Engagement_Score__c`, metadata: { label: 'Leadstage Engagement Score', type: 'Number', precision: 5, scale: 0 } },
  { fullName: `${object}.Leadstage_Priority__c`, metadata: { label: 'Leadstage Priority', type: 'Text', length: 10 } },
  { fullName: `${object}.Leadstage_Reasons__c`, metadata: { label: 'Leadstage Reasons', type: 'LongTextArea', length: 32768, visibleLines: 10 } },
  { fullName: `${object}.Leadstage_Rulebook_Version__c`, metadata: { label: 'Leadstage Rulebook Version', type: 'Text', length: 40 } },
  { fullName: `${object}.Leadstage_MQL_Date__c`, metadata: dateTime('Leadstage MQL Date') },
  { fullName: `${object}.Leadstage_SQL_Date__c`, metadata: dateTime('Leadstage SQL Date') },
  { fullName: `${object}.Leadstage_SLA_Due__c`, metadata: dateTime('Leadstage SLA Due') },
  { fullName: `${object}.Leadstage_MQL_Tier__c`, metadata: { label: 'Leadstage MQL Tier', type: 'Text', length: 40 } },
  { fullName: `${object}.Leadstage_SLA_Status__c`, metadata: { label: 'Leadstage SLA Status', type: 'Text', length: 20 } },
  { fullName: `${object}.Leadstage_SLA_First_Touch__c`, metadata: dateTime('Leadstage SLA First Touch') },
  { fullName: `${object}.Leadstage_SLA_Next_Step__c`, metadata: { label: 'Leadstage SLA Next Step', type: 'Text', length: 255 } },
]).concat([
  {
    // Task and Event custom fields are defined on Activity and show on Task
    fullName: 'Activity.Leadstage_Key__c',
    metadata: { label: 'Leadstage Key', type: 'Text', length: 80, externalId: true, unique: true, caseSensitive: true },
  },
]);
