/**
 * Salesforce calendar Events as rep touches: the mapping (meeting → meeting_booked when it was put in
 * the calendar; Type Call → sales_call when it happened, or when it was arranged if it lies ahead;
 * deleted, undated and non-person Events skipped) and the `tasks` stream reading Events as the
 * second segment of its window (same keyset, queryAll, `WhoId != null`), after the Tasks.
 */
import { salesforceMappings } from '../../connectors/salesforce/mapping';
import { calendarEventToEvent, EVENT_FIELDS } from '../../connectors/salesforce/mapping/event-to-event';
import type { SfRecord } from '../../connectors/salesforce/salesforce-api.types';
import { pullStream } from '../../connectors/salesforce/streams';
import { FakeSalesforceApi } from '../helpers/fake-salesforce-api';

const NOW = Date.parse('2026-11-27T12:00:00.000Z');
const NOW_ISO = '2026-11-27T12:00:00.000Z';
const sf = (iso: string) => iso.replace('Z', '+0000');
const leadId = (n: number) => `00Q${String(n).padStart(15, '0')}`;
const contactId = (n: number) => `003${String(n).padStart(15, '0')}`;
const mappings = salesforceMappings();

function calendarEvent(id: string, extra: Partial<SfRecord> = {}): SfRecord {
  return {
    Id: id, WhoId: leadId(1), Subject: 'Product demo', Type: 'Meeting', ActivityDateTime: sf('2026-11-24T15:00:00.000Z'),
    StartDateTime: sf('2026-11-24T15:00:00.000Z'), EndDateTime: sf('2026-11-24T15:45:00.000Z'), DurationInMinutes: 45, IsAllDayEvent: false,
    ActivityDate: '2026-11-24', OwnerId: '005000000000000003', CreatedDate: sf('2026-11-20T09:15:00.000Z'), IsDeleted: false,
    SystemModstamp: sf('2026-11-20T09:15:00.000Z'), ...extra,
  };
}

describe('calendarEventToEvent', () => {
  it('maps a meeting booked ahead to meeting_booked when it was put in the calendar, with its times', () => {
    expect(calendarEventToEvent(calendarEvent('00U1'))).toEqual({
      who: { crmId: leadId(1), objectType: 'lead' },
      event: {
        id: 'sf-event-00U1', type: 'meeting_booked', occurredAt: '2026-11-20T09:15:00.000Z', source: 'salesforce',
        properties: { calendarEventId: '00U1', subject: 'Product demo', eventType: 'Meeting', startTime: '2026-11-24T15:00:00.000Z',
          endTime: '2026-11-24T15:45:00.000Z', durationMinutes: 45, ownerId: '005000000000000003' },
      },
    });
  });

  it('maps a call logged after it happened to sales_call at its start, on a contact', () => {
    const logged = calendarEvent('00U2', { Type: 'Call', WhoId: contactId(2), StartDateTime: sf('2026-11-20T08:30:00.000Z'), ActivityDateTime: sf('2026-11-20T08:30:00.000Z') });
    expect(calendarEventToEvent(logged)).toMatchObject({ who: { crmId: contactId(2), objectType: 'contact' }, event: { type: 'sales_call', occurredAt: '2026-11-20T08:30:00.000Z' } });
  });

  it('dates a call arranged for later when it was arranged', () => {
    expect(calendarEventToEvent(calendarEvent('00U3', { Type: 'call ' }))).toMatchObject({ event: { type: 'sales_call', occurredAt: '2026-11-20T09:15:00.000Z' } });
  });

  it('reads the start of an all-day event from its day', () => {
    const allDay = calendarEvent('00U4', { Type: 'Call', IsAllDayEvent: true, StartDateTime: null, ActivityDateTime: null, ActivityDate: '2026-11-19' });
    expect(calendarEventToEvent(allDay)).toMatchObject({ event: { type: 'sales_call', occurredAt: '2026-11-19T00:00:00.000Z', properties: { startTime: '2026-11-19T00:00:00.000Z' } } });
  });

  it('skips deleted Events, Events on no lead or contact, and undated ones', () => {
    expect(calendarEventToEvent(calendarEvent('00U5', { IsDeleted: true }))).toBeNull();
    expect(calendarEventToEvent(calendarEvent('00U6', { WhoId: null }))).toBeNull();
    expect(calendarEventToEvent(calendarEvent('00U7', { WhoId: '001000000000000001' }))).toBeNull();
    expect(calendarEventToEvent(calendarEvent('00U8', { CreatedDate: null, StartDateTime: null, ActivityDateTime: null }))).toBeNull();
  });
});

