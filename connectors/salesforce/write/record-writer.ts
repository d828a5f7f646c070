/**
 * `write()`: Lead and Contact updates through sObject Collections (`PATCH /composite/sobjects`,
 * `allOrNone: false`), at most 200 records per call, records of one type contiguous, no record twice
 * in one call; exactly one outcome per input, in input order.
 *
 * - Policies are enforced again against `current` (`never` dropped, `if_empty` only when empty), and
 *   a property the record's object does not map (Status on a Contact) is dropped.
 * - Lead Status moves only along a configured transition, from one of its listed current statuses,
 *   to a value that is active in the org's picklist (read once from describe). It goes out with the
 *   scores; a Lead refused while its update moved the status (a validation rule, a record type, a value
 *   the org lacks) is written again without it, so the scores land, and the refusal becomes an
 *   installation problem (LEAD_STATUS_REFUSED) with its fix.
 * - Every update says `Sforce-Auto-Assign: FALSE`: REST would otherwise run the assignment rules on
 *   every Lead update (the header defaults to TRUE) and move owners. Only the task writer may run the
 *   org's rule on a queue-owned Lead, and only when the mapping turns it on (task-writer.ts).
 * - Per record: success → ok; transient errors (UNABLE_TO_LOCK_ROW…) → retry; anything else →
 *   failed, naming the record and field. A whole call that fails → thrown (the job retries; the
 *   quota error delays it); a 400 for the whole call is bisected so one bad record does not fail 199.
 * - A field deleted or its access revoked is found once, not by bisecting every batch: Salesforce
 *   refuses the whole call with INVALID_FIELD naming it ("No such column 'X' on sobject of type
 *   Lead"), or each record with INVALID_FIELD_FOR_INSERT_UPDATE naming it. The field is dropped from
 *   this installation's writes (WritableFields), reported (FIELD_UNAVAILABLE), and the same records go
 *   again without it: one extra call per field lost.
 */
import type { CrmWrite, InstallationProblem, WriteOutcome } from '../../../src/connector/crm-connector';
import { DailyQuotaExhaustedError } from '../../../src/rate-limit/daily-quota-exhausted-error';
import { LEAD_STATUS_FIELD, type SalesforceFieldMappings } from '../mapping/field-mappings';
import { SalesforceApiError, refusesCredentials } from '../salesforce-api-error';
import type { SalesforceApi, SfRecordWrite, SfSaveResult } from '../salesforce-api.types';
import type { ProblemLog } from '../problems';
import { leadstageField } from '../schema/leadstage-fields.constant';
import type { OrgSchema } from '../schema/org-schema';
import { WritableFields } from '../schema/writable-fields';

export const COLLECTION_LIMIT = 200;
const SOBJECT = { lead: 'Lead', contact: 'Contact' } as const;

/** Per-record codes that clear by themselves; all others are shown to the admin, not retried forever. */
export const TRANSIENT_RECORD_CODES = new Set([
  'UNABLE_TO_LOCK_ROW', 'ALL_OR_NONE_OPERATION_ROLLED_BACK', 'SERVER_UNAVAILABLE', 'REQUEST_RUNNING_TOO_LONG', 'UNKNOWN_EXCEPTION',
  'QUERY_TIMEOUT', 'TXN_SECURITY_METERING_ERROR',
]);

type Outcome = { status: 'ok' } | { status: 'retry'; error: string } | { status: 'failed'; code: string; error: string };

export interface RecordWriterLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
  debug?(message: string, meta?: Record<string, unknown>): void;
}

interface Update {
  index: number;
  record: SfRecordWrite & { id: string };
  /** A queue-owned Lead becoming SQL: sent with Sforce-Auto-Assign TRUE. */
  autoAssign: boolean;
}

export interface RecordWriterState {
  /** What this installation cannot write (shared with ensureSchema and propertiesFor). */
  writable?: WritableFields;
  /** Where the problems the writer finds go (the connector's takeProblems). */
  problems?: ProblemLog;
}

