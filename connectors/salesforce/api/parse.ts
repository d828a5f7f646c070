/**
 * Salesforce's answers read into the shapes of salesforce-api.types.ts. A body is never trusted to
 * have the shape the docs promise: each field is checked, a missing optional one gets its default,
 * and an answer without what the call is for (records, a job id, a state, fields) is a retryable
 * INVALID_RESPONSE error (a proxy's error page, a truncated body) rather than a crash further on.
 */
import { parseCsv } from '../../../src/connector/shared/rfc4180-csv.util';
import { SalesforceApiError, scrubSecrets } from '../salesforce-api-error';
import type { SfBulkJobState, SfDescribe, SfFieldDescribe, SfQueryPage, SfRecord, SfSaveResult } from '../salesforce-api.types';

/** Retryable: the same call usually answers properly the next time. */
function invalidResponse(endpoint: string, message: string): SalesforceApiError {
  return new SalesforceApiError(`Salesforce ${endpoint} ${message}`, endpoint, 200, 'INVALID_RESPONSE', true);
}

/** `GET /query`, `/queryAll` and a locator page; `done` unless Salesforce says otherwise. */
export function parseQueryPage<T extends SfRecord>(body: unknown, endpoint: string): SfQueryPage<T> {
  const page = body as Partial<SfQueryPage<T>> | null;
  if (!page || !Array.isArray(page.records)) throw invalidResponse(endpoint, 'answered without records');
  return {
    records: page.records,
    totalSize: typeof page.totalSize === 'number' ? page.totalSize : page.records.length,
    done: page.done !== false,
    ...(page.nextRecordsUrl ? { nextRecordsUrl: page.nextRecordsUrl } : {}),
  };
}

/**
 * sObject Collections answer one result per record, in input order: any other count would pin the
 * outcomes on the wrong records, so it is refused whole. Salesforce's messages may quote a value
 * we sent, so they are scrubbed of secrets like every other message.
 */
export function parseSaveResults(body: unknown, expected: number, endpoint: string, secrets: readonly string[]): SfSaveResult[] {
  if (!Array.isArray(body) || body.length !== expected) {
    throw invalidResponse(endpoint, `answered ${Array.isArray(body) ? body.length : 'no'} results for ${expected} records`);
  }
  return body.map((raw: unknown) => {
    const r = (raw ?? {}) as { id?: unknown; success?: unknown; errors?: unknown };
    const errors = Array.isArray(r.errors) ? r.errors : [];
    return {
      id: typeof r.id === 'string' ? r.id : null,
      success: r.success === true,
      errors: errors.map((e: unknown) => parseSaveError(e, secrets)),
    };
  });
}

function parseSaveError(raw: unknown, secrets: readonly string[]): SfSaveResult['errors'][number] {
  const error = (raw ?? {}) as { statusCode?: unknown; message?: unknown; fields?: unknown };
  return {
    statusCode: typeof error.statusCode === 'string' ? error.statusCode : 'UNKNOWN',
    message: scrubSecrets(typeof error.message === 'string' ? error.message : '', secrets),
    ...(Array.isArray(error.fields) ? { fields: error.fields.map(String) } : {}),
  };
}

/** `POST /jobs/query`: the new Bulk 2.0 job's id. */
export function parseBulkJobId(body: unknown, endpoint: string): { jobId: string } {
  const id = (body as { id?: unknown } | null | undefined)?.id;
  if (typeof id !== 'string') throw invalidResponse(endpoint, 'answered without a job id');
  return { jobId: id };
}

/** `GET /jobs/query/<id>`: an empty errorMessage means none. */
export function parseBulkJobState(body: unknown, endpoint: string): { state: SfBulkJobState; numberRecordsProcessed: number; errorMessage?: string } {
  const job = (body ?? {}) as { state?: unknown; numberRecordsProcessed?: unknown; errorMessage?: unknown };
  if (typeof job.state !== 'string') throw invalidResponse(endpoint, 'answered without a state');
  return {
    state: job.state as SfBulkJobState,
    numberRecordsProcessed: typeof job.numberRecordsProcessed === 'number' ? job.numberRecordsProcessed : 0,
    ...(typeof job.errorMessage === 'string' && job.errorMessage !== '' ? { errorMessage: job.errorMessage } : {}),
  };
}

/**
 * A page of a Bulk 2.0 job's results: the raw CSV, parsed here (RFC 4180) rather than by jsforce's
 * multi-delimiter parse; Sforce-Locator names the next page, and says "null" after the last one.
 */
export function parseBulkResults(body: unknown, headers: Record<string, string>): { records: Record<string, string>[]; locator: string | null } {
  const next = headers['sforce-locator'];
  return { records: parseCsv(typeof body === 'string' ? body : ''), locator: next && next !== 'null' ? next : null };
}

/** `GET /sobjects/<T>/describe`: the object's name (ours if absent) and its fields. */
export function parseDescribe(body: unknown, sobject: string, endpoint: string): SfDescribe {
  const described = body as { name?: unknown; fields?: unknown } | null | undefined;
  if (!Array.isArray(described?.fields)) throw invalidResponse(endpoint, 'answered without fields');
  return { name: typeof described.name === 'string' ? described.name : sobject, fields: described.fields.map(parseFieldDescribe) };
}

function parseFieldDescribe(raw: unknown): SfFieldDescribe {
  const f = (raw ?? {}) as Record<string, unknown>;
  const picklist = Array.isArray(f.picklistValues) ? f.picklistValues : [];
  return {
    name: String(f.name ?? ''),
    type: String(f.type ?? ''),
    label: String(f.label ?? f.name ?? ''),
    updateable: f.updateable === true,
    createable: f.createable === true,
    custom: f.custom === true,
    ...(typeof f.length === 'number' ? { length: f.length } : {}),
    ...(typeof f.externalId === 'boolean' ? { externalId: f.externalId } : {}),
    ...(typeof f.unique === 'boolean' ? { unique: f.unique } : {}),
    ...(picklist.length > 0 ? { picklistValues: picklist.map(parsePicklistValue) } : {}),
  };
}

function parsePicklistValue(raw: unknown): NonNullable<SfFieldDescribe['picklistValues']>[number] {
  const v = (raw ?? {}) as Record<string, unknown>;
  return { value: String(v.value ?? ''), active: v.active !== false, ...(typeof v.defaultValue === 'boolean' ? { defaultValue: v.defaultValue } : {}) };
}

/** `GET /services/oauth2/userinfo`: the user's id (`user_id`, a User id 005…). */
export function parseUserId(body: unknown, endpoint: string): string {
  const id = (body as { user_id?: unknown } | null | undefined)?.user_id;
  if (typeof id !== 'string' || !/^005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/.test(id)) throw invalidResponse(endpoint, 'answered without a user id');
  return id;
}
