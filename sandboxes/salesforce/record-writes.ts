/**
 * Creates, updates, upserts and deletes, for sObject Collections and the single-record endpoints,
 * with Salesforce's rules and error codes. A request goes through two steps:
 *
 *  1. `readRecords`: the body's records are deserialized against the describe. An unknown field or
 *     a value of the wrong JSON type fails the whole request (400 INVALID_FIELD / JSON_PARSER_ERROR),
 *     as Salesforce's REST layer does before any record is looked at; with the sandbox option
 *     `deserializationErrors: 'record'` those become per-record errors instead.
 *  2. `saveRecords`: each record is checked and applied in order (MALFORMED_ID, ENTITY_IS_DELETED,
 *     CANNOT_UPDATE_CONVERTED_LEAD, INVALID_FIELD_FOR_INSERT_UPDATE, STRING_TOO_LONG, restricted
 *     picklists, REQUIRED_FIELD_MISSING, DUPLICATE_VALUE, the org's validation rules (org-rules.ts)
 *     and injected FIELD_CUSTOM_VALIDATION_EXCEPTION);
 *     with allOrNone one failure undoes the others (ALL_OR_NONE_OPERATION_ROLLED_BACK).
 *
 * A write may commit late (faults.lateCommitNext): it keeps the stamp of its transaction's start and
 * queries see it only once the transaction commits, behind rows stamped after it (org-store.ts).
 *
 * Every successful create/update stamps LastModifiedDate, SystemModstamp and LastModifiedById from
 * the sandbox clock (to the second, as Salesforce keeps audit stamps) and the running user, even
 * when no value changed, as Salesforce does.
 */
import { RecordError, restError, type SaveResult } from './errors';
import { checkValue, DeserializeError, deserializeValue, storedNumber } from './field-values';
import { KEY_PREFIXES, keyPrefixOf, normalizeId } from './ids';
import type { LeadAssignment } from './lead-assignment';
import { CAMPAIGN_MEMBER_STATUSES, OPPORTUNITY_STAGES, TASK_STATUSES, type FieldDef } from './object-catalog';
import type { OrgStore, Row, Table, Undo } from './org-store';
import { checkPermissionRecord, mayDeletePermissionRecord, PERMISSION_OBJECTS, type PermissionSettings } from './permissions';
import { parseSfTime, sfDate, sfDateTime, sfStamp } from './sf-time';

export type DeserializationMode = 'request' | 'record';
export type WriteOperation = 'create' | 'update' | 'upsert';

export interface WriteEnv {
  store: OrgStore;
  now(): number;
  /** The running user (the access token's user): CreatedById, LastModifiedById, default OwnerId. */
  userId: string;
  /** Injected per-record failure (faults.recordFailIds / recordFailRatio). */
  recordFails(id: string | undefined): boolean;
  assignment: LeadAssignment;
  deserialization: DeserializationMode;
  /** What the running user may do with permission sets (permissions.ts). */
  permissions: PermissionSettings;
  /** How long this record write's commit lags its stamp (faults.lateCommitNext); 0 or absent: at once. */
  commitDelay?(): number;
  /** The org's validation rules for a record that would become `next` (`previous`: before, on update). */
  validate?(table: Table, next: Row, previous: Row | null): RecordError[];
  /** Counters: a lead the assignment rule gave a new owner. */
  onAutoAssigned?(): void;
}

/** One record of a request after deserialization. */
export interface RecordWrite {
  table: Table | undefined;
  /** The id as sent (update), not yet checked. */
  id: string | undefined;
  values: Map<string, unknown>;
  /** Deserialization errors kept per record (`deserializationErrors: 'record'`). */
  errors: RecordError[];
}

export const ROLLED_BACK: SaveResult['errors'][number] = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

const READ_ONLY_MESSAGE = 'Please check the security settings of this field and verify that it is read/write for your profile or permission set.';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deserializes records. `type` comes from the path for single-record endpoints, else from each
 * record's `attributes.type`. Throws the request-level 400 unless errors are kept per record.
 */
