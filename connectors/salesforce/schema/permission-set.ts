/**
 * Field-level security for the fields Leadstage creates, granted the way a Salesforce admin would:
 * a permission set `Leadstage_Integration` ("Leadstage Integration") with FieldPermissions (read
 * and edit) for each field, assigned to the connected user. A field created through the Tooling API
 * is granted to no profile, so without this the user cannot see the fields it just made.
 *
 * Idempotent: the permission set is found by name, only missing or read-only field permissions are
 * written, the assignment is made once (a concurrent creator's DUPLICATE_VALUE counts as done).
 * Everything is an ordinary sObject over REST. A refusal (the connected user lacks "Manage Profiles
 * and Permission Sets" or "Assign Permission Sets", or "View Setup and Configuration" to read them)
 * is returned with the step that failed, not thrown: the caller reports the admin's steps and the
 * sync goes on. Retryable failures (5xx, the quota) are thrown for the job to retry.
 */
import { DailyQuotaExhaustedError } from '../../../src/rate-limit/daily-quota-exhausted-error';
import { SalesforceApiError } from '../salesforce-api-error';
import type { SalesforceApi, SfRecord, SfRecordWrite, SfSaveResult } from '../salesforce-api.types';
import { soqlLiteral } from '../write/soql-literal.util';

export const PERMISSION_SET_NAME = 'Leadstage_Integration';
export const PERMISSION_SET_LABEL = 'Leadstage Integration';
const DESCRIPTION = 'Read and edit access to the fields Leadstage creates and writes (scores, stage, reasons, SLA, task key).';
const CHUNK = 200;

/** A field to grant: FieldPermissions.Field is `<sobject>.<field>` (Task, not Activity, for a Task custom field). */
export interface FieldGrant {
  sobject: string;
  field: string;
}

export type GrantOutcome =
  | { ok: true; permissionSetId: string; permissionsWritten: number; assigned: boolean }
  | { ok: false; step: string; reason: string };

type GrantApi = Pick<SalesforceApi, 'query' | 'queryMore' | 'createRecords' | 'updateRecords' | 'currentUserId'>;

class Refused extends Error {
  constructor(readonly step: string, readonly reason: string) {
    super(`${step}: ${reason}`);
  }
}

export async function grantFieldAccess(api: GrantApi, fields: readonly FieldGrant[]): Promise<GrantOutcome> {
  try {
    const permissionSetId = await findOrCreatePermissionSet(api);
    const permissionsWritten = await ensureFieldPermissions(api, permissionSetId, fields);
    const assigned = await ensureAssignment(api, permissionSetId);
    return { ok: true, permissionSetId, permissionsWritten, assigned };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, step: error.step, reason: error.reason };
    throw error;
  }
}

async function findOrCreatePermissionSet(api: GrantApi): Promise<string> {
  const step = `find or create the permission set ${PERMISSION_SET_NAME}`;
  const found = await call(step, () => all(api, `SELECT Id FROM PermissionSet WHERE Name = ${soqlLiteral(PERMISSION_SET_NAME)}`));
  if (found[0]) return String(found[0].Id);
  const [result] = await create(api, step, [{ type: 'PermissionSet', fields: { Name: PERMISSION_SET_NAME, Label: PERMISSION_SET_LABEL, Description: DESCRIPTION } }]);
  if (result?.success && result.id) return result.id;
  // created meanwhile by another worker: read it back
  if (result?.errors.some((e) => e.statusCode === 'DUPLICATE_VALUE' || e.statusCode === 'DUPLICATE_DEVELOPER_NAME')) {
    const again = await call(step, () => all(api, `SELECT Id FROM PermissionSet WHERE Name = ${soqlLiteral(PERMISSION_SET_NAME)}`));
    if (again[0]) return String(again[0].Id);
  }
  throw new Refused(step, describeFailure(result));
}

