/**
 * Calendar Events → engagement events. An Event is always a rep's (Leadstage creates Tasks only, so
 * there is no Leadstage key to look for): a meeting → meeting_booked, dated when it was put in the
 * calendar (CreatedDate: the booking is the touch, as with meetings in other CRMs); an Event of Type Call →
 * sales_call, dated when it started if it was logged afterwards, and when it was put in the calendar
 * if it was arranged ahead (the connector cannot see whether a call planned for later took place).
 * Event ids are stable (`sf-event-<id>`) so re-syncs add nothing.
 */
import type { EngagementEvent, EventType } from '../../../src/model/event';
import type { PulledEvent } from '../../../src/connector/crm-connector';
import type { SfRecord } from '../salesforce-api.types';
import { dateOnlyToIso, fieldValue, objectTypeOfId, stringValue, toIsoDateTime } from './sf-record.util';

/** The fields an Event pull selects (`Id`, `SystemModstamp`, `WhoId` required; the rest where the org has them). */
export const EVENT_FIELDS = [
  'Id', 'WhoId', 'Subject', 'Type', 'ActivityDateTime', 'StartDateTime', 'EndDateTime', 'DurationInMinutes', 'IsAllDayEvent',
  'ActivityDate', 'OwnerId', 'CreatedDate', 'SystemModstamp',
] as const;

const truthy = (value: unknown) => value === true || value === 'true';

function clean(values: Record<string, string | number | null | undefined>): EngagementEvent['properties'] {
  const out: EngagementEvent['properties'] = {};
  for (const [k, v] of Object.entries(values)) if (v !== null && v !== undefined && v !== '') out[k] = v;
  return out;
}

/** When the Event starts: its start date-time, or the day of an all-day event (midnight UTC). */
function startOf(event: SfRecord): string | null {
  const at = toIsoDateTime(stringValue(event, 'StartDateTime')) ?? toIsoDateTime(stringValue(event, 'ActivityDateTime'));
  if (at) return at;
  return truthy(fieldValue(event, 'IsAllDayEvent')) ? dateOnlyToIso(stringValue(event, 'ActivityDate')) : null;
}

/** An Event → meeting_booked / sales_call, or null: deleted, or not on a Lead or Contact, or undated. */
export function calendarEventToEvent(event: SfRecord): PulledEvent | null {
  const id = stringValue(event, 'Id');
  const whoId = stringValue(event, 'WhoId');
  const objectType = objectTypeOfId(whoId);
  if (!id || !whoId || !objectType) return null;
  // read through queryAll (archived activities too): an Event a rep deleted is no touch
  if (truthy(fieldValue(event, 'IsDeleted'))) return null;
  const start = startOf(event);
  const created = toIsoDateTime(stringValue(event, 'CreatedDate'));
  const call = (stringValue(event, 'Type') ?? '').trim().toLowerCase() === 'call';
  const type: EventType = call ? 'sales_call' : 'meeting_booked';
  const occurredAt = call
    ? (start && created ? (Date.parse(start) <= Date.parse(created) ? start : created) : start ?? created)
    : created ?? start;
  if (!occurredAt) return null;
  const duration = fieldValue(event, 'DurationInMinutes');
  return {
    who: { crmId: whoId, objectType },
    event: {
      id: `sf-event-${id}`,
      type,
      occurredAt,
      source: 'salesforce',
      properties: clean({
        calendarEventId: id,
        subject: stringValue(event, 'Subject'),
        eventType: stringValue(event, 'Type'),
        startTime: start,
        endTime: toIsoDateTime(stringValue(event, 'EndDateTime')),
        durationMinutes: typeof duration === 'number' ? duration : undefined,
        ownerId: stringValue(event, 'OwnerId'),
      }),
    },
  };
}
