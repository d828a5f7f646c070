/**
 * `createTasks()`: rep follow-up Tasks, idempotent by key, one outcome per input in input order.
 *
 * **Idempotency.** Where the org has it (and the connected user may write it), each Task carries its
 * handoff key in `Leadstage_Key__c` (Text 80, External ID, unique): per batch of ≤200, one lookup finds
 * the keys that already exist, then one `POST /composite/sobjects` creates only the missing ones; two
 * workers racing get DUPLICATE_VALUE for the second create, and a re-query answers with the first
 * Task's id. Where the org has no such field (it refuses a unique field on Activity, the user may not
 * create or see it), the key travels in the Subject as a short marker (`[LS 1a2b3c4d5e]`, a hash of
 * the key), and the lookup before each create reads the Tasks of the same Leads and Contacts whose
 * Subject carries one; that is not proof against two workers racing (nothing in the org is unique),
 * which the tasks job's per-installation de-duplication covers. Lookups use `queryAll`: a Task that
 * was archived (activities over a year old) or deleted by a rep still counts as made.
 *
 * **Fields from the org.** Status is the mapping's (`tasks.create.status`) or the org's default Task
 * Status (describe), never a fixed "Not Started" the org may not have; TaskSubtype and Type come from
 * the mapping per kind (a to-do is Task or Call: Email would show it as an email already sent), each
 * sent only when the org's picklist has it. What the org lacks is left out and reported.
 *
 * **Owner.** The record's owner read fresh (one query per object), not the pulled one. A Lead still in
 * a queue (00G…) keeps it: the Task belongs to the connected user and its description names the queue
 * (Tasks cannot be owned by a queue in most orgs). Only when the mapping turns it on
 * (`tasks.create.assignQueueOwnedLeads`) is the Lead first handed to the org's lead assignment rule (an
 * update with `Sforce-Auto-Assign: TRUE`) and its new user owner given the Task. Every other request
 * says FALSE, so no write of Leadstage's re-runs assignment rules. An inactive owner is refused by
 * Salesforce (INACTIVE_OWNER_OR_USER): that Task is created again without OwnerId rather than lost.
 */
import { createHash } from 'node:crypto';
import type { CrmTask, TaskOutcome } from '../../../src/connector/crm-connector';
import { DailyQuotaExhaustedError } from '../../../src/rate-limit/daily-quota-exhausted-error';
import type { TaskCreateConfig } from '../mapping/mapping-schema';
import type { ProblemLog } from '../problems';
import { SalesforceApiError, refusesCredentials } from '../salesforce-api-error';
import type { SalesforceApi, SfFieldDescribe, SfRecord, SfRecordWrite, SfSaveResult } from '../salesforce-api.types';
import { TASK_KEY_FIELD } from '../schema/leadstage-fields.constant';
import type { OrgSchema } from '../schema/org-schema';
import type { WritableFields } from '../schema/writable-fields';
import { currentOwners, isQueueId, isUserId } from './record-owners';
import { COLLECTION_LIMIT, recordOutcome } from './record-writer';
import { inListQueries, soqlLiteral } from './soql-literal.util';

const SUBJECT_LIMIT = 255;
/** Task.Description is a 32,000-character text area. */
const DESCRIPTION_LIMIT = 32_000;
const KEY_LIMIT = TASK_KEY_FIELD.length ?? 80;
/** Task keys per lookup query at most (fewer when their URL-encoded length needs it). */
const KEYS_PER_QUERY = 100;
/** Leads/Contacts per marker lookup (18-character ids). */
const WHO_PER_QUERY = 200;
const PRIORITY = { high: 'High', medium: 'Normal', low: 'Low' } as const;
const SOBJECT = { lead: 'Lead', contact: 'Contact' } as const;
/** The mapping's defaults when it names none: a to-do is a Task or a Call, never an Email (a sent email). */
const DEFAULT_SUBTYPE = { call: 'Call', email: 'Task', todo: 'Task' } as const;
/** `[LS 1a2b3c4d5e]`: the key's marker in a Subject when the org has no key field. */
const MARKER = /\[LS ([0-9a-f]{10})\]/;

type Outcome = { status: 'ok'; crmTaskId: string } | { status: 'retry'; error: string } | { status: 'failed'; code: string; error: string };

export interface TaskWriterLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
}

export interface TaskWriterOptions {
  /** Task's describe (Status default, subtype values, the key field), shared with the other writers. */
  schema?: OrgSchema;
  /** `tasks.create` of the mappings (default: subtype per kind, org default status, no assignment). */
  create?: TaskCreateConfig;
  /** The key field's API name (`tasks.leadstageKeyField`; default Leadstage_Key__c). */
  keyField?: string;
  writable?: WritableFields;
  problems?: ProblemLog;
}

