/**
 * The `email_events` stream: marketing email events in time windows, `GET /email/public/v1/events`
 * with startTimestamp / endTimestamp (inclusive, ms) and the opaque `offset` for the next page.
 * OPEN → email_open, CLICK → email_click (url), hard BOUNCE → hard_bounce, an unsubscribe
 * STATUSCHANGE → unsubscribe, SPAMREPORT → spam_complaint; the rest (SENT, DELIVERED, soft bounces…)
 * carries no intent and is dropped.
 *
 * Cursor: `{since, until, offset}` over [since, until); `next: null` once since has reached `now`.
 */
import type { EngagementEvent, EventType } from '../../../src/model/event';
import type { PullPage, PulledEvent, StreamCursor } from '../../../src/connector/crm-connector';
import type { HubSpotHttp } from '../hubspot-http';
import { cursorNumber, cursorString } from '../../../src/connector/shared/cursor.util';

const STREAM = 'email_events';
const PAGE = 1000;
/** Bounce categories that mean the address is gone for good (soft ones retry on HubSpot's side). */
const HARD_BOUNCES = new Set(['UNKNOWN_USER', 'HARD_BOUNCE', 'MAILBOX_MISCONFIGURATION', 'DOMAIN_NOT_FOUND']);

interface EmailEvent {
  id?: string;
  created?: number;
  type?: string;
  recipient?: string;
  emailCampaignId?: number;
  subject?: string;
  url?: string;
  category?: string;
  portalSubscriptionStatus?: string;
  subscriptions?: { status?: string }[];
  changes?: { change?: string }[];
}

interface EmailEventsResponse {
  hasMore?: boolean;
  offset?: string;
  events?: EmailEvent[];
}

function unsubscribed(e: EmailEvent): boolean {
  return e.portalSubscriptionStatus === 'UNSUBSCRIBED' || (e.subscriptions ?? []).some((s) => s.status === 'UNSUBSCRIBED')
    || (e.changes ?? []).some((c) => c.change === 'UNSUBSCRIBED');
}

function eventType(e: EmailEvent): EventType | null {
  switch (e.type) {
    case 'OPEN':
      return 'email_open';
    case 'CLICK':
      return 'email_click';
    case 'BOUNCE':
      return HARD_BOUNCES.has(e.category ?? '') ? 'hard_bounce' : null;
    case 'STATUSCHANGE':
      return unsubscribed(e) ? 'unsubscribe' : null;
    case 'SPAMREPORT':
      return 'spam_complaint';
    default:
      return null;
  }
}

export async function pullEmailEvents(http: HubSpotHttp, cursor: StreamCursor | null, now: number): Promise<PullPage> {
  const since = cursor ? cursorNumber(cursor, STREAM, 'since') : 0;
  const offset = cursor ? cursorString(cursor, STREAM, 'offset') : null;
  if (offset === null && since >= now) return { people: [], events: [], next: null };
  const until = (cursor ? cursorNumber(cursor, STREAM, 'until', true) : null) ?? now;

  const response = await http.json<EmailEventsResponse>('standard', 'GET /email/public/v1/events', {
    method: 'GET',
    path: '/email/public/v1/events',
    qs: { startTimestamp: String(since), endTimestamp: String(until - 1), limit: String(PAGE), ...(offset ? { offset } : {}) },
  });
  const events: PulledEvent[] = [];
  for (const e of response.events ?? []) {
    const type = eventType(e);
    const email = e.recipient?.trim().toLowerCase();
    if (!type || !email || !e.id || typeof e.created !== 'number') continue;
    const properties: EngagementEvent['properties'] = {};
    if (e.emailCampaignId !== undefined) properties.campaignId = String(e.emailCampaignId);
    if (e.subject) properties.subject = e.subject;
    if (type === 'email_click' && e.url) properties.url = e.url;
    if (type === 'hard_bounce' && e.category) properties.bounceCategory = e.category;
    events.push({
      who: { email },
      event: { id: `email:${e.id}`, type, occurredAt: new Date(e.created).toISOString(), source: 'hubspot', properties },
    });
  }
  const next: StreamCursor = response.hasMore && response.offset
    ? { since, until, offset: response.offset }
    : { since: until, until: null, offset: null };
  return { people: [], events, next };
}
