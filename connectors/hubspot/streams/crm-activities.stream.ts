/**
 * The `meetings`, `calls` and `emails` streams: CRM search on `hs_lastmodifieddate` in windows (the
 * same windowing as contacts, so a rep editing an old call brings it back with the same event id),
 * plus one v4 associations read per page to find the contacts. A meeting → meeting_booked at the time
 * it was booked (its start time is a property); a call → sales_call at the time it happened; an email
 * a rep sent from the CRM or logged (direction EMAIL) → sales_email at its timestamp. Replies from the
 * contact (INCOMING_EMAIL), forwards, and emails that never went out (scheduled, failed, bounced) are
 * no rep touch; marketing emails are not CRM email objects at all (they are the email_events stream).
 *
 * Cursor: `{since, until, skip, span}`; `next: null` once since has reached `now`.
 */
import type { EngagementEvent, EventType } from '../../../src/model/event';
import type { PullPage, PulledEvent, StreamCursor } from '../../../src/connector/crm-connector';
import type { HubSpotHttp } from '../hubspot-http';
import { readAssociations } from './crm-batch-reads';
import { cursorNumber } from '../../../src/connector/shared/cursor.util';
import { searchModifiedWindow } from './modified-window-search';

const SEARCH_LIMIT = 200;

export type CrmActivityStream = 'meetings' | 'calls' | 'emails';
type Properties = Record<string, string | null | undefined>;

interface ActivityKind {
  objectType: CrmActivityStream;
  eventType: EventType;
  idPrefix: string;
  properties: string[];
  /** When the event happened, from the record's properties. */
  occurredAt(p: Record<string, string | null | undefined>): string | null | undefined;
  describe(p: Record<string, string | null | undefined>): EngagementEvent['properties'];
  /** Whether the record is a rep's touch at all (all meetings and calls are). */
  isTouch?(p: Properties): boolean;
}

/** hs_email_direction of an email a rep sent from HubSpot or logged from their inbox. */
const REP_EMAIL_DIRECTION = 'EMAIL';
/** hs_email_status values of an email that did not reach the contact (none, or SENT, did). */
const UNSENT_EMAIL_STATUSES = new Set(['SCHEDULED', 'SENDING', 'FAILED', 'BOUNCED']);

/** An email a rep sent or logged on the contact, that went out: a touch. */
export function isRepEmail(p: Properties): boolean {
  return p.hs_email_direction === REP_EMAIL_DIRECTION && !UNSENT_EMAIL_STATUSES.has(p.hs_email_status ?? '');
}

const KINDS: Record<CrmActivityStream, ActivityKind> = {
  meetings: {
    objectType: 'meetings',
    eventType: 'meeting_booked',
    idPrefix: 'meeting',
    properties: ['hs_timestamp', 'hs_createdate', 'hs_lastmodifieddate', 'hs_meeting_title', 'hs_meeting_start_time',
      'hs_meeting_end_time', 'hs_meeting_outcome', 'hubspot_owner_id'],
    occurredAt: (p) => p.hs_createdate ?? p.hs_timestamp,
    describe: (p) => clean({ title: p.hs_meeting_title, startTime: p.hs_meeting_start_time ?? p.hs_timestamp,
      outcome: p.hs_meeting_outcome, ownerId: p.hubspot_owner_id }),
  },
  calls: {
    objectType: 'calls',
    eventType: 'sales_call',
    idPrefix: 'call',
    properties: ['hs_timestamp', 'hs_createdate', 'hs_lastmodifieddate', 'hs_call_title', 'hs_call_direction',
      'hs_call_duration', 'hs_call_disposition', 'hs_call_status', 'hubspot_owner_id'],
    occurredAt: (p) => p.hs_timestamp ?? p.hs_createdate,
    describe: (p) => {
      const duration = p.hs_call_duration ? Number(p.hs_call_duration) : NaN;
      return clean({ title: p.hs_call_title, direction: p.hs_call_direction, disposition: p.hs_call_disposition,
        status: p.hs_call_status, ownerId: p.hubspot_owner_id, ...(Number.isFinite(duration) ? { durationMs: duration } : {}) });
    },
  },
  emails: {
    objectType: 'emails',
    eventType: 'sales_email',
    idPrefix: 'email',
    // the subject is redacted (null) without the sales-email-read scope: the touch is read without it
    properties: ['hs_timestamp', 'hs_createdate', 'hs_lastmodifieddate', 'hs_email_direction', 'hs_email_status',
      'hs_email_subject', 'hubspot_owner_id'],
    occurredAt: (p) => p.hs_timestamp ?? p.hs_createdate,
    describe: (p) => clean({ subject: p.hs_email_subject, direction: p.hs_email_direction, status: p.hs_email_status, ownerId: p.hubspot_owner_id }),
    isTouch: isRepEmail,
  },
};

