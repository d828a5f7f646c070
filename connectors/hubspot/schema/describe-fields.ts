/**
 * The contact properties of a portal, live from `GET /crm/v3/properties/contacts`, in the
 * connector contract's vendor-neutral words (CrmFieldDescription) for the console's field mapping.
 */
import type { CrmFieldDescription, CrmFieldType } from '../../../src/connector/crm-connector';
import type { HubSpotHttp } from '../hubspot-http';

const TYPES: Record<string, CrmFieldType> = { string: 'string', number: 'number', bool: 'boolean', date: 'date', datetime: 'datetime', enumeration: 'enumeration', phone_number: 'string' };

export async function describeContactFields(http: HubSpotHttp, objectType: string): Promise<CrmFieldDescription[]> {
  if (objectType !== 'contact' && objectType !== 'contacts') return [];
  const properties = await http.sdk('standard', 'GET /crm/v3/properties/contacts', (c) => c.crm.properties.coreApi.getAll('contacts'));
  return properties.results
    .filter((p) => !p.hidden)
    .map((p) => {
      // a multi-line text area is still a string to write; a single checkbox is a boolean enumeration
      const type: CrmFieldType = p.fieldType === 'booleancheckbox' ? 'boolean' : p.fieldType === 'textarea' ? 'text' : (TYPES[p.type] ?? 'other');
      const writable = !p.calculated && !(p.modificationMetadata?.readOnlyValue ?? false);
      const options = type === 'enumeration' ? (p.options ?? []).filter((o) => !o.hidden).map((o) => ({ value: o.value, label: o.label })) : undefined;
      return { name: p.name, label: p.label, type, writable, ...(options ? { options } : {}) };
    })
    .sort((a, b) => a.label.localeCompare(b.label));
}