export function readRecords(env: WriteEnv, raws: unknown[], options: { type?: string; idKeys: boolean }): RecordWrite[] {
  return raws.map((raw) => {
    if (!isObject(raw)) throw restError(400, 'JSON_PARSER_ERROR', 'Expected a JSON object for each record');
    const attributes = isObject(raw.attributes) ? raw.attributes : undefined;
    const typeName = options.type ?? (typeof attributes?.type === 'string' ? attributes.type : undefined);
    if (!typeName) throw restError(400, 'INVALID_TYPE', 'Each record needs attributes with a type, e.g. {"attributes":{"type":"Lead"}}');
    const table = env.store.table(typeName);
    if (!table) throw restError(400, 'INVALID_TYPE', `sObject type '${typeName}' is not supported.`);
    const write: RecordWrite = { table, id: undefined, values: new Map(), errors: [] };
    for (const [key, value] of Object.entries(raw)) {
      if (key === 'attributes') continue;
      if (options.idKeys && (key === 'id' || key === 'Id')) {
        write.id = value === null ? undefined : String(value);
        continue;
      }
      const field = env.store.field(table, key);
      if (!field) {
        const message = `No such column '${key}' on sobject of type ${table.def.name}`;
        if (env.deserialization === 'request') throw restError(400, 'INVALID_FIELD', message);
        write.errors.push(new RecordError('INVALID_FIELD', message, [key]));
        continue;
      }
      try {
        write.values.set(field.name, deserializeValue(field, value));
      } catch (error) {
        if (!(error instanceof DeserializeError)) throw error;
        if (env.deserialization === 'request') throw restError(400, 'JSON_PARSER_ERROR', error.message);
        write.errors.push(new RecordError('INVALID_TYPE_ON_FIELD_IN_RECORD', `${field.label}: value not of required type: ${String(value)}`, [field.name]));
      }
    }
    return write;
  });
}

type Outcome = { ok: true; id: string; created: boolean; undo: Undo } | { ok: false; errors: RecordError[] };

/** Saves records in order; with allOrNone, the first failure undoes every change of the request. */
export function saveRecords(
  env: WriteEnv,
  writes: RecordWrite[],
  operation: WriteOperation,
  options: { allOrNone: boolean; autoAssign: boolean; externalIdField?: string },
): SaveResult[] {
  const outcomes: Outcome[] = [];
  const seenIds = new Set<string>();
  const seenExternal = new Set<string>();
  for (const write of writes) {
    let outcome: Outcome;
    if (write.errors.length > 0 || !write.table) outcome = { ok: false, errors: write.errors };
    else if (operation === 'create') outcome = create(env, write.table, write, options.autoAssign);
    else if (operation === 'update') outcome = update(env, write.table, write, options.autoAssign, seenIds);
    else outcome = upsert(env, write.table, write, options.autoAssign, options.externalIdField!, seenExternal);
    outcomes.push(outcome);
  }
  const failed = outcomes.some((o) => !o.ok);
  if (options.allOrNone && failed) {
    for (const outcome of [...outcomes].reverse()) if (outcome.ok) outcome.undo();
    return outcomes.map((o) => (o.ok ? { success: false, errors: [{ ...ROLLED_BACK }] } : failure(o.errors))) as SaveResult[];
  }
  return outcomes.map((o) => (o.ok ? success(o.id, operation === 'upsert' ? o.created : undefined) : failure(o.errors)));
}

function success(id: string, created?: boolean): SaveResult {
  return created === undefined ? { id, success: true, errors: [] } : { id, success: true, errors: [], created };
}

function failure(errors: RecordError[]): SaveResult {
  return { success: false, errors: errors.map((e) => e.toSaveError()) } as SaveResult;
}

function fail(...errors: RecordError[]): Outcome {
  return { ok: false, errors };
}

function injected(): RecordError {
  return new RecordError(
    'FIELD_CUSTOM_VALIDATION_EXCEPTION',
    'Leadstage sandbox: this record failed a simulated validation rule (faults.recordFailIds / recordFailRatio)',
    [],
  );
}