export class RecordWriter {
  private readonly writable: WritableFields;

  constructor(
    private readonly api: Pick<SalesforceApi, 'updateRecords' | 'query' | 'queryMore'>,
    private readonly mappings: SalesforceFieldMappings,
    private readonly schema: OrgSchema,
    private readonly logger?: RecordWriterLogger,
    private readonly state: RecordWriterState = {},
  ) {
    this.writable = state.writable ?? new WritableFields();
  }

  async write(writes: readonly CrmWrite[]): Promise<WriteOutcome[]> {
    const outcomes: Outcome[] = writes.map(() => ({ status: 'ok' }));
    const updates: Update[] = [];
    for (const [index, write] of writes.entries()) {
      if (write.objectType !== 'lead' && write.objectType !== 'contact') {
        outcomes[index] = { status: 'failed', code: 'UNSUPPORTED_OBJECT_TYPE', error: `Salesforce connector writes Leads and Contacts, not ${String(write.objectType)} records` };
        continue;
      }
      let fields: SfRecordWrite['fields'];
      try {
        fields = await this.fieldsOf(write);
      } catch (error) {
        if (error instanceof FieldValueError) {
          outcomes[index] = { status: 'failed', code: 'INVALID_VALUE', error: error.message };
          continue;
        }
        throw error;
      }
      if (Object.keys(fields).length === 0) continue;
      const update: Update = { index, record: { type: SOBJECT[write.objectType], id: write.crmId, fields }, autoAssign: false };
      updates.push(update);
    }

    for (const call of collectionCalls(updates)) {
      for (const [index, outcome] of await this.send(call, false)) outcomes[index] = outcome;
    }
    await this.withoutStatus(updates, outcomes);
    return writes.map((w, i) => ({ crmId: w.crmId, ...outcomes[i]! }));
  }

  /**
   * Lead Status apart from the scores: a validation rule, a record type or a picklist value the org
   * lacks can refuse the status, and must not cost the scores. A Lead refused while its update moved
   * Lead Status is written again without it (one more call, only when that happens); the status stays
   * as it was and the refusal is an installation problem with its fix, not a failed write.
   */
  private async withoutStatus(updates: readonly Update[], outcomes: Outcome[]): Promise<void> {
    const refused: { update: Update; failure: Extract<Outcome, { status: 'failed' }>; status: string }[] = [];
    for (const update of updates) {
      const outcome = outcomes[update.index]!;
      const status = statusOf(update.record.fields);
      if (outcome.status !== 'failed' || status === undefined || RECORD_UNWRITABLE_CODES.has(outcome.code)) continue;
      refused.push({ update, failure: outcome, status });
    }
    if (refused.length === 0) return;
    const again: Update[] = [];
    for (const { update } of refused) {
      const fields = withoutField(update.record.fields, LEAD_STATUS_FIELD);
      // only the status was to be written: the record is as it was, and the refusal is the problem
      if (Object.keys(fields).length === 0) outcomes[update.index] = { status: 'ok' };
      else again.push({ ...update, record: { ...update.record, fields } });
    }
    for (const call of collectionCalls(again)) {
      for (const [index, outcome] of await this.send(call, false)) outcomes[index] = outcome;
    }
    const landed = refused.filter(({ update }) => outcomes[update.index]!.status === 'ok');
    for (const problem of statusRefusals(landed.map(({ update, failure, status }) => ({ id: update.record.id, failure, status })))) this.state.problems?.report(problem);
    if (landed.length > 0) this.logger?.warn('Salesforce refused Lead Status for some Leads; their scores were written without it', { leads: landed.length });
  }

