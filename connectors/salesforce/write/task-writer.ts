/**
 * `createTasks()`: rep follow-up Tasks, idempotent by key, one outcome per input in input order.
 *
 * Each Task carries its handoff key in `Leadstage_Key__c` (Text 80, External ID, unique). Per batch
 * of ≤200: one query finds the keys that already exist (a retry after a lost response finds its
 * Task), then one `POST /composite/sobjects` creates only the missing ones. Should two workers race,
 * the unique key refuses the second create with DUPLICATE_VALUE, and a re-query answers with the
 * first Task's id: a retry never creates a second Task.
 *
 * Owner: the record's owner read fresh (one query per object), not the pulled one. A Lead still in a
 * queue (00G…) is handed to the org's lead assignment rule first (an update with
 * `Sforce-Auto-Assign: TRUE`, the same handoff the record writer makes when the Lead becomes SQL;
 * whichever runs first assigns, the other then sees a user owner), and its new user owner gets the
 * Task. If the rule leaves it in a queue, OwnerId is left unset (Tasks cannot be owned by a queue in
 * most orgs): the Task belongs to the connected user, and its description names the queue. An
 * inactive owner is refused by Salesforce (INACTIVE_OWNER_OR_USER): that Task is created again
 * without OwnerId rather than lost.
 */
import type { CrmTask, TaskOutcome } from '../../../src/connector/crm-connector';
import { DailyQuotaExhaustedError } from '../../../src/rate-limit/daily-quota-exhausted-error';
import { SalesforceApiError, refusesCredentials } from '../salesforce-api-error';
import type { SalesforceApi, SfRecord, SfRecordWrite, SfSaveResult } from '../salesforce-api.types';
import { TASK_KEY_FIELD } from '../schema/leadstage-fields.constant';
import { currentOwners, isQueueId, isUserId } from './record-owners';
import { COLLECTION_LIMIT, recordOutcome } from './record-writer';
import { soqlLiteral } from './soql-literal.util';

const SUBJECT_LIMIT = 255;
/** Task.Description is a 32,000-character text area. */
const DESCRIPTION_LIMIT = 32_000;
const KEY_LIMIT = TASK_KEY_FIELD.length ?? 80;
/** Task keys per lookup query: 100 keys of up to 80 characters, URL-encoded, stay well under 16 KB. */
const KEYS_PER_QUERY = 100;
const PRIORITY = { high: 'High', medium: 'Normal', low: 'Low' } as const;
const SUBTYPE = { call: 'Call', email: 'Email', todo: 'Task' } as const;
const SOBJECT = { lead: 'Lead', contact: 'Contact' } as const;

type Outcome = { status: 'ok'; crmTaskId: string } | { status: 'retry'; error: string } | { status: 'failed'; code: string; error: string };

export interface TaskWriterLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
}

export class TaskWriter {
  constructor(
    private readonly api: Pick<SalesforceApi, 'query' | 'queryMore' | 'createRecords' | 'updateRecords'>,
    private readonly logger?: TaskWriterLogger,
  ) {}

  async createTasks(tasks: readonly CrmTask[]): Promise<TaskOutcome[]> {
    const byKey = new Map<string, Outcome>();
    const unique: CrmTask[] = [];
    const seen = new Set<string>();
    for (const task of tasks) {
      if (seen.has(task.key)) continue;
      seen.add(task.key);
      const invalid = validate(task);
      if (invalid) byKey.set(task.key, invalid);
      else unique.push(task);
    }
    for (let i = 0; i < unique.length; i += COLLECTION_LIMIT) {
      const batch = unique.slice(i, i + COLLECTION_LIMIT);
      const existing = await this.findExisting(batch.map((t) => t.key));
      for (const [key, id] of existing) byKey.set(key, { status: 'ok', crmTaskId: id });
      const missing = batch.filter((t) => !existing.has(t.key));
      if (missing.length > 0) for (const [key, outcome] of await this.create(missing)) byKey.set(key, outcome);
    }
    return tasks.map((task) => ({ key: task.key, ...(byKey.get(task.key) ?? { status: 'retry', error: `task ${task.key}: no outcome` }) }));
  }