/** Looks up an existing record for update/delete by the id as sent. */
export function findForWrite(env: WriteEnv, table: Table, idText: string | undefined): { row: Row } | RecordError {
  if (idText === undefined || idText === '') return new RecordError('MISSING_ARGUMENT', 'Id not specified in an update call', []);
  const id = normalizeId(idText);
  if (!id || keyPrefixOf(id) !== table.def.keyPrefix) {
    return new RecordError('MALFORMED_ID', `${table.def.label} ID: id value of incorrect type: ${idText}`, ['Id']);
  }
  const row = table.rows.get(id);
  if (!row) return new RecordError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', []);
  if (row.IsDeleted === true) return new RecordError('ENTITY_IS_DELETED', 'entity is deleted', []);
  return { row };
}

/** Field-level checks shared by create and update; returns the errors (empty when fine). */
function checkFields(env: WriteEnv, table: Table, values: Map<string, unknown>, operation: 'create' | 'update', selfId?: string): RecordError[] {
  const errors: RecordError[] = [];
  const readOnly: string[] = [];
  const missing: string[] = [];
  for (const [name, value] of values) {
    const field = env.store.field(table, name)!;
    if (operation === 'create' ? !field.createable : !field.updateable) {
      readOnly.push(field.name);
      continue;
    }
    if (value === null && !field.nillable && field.type !== 'boolean') {
      missing.push(field.name);
      continue;
    }
    errors.push(...checkValue(field, value));
    if (field.type === 'reference' && value !== null) {
      const problem = checkReference(env, field, value as string);
      if (problem) errors.push(problem);
    }
    if (field.unique && value !== null) {
      const holder = env.store.uniqueHolder(table, field.name, value);
      if (holder !== undefined && holder !== selfId) {
        errors.push(new RecordError('DUPLICATE_VALUE', `duplicate value found: ${field.name} duplicates value on record with id: ${holder}`, []));
      }
    }
  }
  if (readOnly.length > 0) {
    errors.unshift(new RecordError('INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: ${readOnly.join(', ')}. ${READ_ONLY_MESSAGE}`, readOnly));
  }
  if (missing.length > 0) errors.unshift(requiredMissing(missing));
  return errors;
}

function requiredMissing(fields: string[]): RecordError {
  return new RecordError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${fields.join(', ')}]`, fields);
}

function checkReference(env: WriteEnv, field: FieldDef, value: string): RecordError | undefined {
  const id = normalizeId(value);
  const target = id ? env.store.tableOfId(id) : undefined;
  if (!id || !target || !field.referenceTo.includes(target.def.name)) {
    return new RecordError('FIELD_INTEGRITY_EXCEPTION', `${field.label}: id value of incorrect type: ${value}`, [field.name]);
  }
  const row = target.rows.get(id);
  if (!row) return new RecordError('INVALID_CROSS_REFERENCE_KEY', `${field.label}: invalid cross reference id`, [field.name]);
  if (row.IsDeleted === true) return new RecordError('ENTITY_IS_DELETED', `${field.label}: entity is deleted`, [field.name]);
  if (target.def.name === 'User' && row.IsActive !== true && field.name === 'OwnerId') {
    return new RecordError('INACTIVE_OWNER_OR_USER', 'operation performed with inactive user as owner', [field.name]);
  }
  return undefined;
}

/** Stored form of the deserialized values: ids to 18 characters, numbers rounded to scale. */
function storedValues(env: WriteEnv, table: Table, values: Map<string, unknown>): Row {
  const changes: Row = {};
  for (const [name, value] of values) {
    const field = env.store.field(table, name)!;
    if (value === null) changes[name] = field.type === 'boolean' ? false : null;
    else if (field.type === 'reference') changes[name] = normalizeId(value as string);
    else if (typeof value === 'number') changes[name] = storedNumber(field, value);
    else changes[name] = value;
  }
  return changes;
}

function create(env: WriteEnv, table: Table, write: RecordWrite, autoAssign: boolean): Outcome {
  if (write.id !== undefined) return fail(new RecordError('INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']));
  if (!table.def.createable) return fail(new RecordError('INVALID_TYPE', `entity type ${table.def.name} does not support insert`, []));
  if (env.recordFails(undefined)) return fail(injected());
  const errors = checkFields(env, table, write.values, 'create');
  const missing = table.def.fields
    .filter((f) => f.createable && !f.nillable && !f.defaultedOnCreate && f.type !== 'boolean')
    .filter((f) => !write.values.has(f.name) || write.values.get(f.name) === null)
    .map((f) => f.name)
    .filter((name) => !errors.some((e) => e.statusCode === 'REQUIRED_FIELD_MISSING' && e.fields.includes(name)));
  if (missing.length > 0) errors.unshift(requiredMissing(missing));
  if (errors.length > 0) return fail(...errors);
  if (table.def.name === 'Event') {
    const refused = eventTimesError(storedValues(env, table, write.values));
    if (refused) return fail(refused);
  }

  const now = env.now();
  const stamp = sfStamp(now);
  const row = env.store.blank(table);
  for (const field of table.def.fields) {
    if (field.defaultValue !== null && field.type !== 'boolean') row[field.name] = field.defaultValue;
  }
  if ('OwnerId' in row) row.OwnerId = env.userId;
  Object.assign(row, storedValues(env, table, write.values));
  const id = env.store.ids.take(table.def.keyPrefix);
  Object.assign(row, {
    Id: id, CreatedDate: stamp, CreatedById: env.userId, LastModifiedDate: stamp, LastModifiedById: env.userId, SystemModstamp: stamp,
  });
  if ('IsDeleted' in row) row.IsDeleted = false;
  Object.assign(row, derived(env, table, row, {}, now));
  if (PERMISSION_OBJECTS.has(table.def.name)) {
    const refused = checkPermissionRecord(env.store, env.permissions, table, row);
    if (refused.length > 0) return fail(...refused);
  }
  const invalid = env.validate?.(table, row, null) ?? [];
  if (invalid.length > 0) return fail(...invalid);
  if (autoAssign && table.def.name === 'Lead') assign(env, row);
  const undo = env.store.insert(table, row);
  const delay = env.commitDelay?.() ?? 0;
  if (delay > 0) env.store.commitLate(id, null, now + delay);
  return { ok: true, id, created: true, undo };
}

function update(env: WriteEnv, table: Table, write: RecordWrite, autoAssign: boolean, seenIds: Set<string>): Outcome {
  const found = findForWrite(env, table, write.id);
  if (found instanceof RecordError) return fail(found);
  const { row } = found;
  const id = row.Id as string;
  if (seenIds.has(id)) return fail(new RecordError('DUPLICATE_VALUE', `Duplicate id in list: ${id}`, []));
  seenIds.add(id);
  if (!table.def.updateable) return fail(new RecordError('INVALID_TYPE', `entity type ${table.def.name} does not support update`, []));
  if (table.def.name === 'Lead' && row.IsConverted === true) return fail(new RecordError('CANNOT_UPDATE_CONVERTED_LEAD', 'cannot reference converted lead', []));
  if (env.recordFails(id)) return fail(injected());
  const errors = checkFields(env, table, write.values, 'update', id);
  if (errors.length > 0) return fail(...errors);
  const changes = storedValues(env, table, write.values);
  if (table.def.name === 'Event') {
    // a moved start keeps the duration: the stored end counts only when this write sets it
    const refused = eventTimesError({ ...row, ...changes, EndDateTime: changes.EndDateTime ?? null });
    if (refused) return fail(refused);
  }
  if (PERMISSION_OBJECTS.has(table.def.name)) {
    const refused = checkPermissionRecord(env.store, env.permissions, table, { ...row, ...changes }, id);
    if (refused.length > 0) return fail(...refused);
  }
  // validation rules see the record as it would be saved, whatever this write changes
  const invalid = env.validate?.(table, { ...row, ...changes }, row) ?? [];
  if (invalid.length > 0) return fail(...invalid);
  const delay = env.commitDelay?.() ?? 0;
  const before = delay > 0 ? { ...row } : null;
  const undo = applyUpdate(env, table, row, changes, autoAssign);
  if (delay > 0) env.store.commitLate(id, before, env.now() + delay);
  return { ok: true, id, created: false, undo };
}

/** Applies already-checked changes to a live row, with derived fields, stamps and assignment. */
export function applyUpdate(env: WriteEnv, table: Table, row: Row, changes: Row, autoAssign: boolean): Undo {
  const now = env.now();
  const stamp = sfStamp(now);
  const all: Row = { ...changes };
  Object.assign(all, derived(env, table, { ...row, ...changes }, row, now));
  Object.assign(all, { LastModifiedDate: stamp, LastModifiedById: env.userId, SystemModstamp: stamp });
  const undo = env.store.update(table, row, all);
  if (autoAssign && table.def.name === 'Lead') {
    const before = row.OwnerId;
    assign(env, row);
    if (row.OwnerId !== before) {
      const newOwner = row.OwnerId;
      row.OwnerId = before;
      const undoOwner = env.store.update(table, row, { OwnerId: newOwner });
      return () => {
        undoOwner();
        undo();
      };
    }
  }
  return undo;
}

function assign(env: WriteEnv, row: Row): void {
  const owner = env.assignment.ownerFor(row);
  if (owner === undefined) return;
  row.OwnerId = owner;
  env.onAutoAssigned?.();
}

function upsert(env: WriteEnv, table: Table, write: RecordWrite, autoAssign: boolean, externalIdField: string, seen: Set<string>): Outcome {
  const field = env.store.field(table, externalIdField)!;
  const value = write.values.get(field.name);
  if (value === undefined || value === null || value === '') {
    return fail(new RecordError('MISSING_ARGUMENT', `${field.name} not specified`, [field.name]));
  }
  const key = String(value).toLowerCase();
  if (seen.has(key)) return fail(new RecordError('DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${String(value)}`, [field.name]));
  seen.add(key);
  const holder = field.name === 'Id' ? normalizeId(String(value)) : env.store.uniqueHolder(table, field.name, value);
  if (holder && table.rows.has(holder)) {
    const values = new Map(write.values);
    if (field.name === 'Id') values.delete('Id');
    return update(env, table, { ...write, id: holder, values }, autoAssign, new Set());
  }
  return create(env, table, { ...write, id: undefined }, autoAssign);
}

