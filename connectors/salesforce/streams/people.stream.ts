/**
 * The `leads` and `contacts` streams.
 *
 * Incremental (incremental-window.ts): `queryAll` on SystemModstamp, so deleted and merged records are
 * seen (IsDeleted → `removed`, MasterRecordId → `mergedInto`). A converted lead (IsConverted with
 * ConvertedContactId) is never a person of its own: its contact is read (Contact by Id) and emitted
 * with `formerly: [the lead]`, so the store joins the lead's history to the contact and retires it.
 * Contacts carry their Account's fields (`Account.Industry`) and their deals (people-reads.ts).
 *
 * First load: when the cursor is null, `SELECT COUNT() ... WHERE SystemModstamp <= now` decides: above
 * `bulkThreshold` records the load runs as a Bulk API 2.0 query job (cursor `{phase:'bulk', bulkJobId,
 * locator, until, pollMs?}`), read a results page per pull, then continues incrementally from `until`.
 * A pull waits for the job at most `bulkWaitMs`, polling its state at an interval that doubles from
 * `bulkPollMs` to `bulkPollMaxMs` (carried in the cursor), and otherwise hands the cursor back with
 * `more: true`: the next pull waits again, so a job that takes minutes costs a poll per half minute
 * rather than a spin. A job that fails, or no longer exists (404: Salesforce deletes jobs after 7 days),
 * falls back to the REST pass over the same window.
 */
import type { PulledEvent, PulledPerson, PullPage, RemovedRecord, StreamCursor } from '../../../src/connector/crm-connector';
import { CursorError, cursorString } from '../../../src/connector/shared/cursor.util';
import type { SalesforceObjectType } from '../mapping/mapping-schema';
import { fieldValue, stringValue } from '../mapping/sf-record.util';
import type { SfRecord } from '../salesforce-api.types';
import { typeBulkRecord } from './bulk-csv.util';
import { pullWindowPage, watermarkCursor, type PageContent, type WindowSegment } from './incremental-window';
import { isDeleted, peopleFields, readContactsById, recordsToPeople, SOBJECT } from './people-reads';
import { soqlDateTime } from './soql.util';
import type { StreamDeps } from './stream-deps';

const STREAM: Record<SalesforceObjectType, string> = { lead: 'leads', contact: 'contacts' };

function segmentFor(deps: StreamDeps, objectType: SalesforceObjectType, now: number): WindowSegment {
  return {
    name: SOBJECT[objectType],
    spec: async () => ({
      sobject: SOBJECT[objectType],
      fields: (await peopleFields(deps.describes, deps.mappings, objectType, now)).fields,
      includeDeleted: true,
      batchSize: deps.options.batchSize,
    }),
    handle: (records) => peoplePage(deps, objectType, records, now),
  };
}

export async function pullPeople(deps: StreamDeps, objectType: SalesforceObjectType, cursor: StreamCursor | null, now: number): Promise<PullPage> {
  const stream = STREAM[objectType];
  const segments = [segmentFor(deps, objectType, now)];
  if (cursor === null) {
    const bulk = await maybeStartBulk(deps, objectType, now);
    if (bulk) return pullBulkPage(deps, objectType, bulk, now);
    return pullWindowPage(deps.api, stream, segments, null, now, deps.options.overlapMs);
  }
  const phase = cursorString(cursor, stream, 'phase');
  if (phase === 'bulk') return pullBulkPage(deps, objectType, cursor, now);
  if (phase === 'incremental') return pullWindowPage(deps.api, stream, segments, cursor, now, deps.options.overlapMs);
  throw new CursorError(`${stream} cursor: phase must be "bulk" or "incremental", got ${JSON.stringify(phase)}`);
}

// ---------------------------------------------------------------- one page of records → people

