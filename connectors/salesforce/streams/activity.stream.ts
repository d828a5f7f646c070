/**
 * The `campaign_members` and `tasks` streams: engagement events, incrementally on SystemModstamp
 * (`tasks` reads the rep's activities: Tasks, then calendar Events, as two segments of one window,
 * both through queryAll: archived activities are not in `query`)
 * (a member whose status moves to Attended, a task a rep completes, comes back with the new state;
 * event ids keep re-syncs idempotent). The first pull reads the whole history.
 *
 * Events name their person by LeadId / ContactId / WhoId (`who: {crmId, objectType}` by the id
 * prefix). A converted lead's own activity keeps the lead id: the store reaches the contact through
 * the lead identity the `leads` stream joined to it (`formerly`).
 */
import type { PullPage, PulledEvent, StreamCursor } from '../../../src/connector/crm-connector';
import { CAMPAIGN_MEMBER_FIELDS, TASK_FIELDS, campaignMemberToEvent, taskToEvent } from '../mapping/activity-to-event';
import { EVENT_FIELDS, calendarEventToEvent } from '../mapping/event-to-event';
import { pullWindowPage, type WindowSegment } from './incremental-window';
import type { StreamDeps } from './stream-deps';

export async function pullCampaignMembers(deps: StreamDeps, cursor: StreamCursor | null, now: number): Promise<PullPage> {
  const typeField = deps.mappings.campaignEventTypeField;
  const segment: WindowSegment = {
    name: 'CampaignMember',
    spec: async () => {
      const optional = typeField ? [`Campaign.${typeField}`] : [];
      const { fields } = await deps.describes.resolve('CampaignMember', ['Id', 'SystemModstamp', 'Status'], [...CAMPAIGN_MEMBER_FIELDS, ...optional], now);
      return { sobject: 'CampaignMember', fields, includeDeleted: false, batchSize: deps.options.batchSize };
    },
    handle: async (records) => ({
      people: [],
      events: records.map((r) => campaignMemberToEvent(r, deps.mappings)).filter((e): e is PulledEvent => e !== null),
    }),
  };
  return pullWindowPage(deps.api, 'campaign_members', [segment], cursor, now, deps.options.overlapMs);
}

export async function pullTasks(deps: StreamDeps, cursor: StreamCursor | null, now: number): Promise<PullPage> {
  const keyField = deps.mappings.leadstageKeyField;
  let hasKeyField = false;
  const segment: WindowSegment = {
    name: 'Task',
    spec: async () => {
      const optional = keyField ? [keyField] : [];
      const resolved = await deps.describes.resolve('Task', ['Id', 'SystemModstamp', 'WhoId'], [...TASK_FIELDS, 'IsDeleted', ...optional], now);
      // Leadstage's own tasks are told apart by their key field, when the org has it (ensureSchema)
      hasKeyField = keyField !== undefined && resolved.fields.some((f) => f.toLowerCase() === keyField.toLowerCase());
      // queryAll, as for people: `query` leaves out archived activities (over a year old) and deleted ones
      return { sobject: 'Task', fields: resolved.fields, where: ['WhoId != null'], includeDeleted: true, batchSize: deps.options.batchSize };
    },
    handle: async (records) => ({
      people: [],
      events: records.map((r) => taskToEvent(r, deps.mappings, hasKeyField)).filter((e): e is PulledEvent => e !== null),
    }),
  };
  // Events come second: a cursor saved before they were read resumes its Task keyset, and its next
  // window reads the Events from the start (no `EventSince` yet)
  const events: WindowSegment = {
    name: 'Event',
    spec: async () => {
      const resolved = await deps.describes.resolve('Event', ['Id', 'SystemModstamp', 'WhoId'], [...EVENT_FIELDS, 'IsDeleted'], now);
      return { sobject: 'Event', fields: resolved.fields, where: ['WhoId != null'], includeDeleted: true, batchSize: deps.options.batchSize };
    },
    handle: async (records) => ({
      people: [],
      events: records.map(calendarEventToEvent).filter((e): e is PulledEvent => e !== null),
    }),
  };
  return pullWindowPage(deps.api, 'tasks', [segment, events], cursor, now, deps.options.overlapMs);
}
