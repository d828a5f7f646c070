/**
 * CRM object type names as HubSpot accepts them in paths: plural names, singular names and
 * objectTypeIds (0-1 contacts, 0-2 companies, …) all mean the same type.
 */
export const CRM_OBJECT_TYPES = ['contacts', 'companies', 'deals', 'tasks', 'meetings', 'calls', 'emails'] as const;
export type CrmObjectType = (typeof CRM_OBJECT_TYPES)[number];

const ALIASES: Record<string, CrmObjectType> = {
  contacts: 'contacts', contact: 'contacts', '0-1': 'contacts',
  companies: 'companies', company: 'companies', '0-2': 'companies',
  deals: 'deals', deal: 'deals', '0-3': 'deals',
  tasks: 'tasks', task: 'tasks', '0-27': 'tasks',
  meetings: 'meetings', meeting: 'meetings', '0-47': 'meetings',
  calls: 'calls', call: 'calls', '0-48': 'calls',
  emails: 'emails', email: 'emails', '0-49': 'emails',
};

export function normalizeObjectType(name: string): CrmObjectType | undefined {
  return ALIASES[name.toLowerCase()];
}

export const SINGULAR: Record<CrmObjectType, string> = {
  contacts: 'contact', companies: 'company', deals: 'deal', tasks: 'task', meetings: 'meeting', calls: 'call', emails: 'email',
};

export interface AssociationTypeInfo {
  typeId: number;
  label: string | null;
  /** The v3 `associations` field name, e.g. contact_to_company. */
  v3Name: string;
}

/**
 * HUBSPOT_DEFINED association types per direction (reference §1.5). The first entry is what a plain
 * association gets; contact↔company and deal↔company also carry the "Primary" label.
 */
export const ASSOCIATION_TYPES: Partial<Record<`${CrmObjectType}->${CrmObjectType}`, AssociationTypeInfo[]>> = {
  'contacts->companies': [
    { typeId: 1, label: 'Primary', v3Name: 'contact_to_company' },
    { typeId: 279, label: null, v3Name: 'contact_to_company_unlabeled' },
  ],
  'companies->contacts': [
    { typeId: 2, label: 'Primary', v3Name: 'company_to_contact' },
    { typeId: 280, label: null, v3Name: 'company_to_contact_unlabeled' },
  ],
  'contacts->deals': [{ typeId: 4, label: null, v3Name: 'contact_to_deal' }],
  'deals->contacts': [{ typeId: 3, label: null, v3Name: 'deal_to_contact' }],
  'deals->companies': [
    { typeId: 5, label: 'Primary', v3Name: 'deal_to_company' },
    { typeId: 341, label: null, v3Name: 'deal_to_company_unlabeled' },
  ],
  'companies->deals': [
    { typeId: 6, label: 'Primary', v3Name: 'company_to_deal' },
    { typeId: 342, label: null, v3Name: 'company_to_deal_unlabeled' },
  ],
  'contacts->tasks': [{ typeId: 203, label: null, v3Name: 'contact_to_task' }],
  'tasks->contacts': [{ typeId: 204, label: null, v3Name: 'task_to_contact' }],
  'contacts->meetings': [{ typeId: 199, label: null, v3Name: 'contact_to_meeting' }],
  'meetings->contacts': [{ typeId: 200, label: null, v3Name: 'meeting_event_to_contact' }],
  'contacts->calls': [{ typeId: 193, label: null, v3Name: 'contact_to_call' }],
  'calls->contacts': [{ typeId: 194, label: null, v3Name: 'call_to_contact' }],
  'contacts->emails': [{ typeId: 197, label: null, v3Name: 'contact_to_email' }],
  'emails->contacts': [{ typeId: 198, label: null, v3Name: 'email_to_contact' }],
};

export function associationTypes(from: CrmObjectType, to: CrmObjectType): AssociationTypeInfo[] | undefined {
  return ASSOCIATION_TYPES[`${from}->${to}`];
}
