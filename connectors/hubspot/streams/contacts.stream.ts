/**
 * The `contacts` stream. First a full pass over `GET /crm/v3/objects/contacts` (100 per page,
 * `after` paging, company and deal associations inline); then incremental search on
 * `lastmodifieddate` from the moment the full pass started, in windows that never need more than
 * 10,000 results (modified-window-search.ts). Each page costs one companies batch read and one
 * deals batch read (plus, on the search path, one v4 associations read for deals), never a call
 * per contact. On the search path, contacts the store already holds exactly so (the same fingerprint
 * and writable values: our own write-back's echo, which moved lastmodifieddate) are left out before
 * those reads (PullContext.unchanged): a re-sync after a write-back costs its searches only.
 *
 * Cursors: `{phase:'full', after, startedAt}` then `{phase:'incremental', since, until, skip, span}`.
 *
 * Merges: HubSpot keeps the ids of the contacts merged into a contact in `hs_merged_object_ids` and
 * lists only the survivor, so each pulled contact reports them as `removed` into itself (the store
 * folds a merged contact it knows into the survivor, and ignores the rest, repeats included).
 * Deleted and privacy-deleted contacts are not reported yet (docs/data-protection.md).
 */
import type { PullContext, PullPage, PulledPerson, RemovedRecord, StreamCursor } from '../../../src/connector/crm-connector';
import type { HubSpotHttp } from '../hubspot-http';
import { CONTACT_EXTRA_PROPERTIES, contactFingerprint, contactToPerson, contactWritableValues, type HubSpotContact } from '../mapping/contact-to-person';
import type { FieldMappings } from '../mapping/field-mappings';
import { BATCH_READ_LIMIT, chunk, countDeals, readAssociations, readCompanies } from './crm-batch-reads';
import { CursorError, cursorNumber, cursorString } from '../../../src/connector/shared/cursor.util';
import { searchModifiedWindow, type WindowCursor } from './modified-window-search';

const STREAM = 'contacts';
const LIST_LIMIT = 100;
const SEARCH_LIMIT = 200;

export interface ContactsStreamDeps {
  http: HubSpotHttp;
  mappings: FieldMappings;
}

/** The ids of the contacts merged into a contact, `;`-separated. */
const MERGED_IDS = 'hs_merged_object_ids';

function properties(mappings: FieldMappings): string[] {
  return [...new Set([...mappings.pullProperties, ...CONTACT_EXTRA_PROPERTIES, MERGED_IDS])];
}

/** The contacts merged into each of these: removed, into their survivor. */
export function mergedAway(contacts: readonly HubSpotContact[]): RemovedRecord[] {
  return contacts.flatMap((contact) =>
    (contact.properties[MERGED_IDS] ?? '')
      .split(';')
      .map((id) => id.trim())
      .filter((id) => id !== '' && id !== contact.id)
      .map((id): RemovedRecord => ({ crmId: id, objectType: 'contact', mergedInto: { crmId: contact.id, objectType: 'contact' } })),
  );
}

function withRemoved(page: PullPage, contacts: readonly HubSpotContact[]): PullPage {
  const removed = mergedAway(contacts);
  return removed.length > 0 ? { ...page, removed } : page;
}

function windowCursor(cursor: StreamCursor): WindowCursor {
  return {
    since: cursorNumber(cursor, STREAM, 'since'),
    until: cursorNumber(cursor, STREAM, 'until', true),
    skip: cursorNumber(cursor, STREAM, 'skip', true) ?? 0,
    span: cursorNumber(cursor, STREAM, 'span', true),
  };
}

function incremental(next: WindowCursor): StreamCursor {
  return { phase: 'incremental', since: next.since, until: next.until, skip: next.skip, span: next.span };
}

export async function pullContacts(deps: ContactsStreamDeps, cursor: StreamCursor | null, context: PullContext): Promise<PullPage> {
  const phase = cursor === null ? 'full' : cursorString(cursor, STREAM, 'phase');
  if (phase === 'full') return pullFullPage(deps, cursor, context.now);
  if (phase === 'incremental') return pullIncrementalPage(deps, cursor!, context);
  throw new CursorError(`${STREAM} cursor: phase must be "full" or "incremental", got ${JSON.stringify(phase)}`);
}

async function pullFullPage(deps: ContactsStreamDeps, cursor: StreamCursor | null, now: number): Promise<PullPage> {
  const after = cursor === null ? null : cursorString(cursor, STREAM, 'after');
  // Changes made while the full pass runs are picked up by the incremental search from here.
  const startedAt = cursor === null ? now : cursorNumber(cursor, STREAM, 'startedAt');
  const page = await deps.http.sdk('standard', 'GET /crm/v3/objects/contacts', (c) =>
    c.crm.contacts.basicApi.getPage(LIST_LIMIT, after ?? undefined, properties(deps.mappings), undefined, ['companies', 'deals']));
  const contacts = page.results.map((r) => ({
    contact: { id: r.id, properties: r.properties, updatedAt: r.updatedAt } as HubSpotContact,
    companyId: r.properties.associatedcompanyid ?? r.associations?.companies?.results[0]?.id ?? null,
    dealIds: [...new Set(r.associations?.deals?.results.map((a) => a.id) ?? [])],
  }));
  const people = await toPeople(deps, contacts);
  const nextAfter = page.paging?.next?.after;
  const next: StreamCursor = nextAfter
    ? { phase: 'full', after: nextAfter, startedAt }
    : incremental({ since: startedAt, until: null, skip: 0, span: null });
  return withRemoved({ people, events: [], next }, contacts.map((c) => c.contact));
}

