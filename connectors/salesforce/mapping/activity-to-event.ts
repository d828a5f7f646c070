/**
 * CampaignMembers and Tasks → engagement events, by the rules in the mapping file (data, not
 * branches): a webinar registration or attendance, an event visit, a content download, a
 * fast-track request on a website campaign, an email response; a call or email a rep logged, a
 * meeting. Event ids are stable (`sf-cm-<member>-<status>`, `sf-task-<task>`) so re-syncs add nothing.
 */
import { EVENT_TYPES, type EngagementEvent, type EventType } from '../../../src/model/event';
import type { PulledEvent } from '../../../src/connector/crm-connector';
import type { SfRecord } from '../salesforce-api.types';
import type { SalesforceFieldMappings } from './field-mappings';
import type { CampaignMemberRule, TaskRule } from './mapping-schema';
import { dateOnlyToIso, fieldValue, objectTypeOfId, stringValue, toIsoDateTime } from './sf-record.util';

const SOURCE = 'salesforce';

type Properties = EngagementEvent['properties'];

function clean(values: Record<string, string | number | boolean | null | undefined>): Properties {
  const out: Properties = {};
  for (const [k, v] of Object.entries(values)) if (v !== null && v !== undefined && v !== '') out[k] = v;
  return out;
}

const anyOf = (list: readonly string[] | undefined, value: string | null): boolean =>
  list === undefined || (value !== null && list.some((v) => v.trim().toLowerCase() === value.trim().toLowerCase()));

function slug(text: string): string {
  return text.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'none';
}

const sameUtcDay = (iso: string | null, date: string | null) => iso !== null && date !== null && iso.slice(0, 10) === date.slice(0, 10);

// ---------------------------------------------------------------- campaign members

/** The fields a CampaignMember pull selects (plus `Campaign.<eventTypeField>` when the org has it). */
export const CAMPAIGN_MEMBER_FIELDS = [
  'Id', 'CampaignId', 'LeadId', 'ContactId', 'Status', 'HasResponded', 'FirstRespondedDate', 'CreatedDate', 'LastModifiedDate',
  'SystemModstamp', 'Campaign.Name', 'Campaign.Type',
] as const;

function memberRuleMatches(rule: CampaignMemberRule, type: string | null, status: string | null, responded: boolean, name: string | null): boolean {
  if (!anyOf(rule.campaignType, type)) return false;
  if (!anyOf(rule.status, status)) return false;
  if (rule.responded !== undefined && rule.responded !== responded) return false;
  if (rule.nameMatches !== undefined && !new RegExp(rule.nameMatches, 'i').test(name ?? '')) return false;
  return true;
}

/**
 * When the member reached its status. FirstRespondedDate is a date only, and an SLA that starts at
 * a demo request needs the time: the member's CreatedDate (a web form creates it already responded)
 * or LastModifiedDate (a status change) is taken when it falls on that day, midnight UTC otherwise.
 */
function memberOccurredAt(member: SfRecord, responded: boolean): string | null {
  const created = toIsoDateTime(stringValue(member, 'CreatedDate'));
  const modified = toIsoDateTime(stringValue(member, 'LastModifiedDate'));
  const firstResponded = stringValue(member, 'FirstRespondedDate');
  if (responded && firstResponded) {
    if (sameUtcDay(created, firstResponded)) return created;
    if (sameUtcDay(modified, firstResponded)) return modified;
    return dateOnlyToIso(firstResponded);
  }
  return created ?? modified;
}

export function campaignMemberToEvent(member: SfRecord, mappings: SalesforceFieldMappings): PulledEvent | null {
  const id = stringValue(member, 'Id');
  const contactId = stringValue(member, 'ContactId');
  const leadId = stringValue(member, 'LeadId');
  // a converted lead's member carries both: the contact is the live record
  const whoId = contactId ?? leadId;
  const objectType = objectTypeOfId(whoId) ?? (contactId ? 'contact' : leadId ? 'lead' : null);
  if (!id || !whoId || !objectType) return null;

  const status = stringValue(member, 'Status');
  const responded = fieldValue(member, 'HasResponded') === true || fieldValue(member, 'HasResponded') === 'true';
  const campaignType = stringValue(member, 'Campaign.Type');
  const campaignName = stringValue(member, 'Campaign.Name');
  let type: EventType | undefined;
  const typeField = mappings.campaignEventTypeField;
  const named = typeField ? stringValue(member, `Campaign.${typeField}`) : null;
  if (named && responded && (EVENT_TYPES as readonly string[]).includes(named)) type = named as EventType;
  type ??= mappings.campaignMemberRules.find((rule) => memberRuleMatches(rule, campaignType, status, responded, campaignName))?.event;
  if (!type) return null;

  const occurredAt = memberOccurredAt(member, responded);
  if (!occurredAt) return null;
  const campaignId = stringValue(member, 'CampaignId');
  return {
    who: { crmId: whoId, objectType },
    event: {
      id: `sf-cm-${id}-${slug(status ?? '')}`,
      type,
      occurredAt,
      source: SOURCE,
      properties: clean({
        campaignId: campaignId ?? undefined,
        assetId: campaignId ?? undefined,
        assetTitle: campaignName ?? undefined,
        webinarId: type === 'webinar_registered' || type === 'webinar_attended' ? (campaignId ?? undefined) : undefined,
        campaignType,
        memberStatus: status,
        responded,
        campaignMemberId: id,
      }),
    },
  };
}