  /** key → Task id for the keys that exist (deleted Tasks too with `includeDeleted`: a rep deleted it on purpose). */
  private async findExisting(keys: readonly string[], includeDeleted = false): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (keys.length === 0) return found;
    const field = TASK_KEY_FIELD.name;
    // the query travels in a GET URL, which Salesforce caps at 16 KB: keys go in chunks
    for (let start = 0; start < keys.length; start += KEYS_PER_QUERY) {
      const chunk = keys.slice(start, start + KEYS_PER_QUERY);
      let page = await this.api.query<SfRecord & { Id: string }>(
        `SELECT Id, ${field} FROM Task WHERE ${field} IN (${chunk.map(soqlLiteral).join(', ')})`,
        includeDeleted ? { includeDeleted: true } : {},
      );
      for (;;) {
        for (const record of page.records) {
          const key = record[field];
          if (typeof key === 'string' && !found.has(key)) found.set(key, record.Id);
        }
        if (page.done || !page.nextRecordsUrl) break;
        page = await this.api.queryMore(page.nextRecordsUrl);
      }
    }
    return found;
  }

  private async create(batch: readonly CrmTask[]): Promise<Map<string, Outcome>> {
    const owners = await this.owners(batch);
    const records = batch.map((task) => toTaskRecord(task, owners.get(task.key) ?? { ownerId: null, queueId: null }));
    const out = new Map<string, Outcome>();
    const results = await this.createRecords(records);
    const duplicates: string[] = [];
    const ownerless: number[] = [];
    batch.forEach((task, i) => {
      const result = results[i];
      if (result?.errors.some((e) => e.statusCode === 'DUPLICATE_VALUE')) duplicates.push(task.key);
      else if (result?.errors.some((e) => e.statusCode === 'INACTIVE_OWNER_OR_USER') && records[i]!.fields.OwnerId) ownerless.push(i);
      else out.set(task.key, taskOutcome(task, result));
    });

    if (ownerless.length > 0) {
      const retried = ownerless.map((i) => ({ ...records[i]!, fields: withoutOwner(records[i]!.fields) }));
      const again = await this.createRecords(retried);
      ownerless.forEach((i, j) => {
        const task = batch[i]!;
        if (again[j]?.errors.some((e) => e.statusCode === 'DUPLICATE_VALUE')) duplicates.push(task.key);
        else out.set(task.key, taskOutcome(task, again[j]));
      });
    }

    if (duplicates.length > 0) {
      // another worker created it between our query and our create: its Task is ours
      const existing = await this.findExisting(duplicates, true);
      for (const key of duplicates) {
        const id = existing.get(key);
        out.set(key, id ? { status: 'ok', crmTaskId: id } : { status: 'retry', error: `task ${key}: Salesforce reported a duplicate key but no Task carries it yet` });
      }
    }
    return out;
  }

  private async createRecords(records: readonly SfRecordWrite[]): Promise<SfSaveResult[]> {
    try {
      return await this.api.createRecords(records);
    } catch (error) {
      if (error instanceof DailyQuotaExhaustedError || !(error instanceof SalesforceApiError) || error.retryable || refusesCredentials(error)) throw error;
      // a whole-call refusal (a malformed request): every Task of the call reports it
      return records.map(() => ({ id: null, success: false, errors: [{ statusCode: error.errorCode, message: error.message }] }));
    }
  }

  /** Per task: the user who should own it (fresh), or the queue that still owns its Lead. */
  private async owners(batch: readonly CrmTask[]): Promise<Map<string, { ownerId: string | null; queueId: string | null }>> {
    const out = new Map<string, { ownerId: string | null; queueId: string | null }>();
    const current = new Map<string, string | null>();
    for (const objectType of ['lead', 'contact'] as const) {
      const ids = batch.filter((t) => t.objectType === objectType).map((t) => t.crmId);
      if (ids.length === 0) continue;
      for (const [id, owner] of await currentOwners(this.api, SOBJECT[objectType], ids)) current.set(id, owner);
    }
    const queued = batch.filter((t) => t.objectType === 'lead' && isQueueId(current.get(t.crmId) ?? t.ownerId));
    if (queued.length > 0) {
      for (const [id, owner] of await this.assignFromQueue(queued, current)) current.set(id, owner);
    }
    for (const task of batch) {
      const owner = current.has(task.crmId) ? current.get(task.crmId)! : task.ownerId;
      out.set(task.key, isUserId(owner) ? { ownerId: owner, queueId: null } : { ownerId: null, queueId: isQueueId(owner) ? owner : null });
    }
    return out;
  }

  /** Runs the org's lead assignment rule on queue-owned Leads, then reads their owners again. */
  private async assignFromQueue(leads: readonly CrmTask[], current: ReadonlyMap<string, string | null>): Promise<Map<string, string | null>> {
    const ids = [...new Set(leads.map((t) => t.crmId))];
    try {
      // OwnerId set to the queue it already is: a change-free update that lets the rule run
      const results = await this.api.updateRecords(
        ids.map((id) => ({ type: 'Lead', id, fields: { OwnerId: current.get(id) ?? leads.find((t) => t.crmId === id)!.ownerId } })),
        { autoAssign: true },
      );
      results.forEach((r, i) => {
        if (!r.success) this.logger?.warn('Salesforce lead assignment rule did not run for a queue-owned Lead', { crmId: ids[i], errors: r.errors.map((e) => e.statusCode) });
      });
    } catch (error) {
      if (error instanceof DailyQuotaExhaustedError || !(error instanceof SalesforceApiError) || error.retryable || refusesCredentials(error)) throw error;
      this.logger?.warn('Salesforce lead assignment for queue-owned Leads refused; their Tasks go to the connected user', { error: error.message });
    }
    return currentOwners(this.api, 'Lead', ids);
  }
}