/** What the org says about Task, read once per batch from the (cached) describe. */
interface TaskPlan {
  /** The key field when the org has it and the user may write it; null: Subject markers. */
  keyField: string | null;
  status: string | null;
  subtype: (kind: CrmTask['type']) => string | null;
  type: (kind: CrmTask['type']) => string | null;
}

/** The marker of a key: 10 hex characters of its SHA-256, in brackets. */
export function taskMarker(key: string): string {
  return `[LS ${createHash('sha256').update(key).digest('hex').slice(0, 10)}]`;
}

export class TaskWriter {
  private readonly create: TaskCreateConfig;
  private readonly keyFieldName: string;

  constructor(
    private readonly api: Pick<SalesforceApi, 'query' | 'queryMore' | 'createRecords' | 'updateRecords'>,
    private readonly logger?: TaskWriterLogger,
    private readonly options: TaskWriterOptions = {},
  ) {
    this.create = options.create ?? { subtype: {}, type: {}, assignQueueOwnedLeads: false };
    this.keyFieldName = options.keyField ?? TASK_KEY_FIELD.name;
  }

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
    if (unique.length > 0) {
      let plan = await this.plan();
      for (let i = 0; i < unique.length; i += COLLECTION_LIMIT) {
        const batch = unique.slice(i, i + COLLECTION_LIMIT);
        let existing: Map<string, string>;
        try {
          existing = await this.findExisting(plan, batch);
        } catch (error) {
          if (!plan.keyField || !namesField(error, plan.keyField)) throw error;
          plan = this.keyFieldGone(plan);
          existing = await this.findExisting(plan, batch);
        }
        for (const [key, id] of existing) byKey.set(key, { status: 'ok', crmTaskId: id });
        const missing = batch.filter((t) => !existing.has(t.key));
        if (missing.length > 0) for (const [key, outcome] of await this.createMissing(plan, missing)) byKey.set(key, outcome);
        // a create found the key field gone: the next batches use the marker from the start
        if (plan.keyField && this.options.writable && !this.options.writable.isWritable('Task', plan.keyField)) plan = { ...plan, keyField: null };
      }
    }
    return tasks.map((task) => ({ key: task.key, ...(byKey.get(task.key) ?? { status: 'retry', error: `task ${task.key}: no outcome` }) }));
  }

  /** Status, subtype, type and the key field as the org has them. */
  private async plan(): Promise<TaskPlan> {
    const fields = await this.taskFields();
    const fieldOf = (name: string): SfFieldDescribe | undefined => fields?.get(name.toLowerCase());
    /** The org's picklist has the value, and the user may set the field on create. */
    const allows = (field: SfFieldDescribe | undefined, value: string | undefined): boolean => {
      if (value === undefined) return false;
      // no describe (a writer without the org's schema): send what the mapping says
      if (fields === null) return true;
      if (!field || !field.createable) return false;
      const values = field.picklistValues ?? [];
      return values.length === 0 || values.some((v) => v.active && v.value.toLowerCase() === value.toLowerCase());
    };

    const statusField = fieldOf('Status');
    let status: string | null = null;
    if (this.create.status !== undefined && allows(statusField, this.create.status)) status = this.create.status;
    else {
      if (this.create.status !== undefined) {
        this.options.problems?.report({
          key: `task-status:${this.create.status.toLowerCase()}`,
          code: 'TASK_STATUS_VALUE_MISSING',
          message: `The mapping makes Leadstage's Tasks with Status "${this.create.status}", which is not an active Task Status in this org; they get the org's default status instead.`,
          fix: `Add "${this.create.status}" to the Task Status picklist (Setup → Object Manager → Task → Fields & Relationships → Status → Values → New), or change tasks.create.status on Leadstage's mapping page.`,
          details: { status: this.create.status },
        });
      }
      // the org's default; none in the describe: Salesforce applies its default when Status is left out
      status = statusField?.picklistValues?.find((v) => v.active && v.defaultValue)?.value ?? null;
    }

    const subtypeField = fieldOf('TaskSubtype');
    const typeField = fieldOf('Type');
    const keyField = this.usableKeyField(fields);
    return {
      keyField,
      status,
      subtype: (kind) => {
        const value = this.create.subtype[kind] ?? DEFAULT_SUBTYPE[kind];
        return allows(subtypeField, value) ? value : null;
      },
      type: (kind) => {
        const value = this.create.type[kind];
        return allows(typeField, value) ? (value ?? null) : null;
      },
    };
  }

  /** Task's fields by lower-cased name, or null when this transport cannot describe (tests). */
  private async taskFields(): Promise<Map<string, SfFieldDescribe> | null> {
    if (this.options.schema) return new Map((await this.options.schema.describe('Task')).fields.map((f) => [f.name.toLowerCase(), f]));
    return null;
  }

  /** The key field when Task has it and the connected user may create it; otherwise Subject markers (reported once). */
  private usableKeyField(fields: Map<string, SfFieldDescribe> | null): string | null {
    const name = this.keyFieldName;
    if (fields === null) return name;
    const field = fields.get(name.toLowerCase());
    if (field && field.createable && (this.options.writable?.isWritable('Task', field.name) ?? true)) return field.name;
    this.reportMissingKeyField();
    return null;
  }

  /**
   * Salesforce refused the key field (INVALID_FIELD: deleted, or its access revoked, since Task was
   * described): it stays out for an hour (WritableFields), Task is described afresh next time, and
   * the Tasks go on with the Subject marker (a Task made with the key before then carries no marker,
   * so a retry of that very handoff is not recognised: the tasks job's own record of it is).
   */
  private keyFieldGone(plan: TaskPlan): TaskPlan {
    if (plan.keyField) this.options.writable?.mark('Task', plan.keyField, 'deleted, or the connected user lost access to it', 3_600_000);
    this.options.schema?.forget('Task');
    this.reportMissingKeyField();
    return { ...plan, keyField: null };
  }

  private reportMissingKeyField(): void {
    const name = this.keyFieldName;
    this.options.problems?.report({
      key: 'task-key-field',
      code: 'TASK_KEY_FIELD_MISSING',
      message: `Task has no ${name} the connected user can write, so Leadstage tells its Tasks apart by a short marker in the Subject ("[LS …]") and looks for it before each create. ` +
        'That keeps retries from making a second Task, but two workers creating the same Task at the same moment could both succeed.',
      fix: `For exact idempotency, create the Task field ${name} (Setup → Object Manager → Activity → Fields & Relationships → New → Text(80), External ID, Unique, case sensitive) ` +
        'and give the connected user edit access to it (the Leadstage Integration permission set), or let Leadstage do both on its next setup.',
    });
  }

  /** key → Task id for the tasks that exist, archived and deleted ones included (queryAll). */
  private async findExisting(plan: TaskPlan, batch: readonly CrmTask[]): Promise<Map<string, string>> {
    return plan.keyField ? this.findByKey(plan.keyField, batch.map((t) => t.key)) : this.findByMarker(batch);
  }

  private async findByKey(field: string, keys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    // the query travels in a GET URL, whose URI and headers Salesforce caps at 16 KB: keys go in
    // chunks sized by their URL-encoded length, not only by count
    for (const soql of inListQueries(keys, (list) => `SELECT Id, ${field} FROM Task WHERE ${field} IN (${list})`, KEYS_PER_QUERY)) {
      for (const record of await this.all(soql)) {
        const key = record[field];
        if (typeof key === 'string' && !found.has(key)) found.set(key, String(record.Id));
      }
    }
    return found;
  }

  /** The Tasks of the same Leads and Contacts whose Subject carries a marker, matched to the batch's keys. */
  private async findByMarker(batch: readonly CrmTask[]): Promise<Map<string, string>> {
    const wanted = new Map(batch.map((t) => [taskMarker(t.key), t.key]));
    const found = new Map<string, string>();
    const whoIds = [...new Set(batch.map((t) => t.crmId))];
    for (let start = 0; start < whoIds.length; start += WHO_PER_QUERY) {
      const chunk = whoIds.slice(start, start + WHO_PER_QUERY);
      const soql = `SELECT Id, Subject FROM Task WHERE WhoId IN (${chunk.map(soqlLiteral).join(', ')}) AND Subject LIKE '%[LS %'`;
      for (const record of await this.all(soql)) {
        const match = MARKER.exec(typeof record.Subject === 'string' ? record.Subject : '');
        const key = match ? wanted.get(`[LS ${match[1]}]`) : undefined;
        if (key !== undefined && !found.has(key)) found.set(key, String(record.Id));
      }
    }
    return found;
  }

  private async all(soql: string): Promise<SfRecord[]> {
    const records: SfRecord[] = [];
    let page = await this.api.query<SfRecord>(soql, { includeDeleted: true });
    records.push(...page.records);
    while (!page.done && page.nextRecordsUrl) {
      page = await this.api.queryMore(page.nextRecordsUrl);
      records.push(...page.records);
    }
    return records;
  }

  private async createMissing(plan: TaskPlan, batch: readonly CrmTask[]): Promise<Map<string, Outcome>> {
    const owners = await this.owners(batch);
    const records = batch.map((task) => toTaskRecord(task, owners.get(task.key) ?? { ownerId: null, queueId: null }, plan));
    const out = new Map<string, Outcome>();
    const results = await this.createRecords(records);
    // the key field was deleted, or its access revoked, since Task was described: once, the same
    // Tasks go again with the Subject marker (looked up first), and the field stays out for an hour
    const keyField = plan.keyField;
    if (keyField && results.length > 0 && results.every((r) => r.errors.some((e) => e.statusCode === 'INVALID_FIELD' && e.message.includes(`'${keyField}'`)))) {
      const markerPlan = this.keyFieldGone(plan);
      const existing = await this.findByMarker(batch);
      for (const [key, id] of existing) out.set(key, { status: 'ok', crmTaskId: id });
      const missing = batch.filter((t) => !existing.has(t.key));
      if (missing.length > 0) for (const [key, outcome] of await this.createMissing(markerPlan, missing)) out.set(key, outcome);
      return out;
    }
    const duplicates: string[] = [];
    const ownerless: number[] = [];
    batch.forEach((task, i) => {
      const result = results[i];
      if (plan.keyField && result?.errors.some((e) => e.statusCode === 'DUPLICATE_VALUE')) duplicates.push(task.key);
      else if (result?.errors.some((e) => e.statusCode === 'INACTIVE_OWNER_OR_USER') && records[i]!.fields.OwnerId) ownerless.push(i);
      else out.set(task.key, taskOutcome(task, result));
    });

    if (ownerless.length > 0) {
      const retried = ownerless.map((i) => ({ ...records[i]!, fields: withoutOwner(records[i]!.fields) }));
      const again = await this.createRecords(retried);
      ownerless.forEach((i, j) => {
        const task = batch[i]!;
        if (plan.keyField && again[j]?.errors.some((e) => e.statusCode === 'DUPLICATE_VALUE')) duplicates.push(task.key);
        else out.set(task.key, taskOutcome(task, again[j]));
      });
    }

    if (duplicates.length > 0 && plan.keyField) {
      // another worker created it between our query and our create: its Task is ours
      const existing = await this.findByKey(plan.keyField, duplicates);
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
    if (queued.length > 0 && this.create.assignQueueOwnedLeads) {
      for (const [id, owner] of await this.assignFromQueue(queued, current)) current.set(id, owner);
    }
    for (const task of batch) {
      const owner = current.has(task.crmId) ? current.get(task.crmId)! : task.ownerId;
      out.set(task.key, isUserId(owner) ? { ownerId: owner, queueId: null } : { ownerId: null, queueId: isQueueId(owner) ? owner : null });
    }
    return out;
  }

  /** Runs the org's lead assignment rule on queue-owned Leads (only when the mapping turns it on), then reads their owners again. */
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

/** A refusal (INVALID_FIELD) that names this field: a query's "No such column 'X'", a write's the same. */
function namesField(error: unknown, field: string): boolean {
  return error instanceof SalesforceApiError && error.errorCode === 'INVALID_FIELD' && error.message.includes(`'${field}'`);
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

/** The plan's defaults when none is given: the key field, a Call for a call and a Task otherwise, the org's default status. */
const DEFAULT_PLAN: TaskPlan = { keyField: TASK_KEY_FIELD.name, status: null, subtype: (kind) => DEFAULT_SUBTYPE[kind], type: () => null };

export function toTaskRecord(task: CrmTask, owner: { ownerId: string | null; queueId: string | null }, plan: TaskPlan = DEFAULT_PLAN): SfRecordWrite {
  const due = new Date(Date.parse(task.dueAt));
  const body = owner.queueId ? `${task.body.trimEnd()}\n\n(The ${task.objectType} is owned by queue ${owner.queueId}.)` : task.body;
  const marker = plan.keyField ? null : taskMarker(task.key);
  const subtype = plan.subtype(task.type);
  const type = plan.type(task.type);
  return {
    type: 'Task',
    fields: {
      WhoId: task.crmId,
      ...(owner.ownerId ? { OwnerId: owner.ownerId } : {}),
      Subject: marker ? `${cut(task.subject, SUBJECT_LIMIT - marker.length - 1)} ${marker}` : cut(task.subject, SUBJECT_LIMIT),
      Description: cut(body, DESCRIPTION_LIMIT),
      // a date stored as UTC midnight: the UTC date of the due time, never shifted for time zones
      ActivityDate: due.toISOString().slice(0, 10),
      IsReminderSet: true,
      ReminderDateTime: due.toISOString(),
      Priority: PRIORITY[task.priority],
      ...(subtype ? { TaskSubtype: subtype } : {}),
      ...(type ? { Type: type } : {}),
      ...(plan.status ? { Status: plan.status } : {}),
      ...(plan.keyField ? { [plan.keyField]: task.key } : {}),
    },
  };
}

function taskOutcome(task: CrmTask, result: SfSaveResult | undefined): Outcome {
  if (result?.success && result.id) return { status: 'ok', crmTaskId: result.id };
  const outcome = recordOutcome(`Task ${task.key} (${task.objectType} ${task.crmId})`, result);
  if (outcome.status === 'ok') return { status: 'retry', error: `task ${task.key}: created without an id` };
  return outcome;
}
