/**
 * The incremental pass every Salesforce stream makes: a window that ends at the run's `now`, read
 * in one or more segments (sObjects, in order) by keyset on (SystemModstamp, Id), one page per pull.
 * A window read to its end leaves a watermark (`caughtUpAt`, `more: false`); pulling from a watermark
 * at the same `now` answers `next: null` without a request.
 *
 * Late commits. Salesforce stamps SystemModstamp when a transaction starts and the row becomes
 * visible when it commits, so a slow transaction can surface after the window that covered its stamp
 * was read, behind rows already read. A later run therefore opens the next window `overlapMs`
 * (default 5 minutes) before the last window's end (or at the last record read, if that is earlier),
 * and re-reads that overlap. Nothing is taken twice: events keep their ids, and the store re-scores
 * a person only when the record says something new (an unchanged re-read costs reads, no writes).
 * The window that continues a Bulk API 2.0 snapshot starts the same way, before the snapshot's end.
 *
 * Cursor (flat, JSON in the store):
 *   { phase: 'incremental', since, lastId, until, nextRecordsUrl, caughtUpAt, segment?, <seg>Since?, <seg>LastId? }
 *   since/lastId        keyset of the first segment (ISO datetime / record id; null: from the start)
 *   <seg>Since/LastId   keyset of each further segment
 *   until               end of the window in progress (ISO), null between windows
 *   nextRecordsUrl      queryMore locator of the page in progress
 *   segment             the segment in progress (streams with several)
 *   caughtUpAt          end of the last finished window
 */
import type { PullPage, RemovedRecord, StreamCursor } from '../../../src/connector/crm-connector';
import { CursorError, cursorString } from '../../../src/connector/shared/cursor.util';
import type { SalesforceApi, SfRecord } from '../salesforce-api.types';
import { describeCacheFor } from './describe-cache';
import { readKeysetPage, type KeysetSpec } from './keyset-query';

/** INVALID_FIELD: the query names a field the org (or the user) no longer has. */
function isUnknownField(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { errorCode?: unknown }).errorCode === 'INVALID_FIELD';
}

export type PageContent = Pick<PullPage, 'people' | 'events'> & { removed?: RemovedRecord[] };

export interface WindowSegment {
  /** Names the segment in the cursor; the first segment's keyset is `since`/`lastId`. */
  name: string;
  spec: () => Promise<KeysetSpec>;
  handle: (records: SfRecord[]) => Promise<PageContent>;
}

const keys = (segments: readonly WindowSegment[], index: number) =>
  index === 0 ? { since: 'since', lastId: 'lastId' } : { since: `${segments[index]!.name}Since`, lastId: `${segments[index]!.name}LastId` };

function isoOrNull(cursor: StreamCursor, stream: string, field: string): string | null {
  const value = cursorString(cursor, stream, field);
  if (value !== null && Number.isNaN(Date.parse(value))) throw new CursorError(`${stream} cursor: "${field}" must be an ISO datetime, got ${JSON.stringify(value)}`);
  return value;
}

/** A cursor that starts the incremental pass at `from` (after a bulk load, or a stream with nothing to backfill). */
export function watermarkCursor(segments: readonly WindowSegment[], from: string): StreamCursor {
  const cursor: StreamCursor = { phase: 'incremental', since: from, lastId: null, until: null, nextRecordsUrl: null, caughtUpAt: from };
  segments.forEach((_, i) => {
    if (i === 0) return;
    const k = keys(segments, i);
    cursor[k.since] = from;
    cursor[k.lastId] = null;
  });
  if (segments.length > 1) cursor.segment = null;
  return cursor;
}

/** How far a new window reaches back before the last one's end, for transactions that committed late. */
export const DEFAULT_OVERLAP_MS = 5 * 60_000;

/**
 * A new window re-reads from `from` (the last window's end minus the overlap) in every segment whose
 * last record read is later than that; a segment that read nothing since keeps its (earlier) keyset.
 */
function reachBack(cursor: StreamCursor, segments: readonly WindowSegment[], stream: string, from: number): void {
  const fromIso = new Date(from).toISOString();
  segments.forEach((_, i) => {
    const k = keys(segments, i);
    const since = isoOrNull(cursor, stream, k.since);
    if (since === null || Date.parse(since) <= from) return;
    cursor[k.since] = fromIso;
    cursor[k.lastId] = null;
  });
}

export async function pullWindowPage(
  api: SalesforceApi,
  stream: string,
  segments: readonly WindowSegment[],
  cursor: StreamCursor | null,
  now: number,
  overlapMs: number = DEFAULT_OVERLAP_MS,
): Promise<PullPage> {
  const nowIso = new Date(now).toISOString();
  const current: StreamCursor = cursor ? { ...cursor } : { phase: 'incremental', since: null, lastId: null, until: null, nextRecordsUrl: null, caughtUpAt: null };
  if (current.phase !== 'incremental') throw new CursorError(`${stream} cursor: phase must be "incremental", got ${JSON.stringify(current.phase)}`);

  let until = isoOrNull(current, stream, 'until');
  let index = 0;
  if (until === null) {
    const caughtUpAt = isoOrNull(current, stream, 'caughtUpAt');
    if (caughtUpAt !== null && Date.parse(caughtUpAt) >= now) return { people: [], events: [], next: null, more: false };
    until = nowIso;
    current.nextRecordsUrl = null;
    if (caughtUpAt !== null) reachBack(current, segments, stream, Date.parse(caughtUpAt) - overlapMs);
  } else if (segments.length > 1) {
    const name = cursorString(current, stream, 'segment');
    index = name === null ? 0 : segments.findIndex((s) => s.name === name);
    if (index === -1) throw new CursorError(`${stream} cursor: unknown segment ${JSON.stringify(name)}; segments: ${segments.map((s) => s.name).join(', ')}`);
  }

  const segment = segments[index]!;
  const k = keys(segments, index);
  const position = {
    since: isoOrNull(current, stream, k.since),
    lastId: cursorString(current, stream, k.lastId),
    nextRecordsUrl: cursorString(current, stream, 'nextRecordsUrl'),
  };
  let page: Awaited<ReturnType<typeof readKeysetPage>>;
  try {
    page = await readKeysetPage(api, await segment.spec(), position, until);
  } catch (error) {
    if (!isUnknownField(error)) throw error;
    // a field deleted, or its access revoked, since the describe was cached: describe again and
    // select what the org has now (an optional field is skipped; a required one names its mapping)
    describeCacheFor(api).forget();
    page = await readKeysetPage(api, await segment.spec(), position, until);
  }
  const content = await segment.handle(page.records);

  const next: StreamCursor = { ...current, [k.since]: page.position.since, [k.lastId]: page.position.lastId, until, nextRecordsUrl: page.position.nextRecordsUrl };
  let more = true;
  if (page.done && index + 1 < segments.length) {
    next.segment = segments[index + 1]!.name;
  } else if (page.done) {
    next.until = null;
    next.caughtUpAt = until;
    if (segments.length > 1) next.segment = null;
    more = Date.parse(until) < now;
  } else if (segments.length > 1) {
    next.segment = segment.name;
  }
  return { people: content.people, events: content.events, ...(content.removed && content.removed.length > 0 ? { removed: content.removed } : {}), next, more };
}