async function pullIncrementalPage(deps: ContactsStreamDeps, cursor: StreamCursor, context: PullContext): Promise<PullPage> {
  const { now } = context;
  const props = properties(deps.mappings);
  const step = await searchModifiedWindow({
    stream: STREAM,
    cursor: windowCursor(cursor),
    now,
    limit: SEARCH_LIMIT,
    modifiedAt: (r: HubSpotContact) => Date.parse(r.properties.lastmodifieddate ?? ''),
    search: async ({ from, to, after, limit }) => {
      const response = await deps.http.sdk('search', 'POST /crm/v3/objects/contacts/search', (c) =>
        c.crm.contacts.searchApi.doSearch({
          filterGroups: [{
            filters: [
              { propertyName: 'lastmodifieddate', operator: 'GTE' as never, value: String(from) },
              { propertyName: 'lastmodifieddate', operator: 'LT' as never, value: String(to) },
            ],
          }],
          sorts: ['lastmodifieddate'],
          properties: props,
          limit,
          after: String(after),
        }));
      return { total: response.total, results: response.results.map((r) => ({ id: r.id, properties: r.properties, updatedAt: r.updatedAt })) };
    },
  });
  // what the store already holds exactly so (our own write-back echoing: it moved lastmodifieddate)
  // needs no company, deal or association reads: it is left out of the page
  const known = step.results.length > 0 && context.unchanged
    ? await context.unchanged(step.results.map((contact) => ({
        objectType: 'contact' as const, crmId: contact.id, fingerprint: contactFingerprint(contact, deps.mappings), writableValues: contactWritableValues(contact, deps.mappings),
      })))
    : new Set<string>();
  const changed = step.results.filter((contact) => !known.has(contact.id));
  if (changed.length === 0) return { people: [], events: [], next: step.next && incremental(step.next) };
  const deals = await readAssociations(deps.http, 'contacts', 'deals', changed.map((r) => r.id));
  const people = await toPeople(deps, changed.map((contact) => ({
    contact,
    companyId: contact.properties.associatedcompanyid ?? null,
    dealIds: deals.get(contact.id) ?? [],
  })));
  return withRemoved({ people, events: [], next: step.next && incremental(step.next) }, step.results);
}

/**
 * Contacts by id (a webhook named them), mapped exactly as the stream maps them: a batch read of
 * ≤100 per call, then that batch's deals (v4 associations) and companies, as on the search path.
 * Ids HubSpot no longer has (deleted since) come back as a 207 error entry and are simply absent.
 */
export async function pullContactsById(deps: ContactsStreamDeps, ids: readonly string[]): Promise<PulledPerson[]> {
  const props = properties(deps.mappings);
  const people: PulledPerson[] = [];
  for (const part of chunk([...new Set(ids)], BATCH_READ_LIMIT)) {
    const response = await deps.http.sdk('standard', 'POST /crm/v3/objects/contacts/batch/read', (c) =>
      c.crm.contacts.batchApi.read({ inputs: part.map((id) => ({ id })), properties: props, propertiesWithHistory: [] }));
    const contacts: HubSpotContact[] = response.results.map((r) => ({ id: r.id, properties: r.properties, updatedAt: r.updatedAt }));
    if (contacts.length === 0) continue;
    const deals = await readAssociations(deps.http, 'contacts', 'deals', contacts.map((contact) => contact.id));
    people.push(...(await toPeople(deps, contacts.map((contact) => ({
      contact,
      companyId: contact.properties.associatedcompanyid ?? null,
      dealIds: deals.get(contact.id) ?? [],
    })))));
  }
  return people;
}

interface ContactRow {
  contact: HubSpotContact;
  companyId: string | null | undefined;
  dealIds: string[];
}

async function toPeople(deps: ContactsStreamDeps, rows: ContactRow[]): Promise<PulledPerson[]> {
  const companyIds = rows.flatMap((r) => (r.companyId ? [r.companyId] : []));
  // independent reads: side by side, so a page costs one round trip less
  const [companies, deals] = await Promise.all([
    readCompanies(deps.http, companyIds, deps.mappings.companyProperties),
    countDeals(deps.http, new Map(rows.filter((r) => r.dealIds.length > 0).map((r) => [r.contact.id, r.dealIds]))),
  ]);
  return rows.map((r) =>
    contactToPerson(r.contact, r.companyId ? companies.get(r.companyId) : undefined, deals.get(r.contact.id) ?? { open: 0, won: 0 }, deps.mappings));
}
