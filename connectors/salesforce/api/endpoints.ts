/**
 * Each call of the SalesforceApi contract (salesforce-api.types.ts) as one small function: check the
 * arguments (./requests), send through the transport (./transport), read the answer (./parse).
 * Arguments are checked before `send`, so a bad one costs no budget and no limiter lease.
 */
import type { SfDescribe, SfQueryOptions, SfQueryPage, SfRecord, SfRecordWrite, SfSaveResult } from '../salesforce-api.types';
import { parseBulkJobId, parseBulkJobState, parseBulkResults, parseDescribe, parseQueryPage, parseSaveResults, parseUserId } from './parse';
import {
  assertCollectionSize, assertCustomFieldName, assertJobId, assertQueryLocatorPath, assertResultLocator, assertSobjectName,
  autoAssignHeaders, batchSizeHeaders, bulkQueryJobBody, bulkResultsPath, collectionBody,
} from './requests';
import type { Send } from './transport';

export type LimitsBody = Record<string, { Max: number; Remaining: number }>;

/** `queryAll` includes deleted and merged records. */
export async function query<T extends SfRecord>(send: Send, soql: string, options: SfQueryOptions = {}): Promise<SfQueryPage<T>> {
  const resource = options.includeDeleted ? 'queryAll' : 'query';
  const endpoint = `GET /${resource}`;
  const { body } = await send<unknown>('standard', endpoint, {
    method: 'GET', path: `/${resource}?q=${encodeURIComponent(soql)}`, headers: batchSizeHeaders(options.batchSize),
  });
  return parseQueryPage<T>(body, endpoint);
}

/** A cursor from the store must not point the token elsewhere: only Salesforce's own locator paths. */
export async function queryMore<T extends SfRecord>(send: Send, nextRecordsUrl: string, options: Pick<SfQueryOptions, 'batchSize'> = {}): Promise<SfQueryPage<T>> {
  const endpoint = 'GET /query/<locator>';
  assertQueryLocatorPath(nextRecordsUrl, endpoint);
  const { body } = await send<unknown>('standard', endpoint, { method: 'GET', path: nextRecordsUrl, headers: batchSizeHeaders(options.batchSize) });
  return parseQueryPage<T>(body, endpoint);
}

export async function bulkQueryStart(send: Send, soql: string, options: { includeDeleted?: boolean } = {}): Promise<{ jobId: string }> {
  const endpoint = 'POST /jobs/query';
  const { body } = await send<unknown>('bulk', endpoint, { method: 'POST', path: '/jobs/query', body: bulkQueryJobBody(soql, options.includeDeleted) });
  return parseBulkJobId(body, endpoint);
}

export async function bulkQueryState(send: Send, jobId: string) {
  const endpoint = 'GET /jobs/query/<id>';
  assertJobId(jobId, endpoint);
  const { body } = await send<unknown>('bulk', endpoint, { method: 'GET', path: `/jobs/query/${jobId}` });
  return parseBulkJobState(body, endpoint);
}

/** text/plain: the raw CSV reaches our parser untouched (jsforce's own CSV step splits on six delimiters). */
export async function bulkQueryResults(send: Send, jobId: string, locator: string | null, maxRecords: number) {
  const endpoint = 'GET /jobs/query/<id>/results';
  assertJobId(jobId, endpoint);
  assertResultLocator(locator, endpoint);
  const { body, headers } = await send<string>('bulk', endpoint, {
    method: 'GET', path: bulkResultsPath(jobId, locator, maxRecords), headers: { Accept: 'text/csv' },
  }, { responseType: 'text/plain' });
  return parseBulkResults(body, headers);
}

export async function describe(send: Send, sobject: string): Promise<SfDescribe> {
  const endpoint = `GET /sobjects/${sobject}/describe`;
  assertSobjectName(sobject);
  const { body } = await send<unknown>('standard', endpoint, { method: 'GET', path: `/sobjects/${sobject}/describe` });
  return parseDescribe(body, sobject, endpoint);
}

/** Only a handoff that asks for the org's assignment rules (autoAssign) gets them. */
export async function updateRecords(send: Send, secrets: () => string[], records: readonly SfRecordWrite[], options: { autoAssign?: boolean } = {}): Promise<SfSaveResult[]> {
  const endpoint = 'PATCH /composite/sobjects';
  if (records.length === 0) return [];
  assertCollectionSize(records);
  const body = collectionBody(records, true);
  const sent = await send<unknown>('standard', endpoint, { method: 'PATCH', path: '/composite/sobjects', body, headers: autoAssignHeaders(options.autoAssign) });
  return parseSaveResults(sent.body, records.length, endpoint, secrets());
}

/** Creates never run assignment rules: the writers decide owners themselves. */
export async function createRecords(send: Send, secrets: () => string[], records: readonly SfRecordWrite[]): Promise<SfSaveResult[]> {
  const endpoint = 'POST /composite/sobjects';
  if (records.length === 0) return [];
  assertCollectionSize(records);
  const body = collectionBody(records, false);
  const sent = await send<unknown>('standard', endpoint, { method: 'POST', path: '/composite/sobjects', body, headers: autoAssignHeaders(false) });
  return parseSaveResults(sent.body, records.length, endpoint, secrets());
}

/**
 * `GET /limits` skips the budget check: it is how the budget gets its reading (before the first
 * request, the check itself calls this).
 */
export async function readLimits(send: Send, observe: (limits: LimitsBody) => void): Promise<LimitsBody> {
  const { body } = await send<LimitsBody>('standard', 'GET /limits', { method: 'GET', path: '/limits' }, { skipBudget: true });
  observe(body);
  return body;
}

/** Tooling API: a custom field (`Lead.Leadstage_Stage__c`) with its metadata. */
export async function createCustomField(send: Send, fullName: string, metadata: Record<string, unknown>): Promise<void> {
  const endpoint = 'POST /tooling/sobjects/CustomField';
  assertCustomFieldName(fullName);
  await send<unknown>('standard', endpoint, { method: 'POST', path: '/tooling/sobjects/CustomField', body: { FullName: fullName, Metadata: metadata } });
}

/** OpenID Connect userinfo: who the token belongs to (`user_id`, 005…), for the permission set assignment. */
export async function currentUserId(send: Send): Promise<string> {
  const endpoint = 'GET /services/oauth2/userinfo';
  const { body } = await send<unknown>('standard', endpoint, { method: 'GET', path: '/services/oauth2/userinfo' });
  return parseUserId(body, endpoint);
}