/** A page of Lead or Contact records (REST or Bulk) → people, removed records and opt-out events. */
export async function peoplePage(deps: StreamDeps, objectType: SalesforceObjectType, records: readonly SfRecord[], now: number): Promise<PageContent> {
  const removed: RemovedRecord[] = [];
  const live: SfRecord[] = [];
  const converted = new Map<string, string[]>();
  for (const record of records) {
    const id = stringValue(record, 'Id');
    if (!id) continue;
    if (isDeleted(record)) {
      const master = stringValue(record, 'MasterRecordId');
      removed.push({ crmId: id, objectType, ...(master ? { mergedInto: { crmId: master, objectType } } : {}) });
    } else if (objectType === 'lead' && isTrue(record, 'IsConverted')) {
      const contactId = stringValue(record, 'ConvertedContactId');
      if (contactId) converted.set(contactId, [...(converted.get(contactId) ?? []), id]);
      else removed.push({ crmId: id, objectType: 'lead' });
    } else {
      live.push(record);
    }
  }

  const { people, events } = await recordsToPeople(deps.api, deps.mappings, objectType, live);
  if (converted.size > 0) {
    const gone = await convertedContacts(deps, converted, now);
    people.push(...gone.people);
    events.push(...gone.events);
    removed.push(...gone.removed);
  }
  const unique = mergeDuplicates(people);
  return { people: unique, events: uniqueEvents(events), removed };
}

/**
 * The contacts converted leads became, each with `formerly` naming its leads. A contact that is gone
 * (deleted, merged, or not visible) still takes the lead's history: the lead is `removed` with
 * `mergedInto` that contact (or the contact it was merged into).
 */
async function convertedContacts(deps: StreamDeps, converted: Map<string, string[]>, now: number): Promise<PageContent & { removed: RemovedRecord[] }> {
  const fields = (await peopleFields(deps.describes, deps.mappings, 'contact', now)).fields;
  const records = await readContactsById(deps.api, fields, [...converted.keys()], true);
  const byId = new Map(records.map((r) => [stringValue(r, 'Id') ?? '', r]));
  const live = await recordsToPeople(deps.api, deps.mappings, 'contact', records.filter((r) => !isDeleted(r)));
  const people = live.people.map((p) => ({
    ...p,
    formerly: (converted.get(p.crmId) ?? []).map((crmId) => ({ crmId, objectType: 'lead' as const })),
  }));
  const removed: RemovedRecord[] = [];
  for (const [contactId, leadIds] of converted) {
    const contact = byId.get(contactId);
    if (contact && !isDeleted(contact)) continue;
    const into = (contact && stringValue(contact, 'MasterRecordId')) ?? contactId;
    for (const leadId of leadIds) removed.push({ crmId: leadId, objectType: 'lead', mergedInto: { crmId: into, objectType: 'contact' } });
  }
  return { people, events: live.events, removed };
}

/** One event per id in a page (a contact read twice, as itself and as a converted lead's). */
function uniqueEvents(events: PulledEvent[]): PulledEvent[] {
  return [...new Map(events.map((e) => [e.event.id, e])).values()];
}