  /** The record's fields as Salesforce takes them, after policies, per-object mapping and Lead Status rules. */
  private async fieldsOf(write: CrmWrite): Promise<SfRecordWrite['fields']> {
    const objectType = write.objectType as 'lead' | 'contact';
    const fields: SfRecordWrite['fields'] = {};
    for (const [name, value] of Object.entries(write.properties)) {
      const mapping = this.mappings.writeMappingFor(name, objectType);
      if (!mapping) {
        this.logger?.debug?.('Salesforce write: property not mapped for this object, dropped', { crmId: write.crmId, objectType, property: name });
        continue;
      }
      if (mapping.writePolicy === 'never') continue;
      // a field the org lacks or the user may not edit (reported by setup, or refused earlier)
      if (!this.writable.isWritable(SOBJECT[objectType], mapping.crmProperty)) continue;
      const current = write.current[name] ?? write.current[mapping.crmProperty];
      if (mapping.writePolicy === 'if_empty' && current !== undefined && current !== null && current !== '') continue;
      if (objectType === 'lead' && mapping.crmProperty.toLowerCase() === LEAD_STATUS_FIELD.toLowerCase()) {
        if (!(await this.statusMayMove(write, current ?? null, value))) continue;
      }
      fields[mapping.crmProperty] = toFieldValue(mapping.crmProperty, value, write);
    }
    return fields;
  }

  /** Only along a transition to `value`, from one of its listed statuses, to an active picklist value. */
  private async statusMayMove(write: CrmWrite, current: string | null, value: string): Promise<boolean> {
    const mapping = this.mappings.writeMappingFor(LEAD_STATUS_FIELD, 'lead');
    if (!mapping || mapping.writePolicy !== 'always') return false;
    if (current === null || current.trim() === '') return false;
    const now = current.trim().toLowerCase();
    const target = value.trim().toLowerCase();
    if (now === target) return false;
    const transition = this.mappings.leadStatusTransitions.find(
      (t) => t.to.trim().toLowerCase() === target && t.from.some((f) => f.trim().toLowerCase() === now),
    );
    if (!transition) return false;
    const values = await this.schema.activeValues('Lead', LEAD_STATUS_FIELD);
    if (!values.some((v) => v.toLowerCase() === target)) {
      this.logger?.warn('Lead Status not written: not an active value of the org\'s picklist', { crmId: write.crmId, status: value });
      // a value removed from the picklist after setup or the mapping was saved: the admin sees it (the
      // key is setup's for the same transition, so one problem either way), the rest is written
      this.state.problems?.report({
        key: `lead-status:${transition.stage}:${target}`,
        code: 'LEAD_STATUS_VALUE_MISSING',
        message: `Leadstage should move Leads to Lead Status "${value}", which is no longer an active Lead Status in Salesforce (active: ${values.join(', ') || 'none'}). ` +
          'Leadstage writes scores and stages as usual and leaves Lead Status as it is.',
        fix: `Choose one of the active Lead Statuses for this value on Leadstage's mapping page, or add "${value}" back to the Lead Status picklist ` +
          '(Setup → Object Manager → Lead → Fields & Relationships → Lead Status → Values).',
        details: { stage: transition.stage, to: value, active: values, objectType: 'lead', field: LEAD_STATUS_FIELD, mappingPage: true },
      });
      return false;
    }
    return true;
  }