/** Soft-deletes a record by id (collections DELETE and DELETE /sobjects/Type/Id). */
export function deleteRecord(env: WriteEnv, idText: string): { ok: true; id: string; undo: Undo } | { ok: false; error: RecordError } {
  const id = normalizeId(idText);
  const table = id ? env.store.tableOfId(id) : undefined;
  if (!id || !table) return { ok: false, error: new RecordError('MALFORMED_ID', `malformed id ${idText}`, []) };
  const found = findForWrite(env, table, id);
  if (found instanceof RecordError) return { ok: false, error: found };
  if (!table.def.deletable) return { ok: false, error: new RecordError('INVALID_TYPE', `entity type ${table.def.name} does not support delete`, []) };
  if (PERMISSION_OBJECTS.has(table.def.name) && !mayDeletePermissionRecord(env.permissions, table)) {
    return { ok: false, error: new RecordError('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id', []) };
  }
  if (env.recordFails(id)) return { ok: false, error: injected() };
  // objects without a recycle bin (setup objects) are gone at once; the rest are soft-deleted
  if (!table.def.softDelete) return { ok: true, id, undo: env.store.remove(table, found.row) };
  const delay = env.commitDelay?.() ?? 0;
  const before = delay > 0 ? { ...found.row } : null;
  const undo = env.store.softDelete(table, found.row, sfStamp(env.now()));
  if (delay > 0) env.store.commitLate(id, before, env.now() + delay);
  return { ok: true, id, undo };
}

