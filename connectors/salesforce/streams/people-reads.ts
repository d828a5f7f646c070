/**
 * Reading Leads and Contacts as people: which fields to select (the mappings, checked against
 * describe), contacts by id (a converted lead's contact, contacts whose deals or account changed),
 * and each contact's opportunities.
 *
 * Deals come from a separate `OpportunityContactRole WHERE ContactId IN (...)` query per 200
 * contacts rather than a child sub-query in the Contact SELECT: Bulk API 2.0 rejects sub-queries
 * (the first load would need a second path anyway), a sub-query's rows page separately per parent
 * (nested nextRecordsUrl) and shrink the batch size, and the `opportunities` stream needs the same
 * counts for contacts it did not select. One query shape serves every path.
 */
import type { PulledEvent, PulledPerson } from '../../../src/connector/crm-connector';
import type { SalesforceFieldMappings } from '../mapping/field-mappings';
import type { SalesforceObjectType } from '../mapping/mapping-schema';
import { NO_DEALS, recordEvents, recordToPerson, type DealSummary } from '../mapping/record-to-person';
import { fieldValue, stringValue } from '../mapping/sf-record.util';
import type { SalesforceApi, SfRecord } from '../salesforce-api.types';
import type { DescribeCache, ResolvedFields } from './describe-cache';
import { queryAllPages } from './keyset-query';
import { chunk, ID_CHUNK, soqlIdList } from './soql.util';

export const SOBJECT: Record<SalesforceObjectType, 'Lead' | 'Contact'> = { lead: 'Lead', contact: 'Contact' };

/** Fields every people pull needs besides the mapped ones; the optional ones are skipped if absent. */
const SYSTEM_FIELDS: Record<SalesforceObjectType, { required: string[]; optional: string[] }> = {
  lead: { required: ['Id', 'SystemModstamp'], optional: ['IsDeleted', 'MasterRecordId', 'IsConverted', 'ConvertedContactId', 'ConvertedDate'] },
  contact: { required: ['Id', 'SystemModstamp'], optional: ['IsDeleted', 'MasterRecordId', 'AccountId'] },
};

export async function peopleFields(
  cache: DescribeCache,
  mappings: SalesforceFieldMappings,
  objectType: SalesforceObjectType,
  now: number,
): Promise<ResolvedFields> {
  const required: string[] = [...SYSTEM_FIELDS[objectType].required];
  const optional: string[] = [...SYSTEM_FIELDS[objectType].optional];
  for (const m of mappings.readMappings(objectType)) {
    (m.optional ? optional : required).push(m.crmProperty);
    // a fallback is best effort: an org without MailingCountry still has MailingCountryCode
    optional.push(...(m.fallback ?? []));
  }
  optional.push(...mappings.writeFields(objectType), ...mappings.recordEvents(objectType).map((r) => r.field));
  const why = (path: string) => {
    const m = mappings.readMappings(objectType).find((r) => r.crmProperty.toLowerCase() === path.toLowerCase());
    return m ? `read mapping ${objectType} ${m.canonicalField} ← ${m.crmProperty}` : '';
  };
  return cache.resolve(SOBJECT[objectType], required, optional, now, why);
}

/** Contacts by id (a converted lead's contact, contacts whose deals or account changed), 200 ids per query. */
export async function readContactsById(api: SalesforceApi, fields: readonly string[], ids: readonly string[], includeDeleted: boolean): Promise<SfRecord[]> {
  const out: SfRecord[] = [];
  for (const part of chunk([...new Set(ids)], ID_CHUNK)) {
    out.push(...(await queryAllPages(api, `SELECT ${fields.join(', ')} FROM Contact WHERE Id IN ${soqlIdList(part)}`, { includeDeleted })));
  }
  return out;
}

/**
 * Open and won opportunities per contact, through their contact roles (an opportunity counted once
 * per contact however many roles they hold on it): open = not IsClosed, won = IsWon.
 */
export async function readDeals(api: SalesforceApi, contactIds: readonly string[]): Promise<Map<string, DealSummary>> {
  const seen = new Map<string, Map<string, { closed: boolean; won: boolean; stage: string | null; amount: number | null }>>();
  for (const part of chunk([...new Set(contactIds)], ID_CHUNK)) {
    const soql = `SELECT ContactId, OpportunityId, Opportunity.IsClosed, Opportunity.IsWon, Opportunity.StageName, Opportunity.Amount FROM OpportunityContactRole WHERE ContactId IN ${soqlIdList(part)}`;
    for (const role of await queryAllPages(api, soql)) {
      const contactId = stringValue(role, 'ContactId');
      const opportunityId = stringValue(role, 'OpportunityId');
      if (!contactId || !opportunityId) continue;
      const opportunities = seen.get(contactId) ?? new Map();
      opportunities.set(opportunityId, {
        closed: truthy(fieldValue(role, 'Opportunity.IsClosed')),
        won: truthy(fieldValue(role, 'Opportunity.IsWon')),
        stage: stringValue(role, 'Opportunity.StageName'),
        amount: amountOf(fieldValue(role, 'Opportunity.Amount')),
      });
      seen.set(contactId, opportunities);
    }
  }
  const out = new Map<string, DealSummary>();
  for (const [contactId, opportunities] of seen) {
    const deals: DealSummary = { open: 0, won: 0, openStages: [] };
    for (const o of opportunities.values()) {
      if (o.won) {
        deals.won += 1;
        if (o.amount !== null) deals.wonAmount = (deals.wonAmount ?? 0) + o.amount;
      } else if (!o.closed) {
        deals.open += 1;
        if (o.stage) deals.openStages.push(o.stage);
      }
    }
    out.set(contactId, deals);
  }
  return out;
}

/** Opportunity.Amount is a currency field: a number, or null when nobody filled it in. */
function amountOf(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true';
}

/**
 * Live records → people (contacts with their deals: one OpportunityContactRole read per 200) and the
 * events their own fields carry (opted out, bounced).
 */
export async function recordsToPeople(
  api: SalesforceApi,
  mappings: SalesforceFieldMappings,
  objectType: SalesforceObjectType,
  records: readonly SfRecord[],
): Promise<{ people: PulledPerson[]; events: PulledEvent[] }> {
  if (records.length === 0) return { people: [], events: [] };
  const deals = objectType === 'contact' ? await readDeals(api, records.map((c) => String(fieldValue(c, 'Id')))) : null;
  return {
    people: records.map((r) => recordToPerson(r, objectType, mappings, deals ? (deals.get(String(fieldValue(r, 'Id'))) ?? NO_DEALS) : undefined)),
    events: records.flatMap((r) => recordEvents(r, objectType, mappings)),
  };
}

export function isDeleted(record: SfRecord): boolean {
  return truthy(fieldValue(record, 'IsDeleted'));
}