  private async send(planned: readonly Update[], autoAssign: boolean): Promise<Map<number, Outcome>> {
    const out = new Map<number, Outcome>();
    // fields found unwritable while earlier calls of this write went out are left out of the later ones
    const call: Update[] = [];
    for (const update of planned) {
      const fields = Object.fromEntries(Object.entries(update.record.fields).filter(([name]) => this.writable.isWritable(update.record.type, name)));
      if (Object.keys(fields).length === 0) out.set(update.index, { status: 'ok' });
      else call.push(Object.keys(fields).length === Object.keys(update.record.fields).length ? update : { ...update, record: { ...update.record, fields } });
    }
    if (call.length === 0) return out;
    let results: SfSaveResult[];
    try {
      results = await this.api.updateRecords(call.map((u) => u.record), { autoAssign });
    } catch (error) {
      if (error instanceof DailyQuotaExhaustedError || !(error instanceof SalesforceApiError) || error.retryable || refusesCredentials(error)) throw error;
      // a field deleted or its access revoked: Salesforce refuses the whole call naming it. It is
      // dropped for this installation once, and the same call goes again without it (no bisecting)
      const gone = unknownColumn(error);
      if (gone && call.some((u) => u.record.type === gone.sobject && hasField(u.record.fields, gone.field))) {
        this.drop(gone.sobject, gone.field, `${error.errorCode}: ${stripPrefix(error.message)}`, 'deleted, or the connected user lost access to it');
        return this.sendWithout(call, [gone], autoAssign);
      }
      if (call.length > 1) {
        const middle = Math.ceil(call.length / 2);
        for (const half of [call.slice(0, middle), call.slice(middle)]) {
          for (const [index, outcome] of await this.send(half, autoAssign)) out.set(index, outcome);
        }
        return out;
      }
      const only = call[0]!;
      out.set(only.index, { status: 'failed', code: error.errorCode, error: `${only.record.type} ${only.record.id}: ${error.message}` });
      return out;
    }
    // a field the user may see but no longer edit: refused per record, naming the field
    const readOnly = new Map<string, { sobject: string; field: string }>();
    call.forEach((update, i) => {
      for (const e of results[i]?.errors ?? []) {
        if (e.statusCode !== 'INVALID_FIELD_FOR_INSERT_UPDATE') continue;
        for (const field of e.fields ?? []) if (hasField(update.record.fields, field)) readOnly.set(`${update.record.type}.${field}`.toLowerCase(), { sobject: update.record.type, field });
      }
    });
    const retry: Update[] = [];
    call.forEach((update, i) => {
      const refusedHere = [...readOnly.values()].some((f) => f.sobject === update.record.type && hasField(update.record.fields, f.field));
      if (refusedHere && results[i]?.errors.every((e) => e.statusCode === 'INVALID_FIELD_FOR_INSERT_UPDATE')) retry.push(update);
      else out.set(update.index, recordOutcome(`${update.record.type} ${update.record.id}`, results[i]));
    });
    if (retry.length > 0) {
      for (const f of readOnly.values()) this.drop(f.sobject, f.field, 'INVALID_FIELD_FOR_INSERT_UPDATE', 'the connected user can no longer edit it');
      for (const [index, outcome] of await this.sendWithout(retry, [...readOnly.values()], autoAssign)) out.set(index, outcome);
    }
    return out;
  }

  /** The same updates without fields found unwritable; an update left with nothing to write is done. */
  private async sendWithout(call: readonly Update[], fields: readonly { sobject: string; field: string }[], autoAssign: boolean): Promise<Map<number, Outcome>> {
    const out = new Map<number, Outcome>();
    const again: Update[] = [];
    for (const update of call) {
      let rest = update.record.fields;
      for (const f of fields) if (f.sobject === update.record.type) rest = withoutField(rest, f.field);
      if (Object.keys(rest).length === 0) out.set(update.index, { status: 'ok' });
      else again.push({ ...update, record: { ...update.record, fields: rest } });
    }
    if (again.length > 0) for (const [index, outcome] of await this.send(again, autoAssign)) out.set(index, outcome);
    return out;
  }

