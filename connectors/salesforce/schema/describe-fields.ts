/**
 * The fields of a Lead or Contact, live from the org's describe (`GET /sobjects/<T>/describe`), in
 * the connector contract's vendor-neutral words (CrmFieldDescription) for the console's mapping.
 */
import type { CrmFieldDescription, CrmFieldType } from '../../../src/connector/crm-connector';
import type { SalesforceApi } from '../salesforce-api.types';

const SOBJECTS: Record<string, string> = { lead: 'Lead', contact: 'Contact' };
const TYPES: Record<string, CrmFieldType> = {
  string: 'string', email: 'string', phone: 'string', url: 'string', textarea: 'text', double: 'number', int: 'number', currency: 'number',
  percent: 'number', boolean: 'boolean', date: 'date', datetime: 'datetime', picklist: 'enumeration', reference: 'reference', id: 'reference',
};

export async function describeRecordFields(api: SalesforceApi, objectType: string): Promise<CrmFieldDescription[]> {
  const sobject = SOBJECTS[objectType.toLowerCase()];
  if (!sobject) return [];
  const described = await api.describe(sobject);
  return described.fields
    .map((f) => {
      const type = TYPES[f.type.toLowerCase()] ?? 'other';
      const options = f.picklistValues?.filter((v) => v.active).map((v) => ({ value: v.value, label: v.value }));
      return { name: f.name, label: f.label, type, writable: f.updateable, ...(type === 'enumeration' && options ? { options } : {}) };
    })
    .sort((a, b) => a.label.localeCompare(b.label));
}