function validate(task: CrmTask): Outcome | null {
  if (task.objectType !== 'lead' && task.objectType !== 'contact') {
    return { status: 'failed', code: 'UNSUPPORTED_OBJECT_TYPE', error: `task ${task.key}: Salesforce Tasks attach to Leads and Contacts, not ${String(task.objectType)} records` };
  }
  if (Number.isNaN(Date.parse(task.dueAt))) return { status: 'failed', code: 'INVALID_DUE_AT', error: `task ${task.key}: dueAt "${task.dueAt}" is not an ISO 8601 time` };
  if (task.key === '' || task.key.length > KEY_LIMIT) {
    return { status: 'failed', code: 'INVALID_KEY', error: `task key "${task.key.slice(0, 100)}" must be 1-${KEY_LIMIT} characters (Task.${TASK_KEY_FIELD.name})` };
  }
  return null;
}

function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function withoutOwner(fields: SfRecordWrite['fields']): SfRecordWrite['fields'] {
  const { OwnerId: _dropped, ...rest } = fields;
  return rest;
}

export function toTaskRecord(task: CrmTask, owner: { ownerId: string | null; queueId: string | null }): SfRecordWrite {
  const due = new Date(Date.parse(task.dueAt));
  const body = owner.queueId ? `${task.body.trimEnd()}\n\n(The ${task.objectType} is owned by queue ${owner.queueId}.)` : task.body;
  return {
    type: 'Task',
    fields: {
      WhoId: task.crmId,
      ...(owner.ownerId ? { OwnerId: owner.ownerId } : {}),
      Subject: cut(task.subject, SUBJECT_LIMIT),
      Description: cut(body, DESCRIPTION_LIMIT),
      // a date stored as UTC midnight: the UTC date of the due time, never shifted for time zones
      ActivityDate: due.toISOString().slice(0, 10),
      IsReminderSet: true,
      ReminderDateTime: due.toISOString(),
      Priority: PRIORITY[task.priority],
      TaskSubtype: SUBTYPE[task.type],
      Status: 'Not Started',
      [TASK_KEY_FIELD.name]: task.key,
    },
  };
}

function taskOutcome(task: CrmTask, result: SfSaveResult | undefined): Outcome {
  if (result?.success && result.id) return { status: 'ok', crmTaskId: result.id };
  const outcome = recordOutcome(`Task ${task.key} (${task.objectType} ${task.crmId})`, result);
  if (outcome.status === 'ok') return { status: 'retry', error: `task ${task.key}: created without an id` };
  return outcome;
}
