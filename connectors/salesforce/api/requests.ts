/**
 * What goes out, checked before it does. Ids, names and locators come from the store and from
 * earlier answers, and end up in a URL path next to the org's token: each must look like what
 * Salesforce issues, so a bad cursor can never point a request (and its token) anywhere else.
 * A malformed argument is a caller's bug: RangeError, or a non-retryable SalesforceApiError where
 * the value came from Salesforce or the store (a stored cursor) rather than from our code.
 */
import { SalesforceApiError } from '../salesforce-api-error';
import type { SfRecordWrite } from '../salesforce-api.types';

const SOBJECT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;
const JOB_ID = /^[A-Za-z0-9]{15,18}$/;
/** Only Salesforce's own query locator paths (`nextRecordsUrl`). */
const QUERY_LOCATOR_PATH = /^\/services\/data\/v\d+\.\d\/(query|queryAll)\/[A-Za-z0-9-]+$/;
const RESULT_LOCATOR = /^[A-Za-z0-9_=-]{1,200}$/;
const CUSTOM_FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*__c$/;
/** sObject Collections' limit per call. */
const MAX_COLLECTION = 200;

export function assertSobjectName(sobject: string): void {
  if (!SOBJECT_NAME.test(sobject)) throw new RangeError(`not an sObject name: "${sobject}"`);
}

export function assertJobId(jobId: string, endpoint: string): void {
  if (!JOB_ID.test(jobId)) throw new SalesforceApiError(`Salesforce ${endpoint}: "${jobId.slice(0, 40)}" is not a job id`, endpoint, null, 'INVALID_ID', false);
}

export function assertQueryLocatorPath(nextRecordsUrl: string, endpoint: string): void {
  if (!QUERY_LOCATOR_PATH.test(nextRecordsUrl)) {
    throw new SalesforceApiError(`Salesforce ${endpoint}: "${nextRecordsUrl.slice(0, 120)}" is not a query locator path`, endpoint, null, 'INVALID_LOCATOR', false);
  }
}

export function assertResultLocator(locator: string | null, endpoint: string): void {
  if (locator !== null && !RESULT_LOCATOR.test(locator)) {
    throw new SalesforceApiError(`Salesforce ${endpoint}: "${locator.slice(0, 60)}" is not a result locator`, endpoint, null, 'INVALID_LOCATOR', false);
  }
}

export function assertCustomFieldName(fullName: string): void {
  if (!CUSTOM_FIELD_NAME.test(fullName)) throw new RangeError(`not a custom field name: "${fullName}"`);
}

/** The caller batches; a bigger call would be refused whole by Salesforce. */
export function assertCollectionSize(records: readonly unknown[]): void {
  if (records.length > MAX_COLLECTION) throw new RangeError(`sObject Collections take at most ${MAX_COLLECTION} records, got ${records.length}`);
}

/** Salesforce accepts 200..2000 and may still return a different page size. */
export function batchSizeHeaders(batchSize: number | undefined): Record<string, string> {
  if (batchSize === undefined) return {};
  const size = Math.min(2000, Math.max(200, Math.floor(batchSize)));
  return { 'Sforce-Query-Options': `batchSize=${size}` };
}

/**
 * REST applies the org's active assignment rules on every Lead create/update unless told not to:
 * only a handoff that asks for them gets TRUE.
 */
export function autoAssignHeaders(autoAssign: boolean | undefined): Record<string, string> {
  return { 'Sforce-Auto-Assign': autoAssign ? 'TRUE' : 'FALSE' };
}

/** `allOrNone: false`: one bad record must not sink the others in its call. */
export function collectionBody(records: readonly SfRecordWrite[], withIds: boolean) {
  return {
    allOrNone: false,
    records: records.map((r) => {
      assertSobjectName(r.type);
      if (withIds && !r.id) throw new RangeError(`an update of a ${r.type} needs its id`);
      return { attributes: { type: r.type }, ...(withIds ? { id: r.id } : {}), ...r.fields };
    }),
  };
}

/** CSV with commas and LF, which is what our RFC 4180 parser reads. */
export function bulkQueryJobBody(soql: string, includeDeleted: boolean | undefined) {
  return { operation: includeDeleted ? 'queryAll' : 'query', query: soql, contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF' };
}

export function bulkResultsPath(jobId: string, locator: string | null, maxRecords: number): string {
  const qs = new URLSearchParams({ maxRecords: String(Math.max(1, Math.floor(maxRecords))) });
  if (locator !== null) qs.set('locator', locator);
  return `/jobs/query/${jobId}/results?${qs.toString()}`;
}