  /** Left out of this installation's writes from now on, and reported once. */
  private drop(sobject: string, field: string, refusal: string, why: string): void {
    if (!this.writable.mark(sobject, field, why, DROPPED_FOR_MS)) return;
    this.logger?.warn('Salesforce field no longer writable: left out of writes for this installation', { field: `${sobject}.${field}`, refusal });
    // the admin knows the field by what Leadstage writes there (its mapping), not only by its API name
    const carries = [...new Set(this.mappings.writeMappings().filter((m) => SOBJECT[m.objectType] === sobject && m.crmProperty.toLowerCase() === field.toLowerCase()).map((m) => m.canonicalField))];
    const what = carries.length > 0 ? `Leadstage's ${carries.join(' and ')}` : 'a Leadstage value';
    this.state.problems?.report({
      key: `field-unavailable:${sobject}.${field}`.toLowerCase(),
      code: 'FIELD_UNAVAILABLE',
      message: `Salesforce no longer takes ${sobject}.${field}, the field that holds ${what}: it was ${why} (Salesforce answered ${refusal}). ` +
        'Leadstage leaves this field out and keeps writing the other fields of every record.',
      fix: `Map ${carries.length > 0 ? carries.join(' and ') : 'it'} to another ${sobject} field on Leadstage's mapping page, or restore the field ` +
        `(Setup → Object Manager → ${sobject} → Fields & Relationships → Deleted Fields → Undelete, within 15 days of its deletion) or create it again, ` +
        `and give the Salesforce user Leadstage is connected as edit access to it (the "Leadstage Integration" permission set); Leadstage's next setup does both when it may. ` +
        'Leadstage tries the field again an hour later, and writes it once Salesforce takes it.',
      details: { sobject, objectType: sobject.toLowerCase(), field, refusal, canonicalFields: carries, mappingPage: true },
    });
  }
}

/** How long a field Salesforce refused stays out of writes before one write tries it again. */
const DROPPED_FOR_MS = 3_600_000;