// ---------------------------------------------------------------- tasks

/** The fields a Task pull selects (plus the Leadstage key field when the org has it). */
export const TASK_FIELDS = [
  'Id', 'WhoId', 'Subject', 'Type', 'TaskSubtype', 'Status', 'IsClosed', 'ActivityDate', 'CompletedDateTime', 'CreatedDate',
  'OwnerId', 'CallType', 'CallDurationInSeconds', 'CallDisposition', 'SystemModstamp',
] as const;

/** The marker Leadstage puts in the Subject of its Tasks where the org has no key field (write/task-writer.ts). */
const LEADSTAGE_MARKER = /\[LS [0-9a-f]{10}\]/;

function isClosed(task: SfRecord): boolean {
  const closed = fieldValue(task, 'IsClosed');
  if (closed === true || closed === 'true') return true;
  return (stringValue(task, 'Status') ?? '').toLowerCase() === 'completed';
}

function taskRuleMatches(rule: TaskRule, subtype: string | null, type: string | null, closed: boolean): boolean {
  if (rule.taskSubtype !== undefined && !anyOf(rule.taskSubtype, subtype)) return false;
  if (rule.type !== undefined && !anyOf(rule.type, type)) return false;
  return !rule.completedOnly || closed;
}

/**
 * When the touch happened: CompletedDateTime when Salesforce has it; otherwise the moment the rep
 * logged it (CreatedDate), unless the task is dated to an earlier day (a call logged late).
 */
function taskOccurredAt(task: SfRecord): string | null {
  const completed = toIsoDateTime(stringValue(task, 'CompletedDateTime'));
  if (completed) return completed;
  const created = toIsoDateTime(stringValue(task, 'CreatedDate'));
  const activityDate = stringValue(task, 'ActivityDate');
  const activity = activityDate ? dateOnlyToIso(activityDate) : null;
  if (created && activity && activity.slice(0, 10) < created.slice(0, 10)) return activity;
  return created ?? activity;
}

/**
 * A Task → sales_call / sales_email / meeting_booked, or null when it is not a touch: no matching
 * rule, no Lead/Contact to attach it to, or a task Leadstage created (its key field is set) that no
 * rep has completed yet.
 */
export function taskToEvent(task: SfRecord, mappings: SalesforceFieldMappings, hasKeyField: boolean): PulledEvent | null {
  const id = stringValue(task, 'Id');
  const whoId = stringValue(task, 'WhoId');
  const objectType = objectTypeOfId(whoId);
  if (!id || !whoId || !objectType) return null;
  // read through queryAll (archived activities too): a task a rep deleted is no touch
  const deleted = fieldValue(task, 'IsDeleted');
  if (deleted === true || deleted === 'true') return null;
  const closed = isClosed(task);
  const keyField = mappings.leadstageKeyField;
  // Leadstage's own: its key field, or the Subject marker where the org has no key field
  const leadstageKey = (hasKeyField && keyField ? stringValue(task, keyField) : null) ?? LEADSTAGE_MARKER.exec(stringValue(task, 'Subject') ?? '')?.[0] ?? null;
  if (leadstageKey && !closed) return null;

  const subtype = stringValue(task, 'TaskSubtype');
  const type = stringValue(task, 'Type');
  const rule = mappings.taskRules.find((r) => taskRuleMatches(r, subtype, type, closed));
  if (!rule) return null;
  const occurredAt = taskOccurredAt(task);
  if (!occurredAt) return null;
  const duration = fieldValue(task, 'CallDurationInSeconds');
  return {
    who: { crmId: whoId, objectType },
    event: {
      id: `sf-task-${id}`,
      type: rule.event,
      occurredAt,
      source: SOURCE,
      properties: clean({
        taskId: id,
        subject: stringValue(task, 'Subject'),
        taskType: type,
        taskSubtype: subtype,
        status: stringValue(task, 'Status'),
        ownerId: stringValue(task, 'OwnerId'),
        callType: stringValue(task, 'CallType'),
        disposition: stringValue(task, 'CallDisposition'),
        durationSeconds: typeof duration === 'number' ? duration : undefined,
        leadstageKey: leadstageKey ?? undefined,
      }),
    },
  };
}