/** Fields Salesforce computes from others: Name, Task.IsClosed, CampaignMember.HasResponded, Opportunity flags. */
function derived(env: WriteEnv, table: Table, next: Row, previous: Row, now: number): Row {
  const out: Row = {};
  switch (table.def.name) {
    case 'Lead':
    case 'Contact':
      out.Name = [next.FirstName, next.LastName].filter((p) => typeof p === 'string' && p !== '').join(' ');
      break;
    case 'Task': {
      const closed = TASK_STATUSES.find((s) => s.value === next.Status)?.closed === true;
      out.IsClosed = closed;
      out.IsHighPriority = next.Priority === 'High';
      if (closed && previous.IsClosed !== true) out.CompletedDateTime = sfStamp(now);
      if (!closed) out.CompletedDateTime = null;
      out.AccountId = accountOf(env, next.WhoId) ?? accountOf(env, next.WhatId) ?? null;
      break;
    }
    case 'Event':
      Object.assign(out, eventTimes(next, previous));
      out.AccountId = accountOf(env, next.WhoId) ?? accountOf(env, next.WhatId) ?? null;
      break;
    case 'CampaignMember': {
      const responded = CAMPAIGN_MEMBER_STATUSES.find((s) => s.value === next.Status)?.responded === true;
      out.HasResponded = responded;
      if (responded && !previous.FirstRespondedDate) out.FirstRespondedDate = sfDate(now);
      out.LeadOrContactId = next.ContactId ?? next.LeadId ?? null;
      out.Type = next.ContactId ? 'Contact' : 'Lead';
      break;
    }
    case 'Opportunity': {
      const stage = OPPORTUNITY_STAGES.find((s) => s.value === next.StageName);
      if (stage && stage.value !== previous.StageName) {
        out.IsClosed = stage.closed;
        out.IsWon = stage.won;
        out.ForecastCategoryName = stage.won ? 'Closed' : stage.closed ? 'Omitted' : 'Pipeline';
        if (next.Probability === previous.Probability || next.Probability === null) out.Probability = stage.probability;
      }
      break;
    }
    default:
      break;
  }
  return out;
}