/** `INVALID_FIELD: No such column 'X' on sobject of type Lead` → the field and its object. */
function unknownColumn(error: SalesforceApiError): { sobject: string; field: string } | null {
  if (error.errorCode !== 'INVALID_FIELD') return null;
  const match = /No such column '([A-Za-z0-9_]+)' on (?:sobject of type |entity '?)([A-Za-z0-9_]+)/.exec(error.message);
  return match ? { field: match[1]!, sobject: match[2]! } : null;
}

function hasField(fields: SfRecordWrite['fields'], name: string): boolean {
  return Object.keys(fields).some((k) => k.toLowerCase() === name.toLowerCase());
}

function stripPrefix(message: string): string {
  return message.replace(/^Salesforce \S+ \S+ answered \d+ \S+: /, '');
}

class FieldValueError extends Error {}

/** The record itself cannot be written (gone, converted): leaving the status out would not help. */
const RECORD_UNWRITABLE_CODES = new Set([
  'ENTITY_IS_DELETED', 'CANNOT_UPDATE_CONVERTED_LEAD', 'INVALID_CROSS_REFERENCE_KEY', 'MALFORMED_ID', 'INVALID_ID_FIELD', 'ENTITY_IS_LOCKED',
  'INSUFFICIENT_ACCESS_OR_READONLY', 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY',
]);

function statusOf(fields: SfRecordWrite['fields']): string | undefined {
  const key = Object.keys(fields).find((k) => k.toLowerCase() === LEAD_STATUS_FIELD.toLowerCase());
  const value = key === undefined ? undefined : fields[key];
  return typeof value === 'string' ? value : undefined;
}

function withoutField(fields: SfRecordWrite['fields'], name: string): SfRecordWrite['fields'] {
  return Object.fromEntries(Object.entries(fields).filter(([k]) => k.toLowerCase() !== name.toLowerCase()));
}

/** One problem per refused status value and reason, naming a few of the Leads. */
function statusRefusals(refusals: readonly { id: string; failure: Extract<Outcome, { status: 'failed' }>; status: string }[]): InstallationProblem[] {
  const groups = new Map<string, typeof refusals[number][]>();
  for (const r of refusals) {
    const key = `lead-status-refused:${r.status.toLowerCase()}:${r.failure.code}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups].map(([key, group]) => {
    const { status, failure } = group[0]!;
    const examples = group.slice(0, 5).map((r) => r.id);
    const reason = failure.error.replace(/^Lead \S+: /, '');
    return {
      key,
      code: 'LEAD_STATUS_REFUSED',
      message: `Salesforce refused Lead Status "${status}" for ${group.length} Lead${group.length === 1 ? '' : 's'} (${reason}). ` +
        `Their scores and stage were written; the status was left as it was (e.g. ${examples.join(', ')}).`,
      fix: statusFix(failure.code, status),
      details: { status, errorCode: failure.code, leads: group.length, examples, objectType: 'lead', field: LEAD_STATUS_FIELD, mappingPage: true },
    };
  });
}

function statusFix(code: string, status: string): string {
  switch (code) {
    case 'FIELD_CUSTOM_VALIDATION_EXCEPTION':
      return `A validation rule on Lead refuses "${status}" for these leads (its message is above). Either let the rule accept it (Setup → Object Manager → Lead → ` +
        'Validation Rules → edit the rule, e.g. exempt the Salesforce user Leadstage is connected as), or change or remove the Lead Status transition on Leadstage\'s mapping page.';
    case 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST':
      return `"${status}" is not a Lead Status these leads may take: it was removed from the Lead Status picklist, or their record type lacks it. ` +
        `Choose another Lead Status for it on Leadstage's mapping page, or add "${status}" back (Setup → Object Manager → Lead → Fields & Relationships → Lead Status → Values) ` +
        'and to the record type (Record Types → the record type → Lead Status → Edit, and the lead process it uses).';
    default:
      return `Check why Salesforce refuses Lead Status "${status}" for these leads (the reason is above), or change the Lead Status transition on Leadstage's mapping page.`;
  }
}

/** Leadstage's Number fields go out as numbers; an empty string clears a field; the rest as text. */
function toFieldValue(field: string, value: string, write: CrmWrite): string | number | null {
  if (value === '') return null;
  if (leadstageField(field)?.type === 'Number') {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new FieldValueError(`${write.objectType} ${write.crmId} field ${field}: "${value.slice(0, 40)}" is not a number`);
    return n;
  }
  return value;
}

/** One record's result; `who` names it in messages ("Lead 00Q…"). */
export function recordOutcome(who: string, result: SfSaveResult | undefined): Outcome {
  if (!result) return { status: 'retry', error: `${who}: Salesforce returned no result for this record` };
  if (result.success) return { status: 'ok' };
  const first = result.errors[0];
  if (!first) return { status: 'retry', error: `${who}: Salesforce reported a failure without an error` };
  const text = result.errors.map((e) => `${e.statusCode}${e.fields && e.fields.length > 0 ? ` (field ${e.fields.join(', ')})` : ''}: ${e.message}`).join('; ');
  if (result.errors.every((e) => TRANSIENT_RECORD_CODES.has(e.statusCode))) return { status: 'retry', error: `${who}: ${text}` };
  const permanent = result.errors.find((e) => !TRANSIENT_RECORD_CODES.has(e.statusCode)) ?? first;
  return { status: 'failed', code: permanent.statusCode, error: `${who}: ${text}` };
}

/**
 * Splits updates into calls of at most 200 records with each type contiguous (Leads, then Contacts:
 * at most two type chunks, well under Salesforce's ten) and no record twice in one call; a repeated
 * record goes to a later call, so its writes land in input order.
 */
export function collectionCalls<T extends { record: { type: string; id?: string | undefined } }>(updates: readonly T[], limit = COLLECTION_LIMIT): T[][] {
  const calls: { items: T[]; ids: Set<string> }[] = [];
  for (const update of updates) {
    const id = update.record.id ?? '';
    // the first call after every call that already holds this record
    let from = 0;
    calls.forEach((c, i) => {
      if (c.ids.has(id)) from = i + 1;
    });
    let target = calls.slice(from).find((c) => c.items.length < limit);
    if (!target) {
      target = { items: [], ids: new Set() };
      calls.push(target);
    }
    target.items.push(update);
    target.ids.add(id);
  }
  return calls.map((c) => [...c.items].sort((a, b) => typeOrder(a.record.type) - typeOrder(b.record.type)));
}

function typeOrder(type: string): number {
  return type === 'Lead' ? 0 : type === 'Contact' ? 1 : 2;
}
