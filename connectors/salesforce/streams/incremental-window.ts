/**
 * The incremental pass every Salesforce stream makes: a window that ends at the run's `now`, read
 * in one or more segments (sObjects, in order) by keyset on (SystemModstamp, Id), one page per pull.
 * A window read to its end leaves a watermark (`caughtUpAt`, `more: false`); pulling from a watermark
 * at the same `now` answers `next: null` without a request, and a later run opens the next window
 * from the last record read (not from the window's end, so a record committed late with an earlier
 * stamp than the window end is still found).
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
import { readKeysetPage, type KeysetSpec } from './keyset-query';

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

export async function pullWindowPage(
  api: SalesforceApi,
  stream: string,
  segments: readonly WindowSegment[],
  cursor: StreamCursor | null,
  now: number,
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
  } else if (segments.length > 1) {
    const name = cursorString(current, stream, 'segment');
    index = name === null ? 0 : segments.findIndex((s) => s.name === name);
    if (index === -1) throw new CursorError(`${stream} cursor: unknown segment ${JSON.stringify(name)}; segments: ${segments.map((s) => s.name).join(', ')}`);
  }

  const segment = segments[index]!;
  const k = keys(segments, index);
  const page = await readKeysetPage(api, await segment.spec(), {
    since: isoOrNull(current, stream, k.since),
    lastId: cursorString(current, stream, k.lastId),
    nextRecordsUrl: cursorString(current, stream, 'nextRecordsUrl'),
  }, until);
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