describe('tasks stream: Events after Tasks in one window', () => {
  const TASK_FIELDS = ['Id', 'WhoId', 'Subject', 'Type', 'TaskSubtype', 'Status', 'IsClosed', 'ActivityDate', 'CompletedDateTime', 'CreatedDate', 'OwnerId', 'SystemModstamp', 'IsDeleted'];
  const task: SfRecord = {
    Id: '00T1', WhoId: leadId(1), Subject: 'Call', Type: 'Call', TaskSubtype: 'Call', Status: 'Completed', IsClosed: true, ActivityDate: '2026-11-20',
    CompletedDateTime: sf('2026-11-20T09:00:00.000Z'), CreatedDate: sf('2026-11-20T09:00:00.000Z'), OwnerId: '005000000000000003',
    SystemModstamp: sf('2026-11-20T09:00:00.000Z'), IsDeleted: false,
  };
  const fake = () => new FakeSalesforceApi()
    .table('Task', [task], TASK_FIELDS, { IsClosed: 'boolean', IsDeleted: 'boolean' })
    .table('Event', [calendarEvent('00U1'), calendarEvent('00U2', { Type: 'Call', IsDeleted: true, SystemModstamp: sf('2026-11-21T00:00:00.000Z') })],
      [...EVENT_FIELDS, 'IsDeleted'], { DurationInMinutes: 'int', IsAllDayEvent: 'boolean', IsDeleted: 'boolean' });

  it('reads the Tasks, then the Events with the same keyset and window, through queryAll', async () => {
    const api = fake();
    const first = await pullStream(api, mappings, 'tasks', null, { now: NOW });
    expect(first.events.map((e) => e.event.id)).toEqual(['sf-task-00T1']);
    expect(first.more).toBe(true);
    expect(first.next).toMatchObject({ segment: 'Event', until: NOW_ISO, since: '2026-11-20T09:00:00.000Z', lastId: '00T1' });

    const second = await pullStream(api, mappings, 'tasks', first.next, { now: NOW });
    expect(api.soql[1]).toMatch(new RegExp(`^SELECT Id, SystemModstamp, WhoId, Subject, Type, .*IsDeleted FROM Event WHERE SystemModstamp <= ${NOW_ISO} AND WhoId != null ORDER BY SystemModstamp, Id$`));
    expect(api.calls.filter((c) => c === 'queryAll')).toHaveLength(2);
    // the deleted one is read (queryAll) and is no touch
    expect(second.events.map((e) => [e.event.id, e.event.type])).toEqual([['sf-event-00U1', 'meeting_booked']]);
    expect(second.more).toBe(false);
    expect(second.next).toMatchObject({ caughtUpAt: NOW_ISO, until: null, segment: null, EventSince: '2026-11-21T00:00:00.000Z', EventLastId: '00U2' });
  });

  it('resumes a cursor saved before Events were read: the next window reads them from the start', async () => {
    const api = fake();
    const saved = { phase: 'incremental', since: '2026-11-20T09:00:00.000Z', lastId: '00T1', until: null, nextRecordsUrl: null, caughtUpAt: '2026-11-26T00:00:00.000Z' };
    const first = await pullStream(api, mappings, 'tasks', saved, { now: NOW });
    expect(first.next).toMatchObject({ segment: 'Event' });
    const second = await pullStream(api, mappings, 'tasks', first.next, { now: NOW });
    expect(api.soql[1]).toMatch(/FROM Event WHERE SystemModstamp <= \S+ AND WhoId != null ORDER BY/);
    expect(second.events.map((e) => e.event.id)).toEqual(['sf-event-00U1']);
  });
});
