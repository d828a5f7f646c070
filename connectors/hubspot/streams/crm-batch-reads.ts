/**
 * The batch reads a page of people or activities needs: associations (v4, ≤1,000 ids per call),
 * companies and deals (≤100 per call). One call per page and object type, never one per record:
 * the API quota is the physical limit of a sync (SPEC.md §7).
 */
import { HubSpotApiError } from '../hubspot-api-error';
import type { HubSpotHttp } from '../hubspot-http';
import { PERMANENT_CATEGORIES } from '../write/batch-outcomes.util';
import type { DealCounts } from '../mapping/contact-to-person';

export const BATCH_READ_LIMIT = 100;
const ASSOCIATION_BATCH_LIMIT = 1000;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type AssociationFrom = 'contacts' | 'meetings' | 'calls' | 'emails';
type AssociationTo = 'contacts' | 'companies' | 'deals';

/** HubSpot's subCategory for an input that has no associations of the type asked (a 207 entry). */
export const NO_ASSOCIATIONS_FOUND = 'crm.associations.NO_ASSOCIATIONS_FOUND';

interface AssociationError {
  category?: string;
  subCategory?: unknown;
  message?: string;
  context?: Record<string, string[]>;
}

/**
 * from id → associated ids (`toObjectId` typed a string by the spec, seen as a number: both read).
 * A 207 lists inputs that failed. "No associations" is one of them, told apart by its subCategory
 * (`crm.associations.NO_ASSOCIATIONS_FOUND`), and maps to []; so does an input that no longer exists.
 * Any other failure (HubSpot's own, a timeout) is not "no associations": read as none, a customer's won
 * deal would silently vanish from the person, so the read fails and the page is pulled again.
 */
export async function readAssociations(
  http: HubSpotHttp,
  from: AssociationFrom,
  to: AssociationTo,
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const endpoint = `POST /crm/v4/associations/${from}/${to}/batch/read`;
  for (const part of chunk([...new Set(ids)], ASSOCIATION_BATCH_LIMIT)) {
    const response = await http.sdk('standard', endpoint, (c) =>
      c.crm.associations.v4.batchApi.getPage(from, to, { inputs: part.map((id) => ({ id })) }));
    for (const result of response.results) {
      out.set(String(result._from.id), result.to.map((t) => String(t.toObjectId)));
    }
    const failed = ((response as { errors?: AssociationError[] }).errors ?? []).filter((error) => !meansNoAssociations(error));
    if (failed.length > 0) {
      const first = failed[0]!;
      const category = first.category ?? 'UNKNOWN';
      const inputs = failed.flatMap((error) => error.context?.fromObjectId ?? error.context?.ids ?? []);
      throw new HubSpotApiError(
        `HubSpot ${endpoint} failed for ${inputs.length > 0 ? `${inputs.length} input(s) (${inputs.slice(0, 5).join(', ')})` : 'some inputs'} (${category}): ${first.message ?? 'no message'}`,
        endpoint, 207, !PERMANENT_CATEGORIES.has(category), category,
      );
    }
  }
  return out;
}

function meansNoAssociations(error: AssociationError): boolean {
  if (error.subCategory === NO_ASSOCIATIONS_FOUND) return true;
  // the input itself is gone (deleted since it was read): nothing of it to associate
  return error.category === 'OBJECT_NOT_FOUND' && (error.subCategory === undefined || error.subCategory === null);
}

export type PropertyBag = Record<string, string | null | undefined>;

async function batchRead(
  http: HubSpotHttp,
  objectType: 'companies' | 'deals',
  ids: readonly string[],
  properties: string[],
): Promise<Map<string, PropertyBag>> {
  const out = new Map<string, PropertyBag>();
  for (const part of chunk([...new Set(ids)], BATCH_READ_LIMIT)) {
    const input = { inputs: part.map((id) => ({ id })), properties, propertiesWithHistory: [] };
    const response = await http.sdk('standard', `POST /crm/v3/objects/${objectType}/batch/read`, (c) =>
      objectType === 'companies' ? c.crm.companies.batchApi.read(input) : c.crm.deals.batchApi.read(input));
    // Unknown ids (deleted since the association was read) come back as a 207 error: skip them.
    for (const record of response.results) out.set(record.id, record.properties);
  }
  return out;
}

export function readCompanies(http: HubSpotHttp, ids: readonly string[], properties: string[]): Promise<Map<string, PropertyBag>> {
  return ids.length === 0 ? Promise.resolve(new Map()) : batchRead(http, 'companies', ids, properties);
}

/** Closed won = hs_is_closed_won or the closedwon stage; open = not closed (won or lost). */
export function dealState(deal: PropertyBag): 'open' | 'won' | 'lost' {
  const won = deal.hs_is_closed_won === 'true' || deal.dealstage === 'closedwon';
  if (won) return 'won';
  const closed = deal.hs_is_closed === 'true' || deal.dealstage === 'closedlost';
  return closed ? 'lost' : 'open';
}

export async function countDeals(http: HubSpotHttp, dealsByContact: Map<string, string[]>): Promise<Map<string, DealCounts>> {
  const ids = [...dealsByContact.values()].flat();
  const deals = ids.length === 0 ? new Map<string, PropertyBag>()
    : await batchRead(http, 'deals', ids, ['dealstage', 'hs_is_closed_won', 'hs_is_closed', 'amount']);
  const out = new Map<string, DealCounts>();
  for (const [contact, dealIds] of dealsByContact) {
    const counts: DealCounts = { open: 0, won: 0 };
    for (const id of dealIds) {
      const deal = deals.get(id);
      if (!deal) continue;
      const state = dealState(deal);
      if (state === 'open') counts.open += 1;
      if (state === 'won') {
        counts.won += 1;
        // amount is a number property HubSpot returns as text, empty when nobody filled it in
        const amount = deal.amount === null || deal.amount === undefined || deal.amount === '' ? NaN : Number(deal.amount);
        if (Number.isFinite(amount) && amount >= 0) counts.wonAmount = (counts.wonAmount ?? 0) + amount;
      }
    }
    out.set(contact, counts);
  }
  return out;
}