/** One person per record in a page; `formerly` lists join. */
function mergeDuplicates(people: PulledPerson[]): PulledPerson[] {
  const byKey = new Map<string, PulledPerson>();
  for (const p of people) {
    const key = `${p.objectType}:${p.crmId}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, p);
      continue;
    }
    const formerly = [...(seen.formerly ?? []), ...(p.formerly ?? [])];
    const unique = [...new Map(formerly.map((f) => [`${f.objectType}:${f.crmId}`, f])).values()];
    byKey.set(key, { ...p, ...(unique.length > 0 ? { formerly: unique } : {}) });
  }
  return [...byKey.values()];
}

function isTrue(record: SfRecord, field: string): boolean {
  const value = fieldValue(record, field);
  return value === true || value === 'true';
}

// ---------------------------------------------------------------- Bulk API 2.0 first load

async function maybeStartBulk(deps: StreamDeps, objectType: SalesforceObjectType, now: number): Promise<StreamCursor | null> {
  const { api, options } = deps;
  if (!Number.isFinite(options.bulkThreshold)) return null;
  const until = new Date(now).toISOString();
  const count = await api.query(`SELECT COUNT() FROM ${SOBJECT[objectType]} WHERE SystemModstamp <= ${soqlDateTime(until)}`);
  if (count.totalSize <= options.bulkThreshold) return null;
  const fields = (await peopleFields(deps.describes, deps.mappings, objectType, now)).fields;
  // no ORDER BY (Bulk API 2.0 does not page by it) and no keyset: the window is everything up to `until`
  const { jobId } = await api.bulkQueryStart(`SELECT ${fields.join(', ')} FROM ${SOBJECT[objectType]} WHERE SystemModstamp <= ${soqlDateTime(until)}`, { includeDeleted: true });
  return { phase: 'bulk', bulkJobId: jobId, locator: null, until };
}

async function pullBulkPage(deps: StreamDeps, objectType: SalesforceObjectType, cursor: StreamCursor, now: number): Promise<PullPage> {
  const stream = STREAM[objectType];
  const { api, options } = deps;
  const jobId = cursorString(cursor, stream, 'bulkJobId');
  const until = cursorString(cursor, stream, 'until');
  if (!jobId || !until) throw new CursorError(`${stream} cursor: a bulk cursor needs "bulkJobId" and "until", got ${JSON.stringify(cursor)}`);
  const locator = cursorString(cursor, stream, 'locator');
  const segments = [segmentFor(deps, objectType, now)];

  const fallBack = (why: Record<string, unknown>): Promise<PullPage> => {
    options.logger?.warn('Salesforce bulk query job cannot be read; reading the first load through the REST API instead', { stream, jobId, ...why });
    const restart: StreamCursor = { phase: 'incremental', since: null, lastId: null, until, nextRecordsUrl: null, caughtUpAt: null };
    return pullWindowPage(api, stream, segments, restart, now, deps.options.overlapMs);
  };

  let page: Awaited<ReturnType<typeof api.bulkQueryResults>>;
  try {
    if (locator === null) {
      // results not read yet: the job may still be running (minutes, for a large org)
      const waiting = await waitForJob(deps, jobId, cursor);
      if (waiting.state === 'Failed' || waiting.state === 'Aborted') return await fallBack({ state: waiting.state, error: waiting.error });
      if (waiting.state !== 'JobComplete') return { people: [], events: [], next: { ...cursor, pollMs: waiting.nextPollMs }, more: true };
    }
    page = await api.bulkQueryResults(jobId, locator, options.bulkPageSize);
  } catch (error) {
    // Salesforce deletes query jobs after 7 days: a sync that stalled that long starts over on REST
    if (isGone(error)) return fallBack({ error: (error as Error).message });
    throw error;
  }
  const { types } = await peopleFields(deps.describes, deps.mappings, objectType, now);
  const records = page.records.map((row) => typeBulkRecord(row, types, SOBJECT[objectType]));
  const content = await peoplePage(deps, objectType, records, now);
  const next: StreamCursor = page.locator
    ? { phase: 'bulk', bulkJobId: jobId, locator: page.locator, until }
    : watermarkCursor(segments, until);
  return {
    people: content.people,
    events: content.events,
    ...(content.removed && content.removed.length > 0 ? { removed: content.removed } : {}),
    next,
    more: page.locator !== null || Date.parse(until) < now,
  };
}

/**
 * Polls a query job until it completes, for at most `bulkWaitMs` of this pull. The interval starts at
 * `bulkPollMs` and doubles up to `bulkPollMaxMs`, carried in the cursor (`pollMs`) from pull to pull,
 * so a job that runs for minutes costs a poll per half minute, not one every two seconds. A pull that
 * continues the wait sleeps before its first poll: the pull before it has just polled.
 */
async function waitForJob(deps: StreamDeps, jobId: string, cursor: StreamCursor): Promise<{ state: string; error?: string | undefined; nextPollMs: number }> {
  const { options } = deps;
  const carried = typeof cursor.pollMs === 'number' && Number.isFinite(cursor.pollMs) && cursor.pollMs > 0 ? cursor.pollMs : null;
  const grow = (ms: number) => Math.min(options.bulkPollMaxMs, Math.max(ms * 2, options.bulkPollMs));
  let interval = carried ?? options.bulkPollMs;
  let waited = 0;
  if (carried !== null) {
    await options.sleep(interval);
    waited += interval;
    interval = grow(interval);
  }
  for (;;) {
    const state = await deps.api.bulkQueryState(jobId);
    if (state.state === 'JobComplete' || state.state === 'Failed' || state.state === 'Aborted') return { state: state.state, error: state.errorMessage, nextPollMs: interval };
    if (waited + interval > options.bulkWaitMs) return { state: state.state, nextPollMs: interval };
    await options.sleep(interval);
    waited += interval;
    interval = grow(interval);
  }
}

/** A 404 (NOT_FOUND, INVALID_JOB…) for a job or locator: it no longer exists. */
function isGone(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { status?: unknown; errorCode?: unknown };
  return e.status === 404 || e.errorCode === 'NOT_FOUND' || e.errorCode === 'INVALID_JOB' || e.errorCode === 'INVALIDJOB';
}