/** Creates the missing FieldPermissions and gives edit to read-only ones; returns how many were written. */
async function ensureFieldPermissions(api: GrantApi, permissionSetId: string, fields: readonly FieldGrant[]): Promise<number> {
  const step = `grant read and edit on the Leadstage fields in ${PERMISSION_SET_NAME}`;
  const existing = new Map<string, SfRecord>();
  for (const row of await call(step, () => all(api, `SELECT Id, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId = ${soqlLiteral(permissionSetId)}`))) {
    existing.set(String(row.Field).toLowerCase(), row);
  }
  const creates: SfRecordWrite[] = [];
  const updates: (SfRecordWrite & { id: string })[] = [];
  for (const { sobject, field } of fields) {
    const path = `${sobject}.${field}`;
    const row = existing.get(path.toLowerCase());
    if (!row) creates.push({ type: 'FieldPermissions', fields: { ParentId: permissionSetId, SobjectType: sobject, Field: path, PermissionsRead: true, PermissionsEdit: true } });
    else if (row.PermissionsRead !== true || row.PermissionsEdit !== true) updates.push({ type: 'FieldPermissions', id: String(row.Id), fields: { PermissionsRead: true, PermissionsEdit: true } });
  }
  let written = 0;
  for (let i = 0; i < creates.length; i += CHUNK) {
    const batch = creates.slice(i, i + CHUNK);
    const results = await create(api, step, batch);
    results.forEach((result, j) => {
      // DUPLICATE_VALUE: another worker granted it first
      if (result.success || result.errors.some((e) => e.statusCode === 'DUPLICATE_VALUE')) written += result.success ? 1 : 0;
      else throw new Refused(step, `${String(batch[j]!.fields.Field)}: ${describeFailure(result)}`);
    });
  }
  for (let i = 0; i < updates.length; i += CHUNK) {
    const batch = updates.slice(i, i + CHUNK);
    const results = await call(step, () => api.updateRecords(batch));
    results.forEach((result, j) => {
      if (!result.success) throw new Refused(step, `${batch[j]!.id}: ${describeFailure(result)}`);
      written += 1;
    });
  }
  return written;
}

async function ensureAssignment(api: GrantApi, permissionSetId: string): Promise<boolean> {
  const step = `assign ${PERMISSION_SET_NAME} to the connected user`;
  const userId = await call(step, () => api.currentUserId());
  const found = await call(step, () => all(api, `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = ${soqlLiteral(userId)} AND PermissionSetId = ${soqlLiteral(permissionSetId)}`));
  if (found.length > 0) return false;
  const [result] = await create(api, step, [{ type: 'PermissionSetAssignment', fields: { AssigneeId: userId, PermissionSetId: permissionSetId } }]);
  if (result?.success) return true;
  if (result?.errors.some((e) => e.statusCode === 'DUPLICATE_VALUE')) return false;
  throw new Refused(step, describeFailure(result));
}

async function all(api: GrantApi, soql: string): Promise<SfRecord[]> {
  const records: SfRecord[] = [];
  let page = await api.query(soql);
  records.push(...page.records);
  while (!page.done && page.nextRecordsUrl) {
    page = await api.queryMore(page.nextRecordsUrl);
    records.push(...page.records);
  }
  return records;
}

function create(api: GrantApi, step: string, records: readonly SfRecordWrite[]): Promise<SfSaveResult[]> {
  return call(step, () => api.createRecords(records));
}

/** A non-retryable refusal of a whole call is the step's answer; anything retryable goes up to the job. */
async function call<T>(step: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DailyQuotaExhaustedError || !(error instanceof SalesforceApiError) || error.retryable) throw error;
    throw new Refused(step, `${error.errorCode}: ${error.message.replace(/^Salesforce \S+ \S+ answered \d+ \S+: /, '')}`);
  }
}

function describeFailure(result: SfSaveResult | undefined): string {
  if (!result) return 'Salesforce returned no result';
  return result.errors.map((e) => `${e.statusCode}: ${e.message}`).join('; ') || 'refused without an error';
}