function clean(values: Record<string, string | number | null | undefined>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(values)) if (v !== null && v !== undefined && v !== '') out[k] = v;
  return out;
}

interface ActivityRecord {
  id: string;
  properties: Record<string, string | null | undefined>;
}

export async function pullCrmActivities(
  http: HubSpotHttp,
  stream: CrmActivityStream,
  cursor: StreamCursor | null,
  now: number,
): Promise<PullPage> {
  const kind = KINDS[stream];
  const step = await searchModifiedWindow<ActivityRecord>({
    stream,
    cursor: cursor
      ? { since: cursorNumber(cursor, stream, 'since'), until: cursorNumber(cursor, stream, 'until', true),
          skip: cursorNumber(cursor, stream, 'skip', true) ?? 0, span: cursorNumber(cursor, stream, 'span', true) }
      : { since: 0, until: null, skip: 0, span: null },
    now,
    limit: SEARCH_LIMIT,
    modifiedAt: (r) => Date.parse(r.properties.hs_lastmodifieddate ?? ''),
    search: async ({ from, to, after, limit }) => {
      const request = {
        filterGroups: [{
          filters: [
            { propertyName: 'hs_lastmodifieddate', operator: 'GTE' as never, value: String(from) },
            { propertyName: 'hs_lastmodifieddate', operator: 'LT' as never, value: String(to) },
          ],
        }],
        sorts: ['hs_lastmodifieddate'],
        properties: kind.properties,
        limit,
        after: String(after),
      };
      const response = await http.sdk('search', `POST /crm/v3/objects/${stream}/search`, (c) =>
        stream === 'meetings' ? c.crm.objects.meetings.searchApi.doSearch(request)
          : stream === 'calls' ? c.crm.objects.calls.searchApi.doSearch(request)
            : c.crm.objects.emails.searchApi.doSearch(request));
      return { total: response.total, results: response.results.map((r) => ({ id: r.id, properties: r.properties })) };
    },
  });
  const next: StreamCursor | null = step.next && { since: step.next.since, until: step.next.until, skip: step.next.skip, span: step.next.span };
  // an incoming reply or a scheduled email is no touch: not even its associations are read
  const touches = kind.isTouch ? step.results.filter((r) => kind.isTouch!(r.properties)) : step.results;
  if (touches.length === 0) return { people: [], events: [], next };

  const contacts = await readAssociations(http, stream, 'contacts', touches.map((r) => r.id));
  const events: PulledEvent[] = [];
  for (const record of touches) {
    const at = kind.occurredAt(record.properties);
    const ms = at ? Date.parse(at) : NaN;
    if (Number.isNaN(ms)) continue;
    for (const contactId of contacts.get(record.id) ?? []) {
      events.push({
        who: { crmId: contactId, objectType: 'contact' },
        event: {
          id: `${kind.idPrefix}:${record.id}:${contactId}`,
          type: kind.eventType,
          occurredAt: new Date(ms).toISOString(),
          source: 'hubspot',
          properties: { ...kind.describe(record.properties), [`${kind.idPrefix}Id`]: record.id },
        },
      });
    }
  }
  return { people: [], events, next };
}
