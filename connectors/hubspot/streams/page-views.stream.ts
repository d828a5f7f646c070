/**
 * The `page_views` stream: `GET /events/v3/events` (objectType contact, eventType e_visited_page,
 * occurredAfter / occurredBefore exclusive, `after` paging, ascending). A view becomes a page_view
 * with its URL, except a view of a webinar's live room: that is attendance (SPEC.md §3.4 "live
 * content counts most"), one webinar_attended per person, webinar and session however many times
 * the room page was (re)loaded.
 *
 * Cursor: `{since, until, after}` over [since, until); `next: null` once since has reached `now`.
 */
import type { PullPage, PulledEvent, StreamCursor } from '../../../src/connector/crm-connector';
import type { HubSpotHttp } from '../hubspot-http';
import { cursorNumber, cursorString } from '../../../src/connector/shared/cursor.util';

const STREAM = 'page_views';
const PAGE = 500;
export const PAGE_VIEW_EVENT_TYPE = 'e_visited_page';
/** `/webinars/<slug>/live` (also /room, /watch, /attend): the page a webinar is streamed on. */
export const WEBINAR_ROOM = /\/webinars?\/([^/?#]+)\/(?:live|room|watch|attend)(?:[/?#]|$)/i;

export async function pullPageViews(http: HubSpotHttp, cursor: StreamCursor | null, now: number): Promise<PullPage> {
  const since = cursor ? cursorNumber(cursor, STREAM, 'since') : 0;
  const after = cursor ? cursorString(cursor, STREAM, 'after') : null;
  if (after === null && since >= now) return { people: [], events: [], next: null };
  const until = (cursor ? cursorNumber(cursor, STREAM, 'until', true) : null) ?? now;

  const page = await http.sdk('standard', 'GET /events/v3/events', (c) =>
    c.events.eventsApi.getPage('contact', PAGE_VIEW_EVENT_TYPE, after ?? undefined, undefined, PAGE, undefined,
      new Date(since - 1), new Date(until)));
  const events: PulledEvent[] = [];
  const attended = new Set<string>();
  for (const view of page.results) {
    const url = view.properties?.hs_url;
    const contactId = view.objectId;
    if (!url || !contactId) continue;
    const occurredAt = new Date(view.occurredAt).toISOString();
    const who = { crmId: String(contactId), objectType: 'contact' as const };
    const room = WEBINAR_ROOM.exec(url);
    if (room) {
      const webinarId = room[1]!;
      const session = view.properties?.hs_session_id || occurredAt.slice(0, 10);
      const id = `webinar:${contactId}:${webinarId}:${session}`;
      if (attended.has(id)) continue;
      attended.add(id);
      events.push({ who, event: { id, type: 'webinar_attended', occurredAt, source: 'hubspot', properties: { webinarId, url } } });
      continue;
    }
    const properties: Record<string, string> = { url };
    if (view.properties?.hs_title) properties.title = view.properties.hs_title;
    if (view.properties?.hs_session_id) properties.sessionId = view.properties.hs_session_id;
    events.push({ who, event: { id: `pageview:${view.id}`, type: 'page_view', occurredAt, source: 'hubspot', properties } });
  }
  const nextAfter = page.paging?.next?.after;
  const next: StreamCursor = nextAfter ? { since, until, after: nextAfter } : { since: until, until: null, after: null };
  return { people: [], events, next };
}