const timeOf = (value: unknown): number => (typeof value === 'string' ? parseSfTime(value) : NaN);

/**
 * An Event's time: a timed event needs its start (ActivityDateTime or StartDateTime, the same moment)
 * and its end (DurationInMinutes or EndDateTime), an all-day event its day (ActivityDate); an end
 * before the start is refused.
 */
function eventTimesError(row: Row): RecordError | undefined {
  if (row.IsAllDayEvent === true) {
    return row.ActivityDate ? undefined : requiredMissing(['ActivityDate']);
  }
  const start = timeOf(row.StartDateTime ?? row.ActivityDateTime);
  if (Number.isNaN(start)) return requiredMissing(['ActivityDateTime']);
  const end = row.EndDateTime !== null && row.EndDateTime !== undefined ? timeOf(row.EndDateTime)
    : typeof row.DurationInMinutes === 'number' ? start + row.DurationInMinutes * 60_000 : NaN;
  if (Number.isNaN(end)) return requiredMissing(['DurationInMinutes']);
  if (end < start) return new RecordError('FIELD_INTEGRITY_EXCEPTION', 'End Date Time: The end date time cannot be before the start date time.', ['EndDateTime']);
  return undefined;
}

/** The Event's time fields kept consistent: start in both fields, end and duration, the start's day. */
function eventTimes(next: Row, previous: Row): Row {
  if (next.IsAllDayEvent === true) {
    const day = timeOf(next.ActivityDate);
    return { ActivityDateTime: null, StartDateTime: Number.isNaN(day) ? null : sfDateTime(day), EndDateTime: Number.isNaN(day) ? null : sfDateTime(day + 86_399_000), DurationInMinutes: 1440 };
  }
  // the field this write changed wins; on create StartDateTime is taken when both are sent
  const startChanged = next.StartDateTime !== null && next.StartDateTime !== undefined && next.StartDateTime !== previous.StartDateTime;
  const start = timeOf(startChanged ? next.StartDateTime : next.ActivityDateTime ?? next.StartDateTime);
  if (Number.isNaN(start)) return {};
  const endChanged = next.EndDateTime !== previous.EndDateTime && next.EndDateTime !== null && next.EndDateTime !== undefined;
  const duration = endChanged ? Math.round((timeOf(next.EndDateTime) - start) / 60_000)
    : typeof next.DurationInMinutes === 'number' ? next.DurationInMinutes : 0;
  return {
    ActivityDateTime: sfDateTime(start), StartDateTime: sfDateTime(start), EndDateTime: sfDateTime(start + duration * 60_000),
    DurationInMinutes: duration, ActivityDate: sfDate(start),
  };
}

function accountOf(env: WriteEnv, id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  if (id.startsWith(KEY_PREFIXES.Account)) return id;
  const found = env.store.find(id);
  const account = found?.row.AccountId;
  return typeof account === 'string' ? account : undefined;
}

