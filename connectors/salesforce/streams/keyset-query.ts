/**
 * One page of an incremental read on SystemModstamp: `ORDER BY SystemModstamp, Id` from a keyset
 * (since, lastId), bounded above by the window's end (`SystemModstamp <= until`, the run's `now`),
 * paged by query/queryMore. The position after each page is the last record read, so a queryMore
 * locator that expired (INVALID_QUERY_LOCATOR: locators live ~15 minutes, and only 10 per user)
 * is replaced by re-running the query from that position, which the ORDER BY makes exact.
 */
import type { SalesforceApi, SfQueryPage, SfRecord } from '../salesforce-api.types';
import { stringValue, toIsoDateTime } from '../mapping/sf-record.util';
import { keysetCondition, soqlDateTime } from './soql.util';

export const PAGE_SIZE = 2000;

export interface KeysetPosition {
  /** SystemModstamp of the last record read (ISO), null before the first. */
  since: string | null;
  lastId: string | null;
  /** queryMore locator of the query in progress. */
  nextRecordsUrl: string | null;
}

export interface KeysetSpec {
  sobject: string;
  fields: readonly string[];
  /** Extra conditions (already SOQL), ANDed. */
  where?: readonly string[];
  /** queryAll: deleted and merged records too. */
  includeDeleted: boolean;
  batchSize?: number;
}

export interface KeysetPage {
  records: SfRecord[];
  position: KeysetPosition;
  /** The window is read to its end. */
  done: boolean;
  /** The locator had expired and the query was re-run from the position. */
  restarted: boolean;
}

export function keysetSoql(spec: KeysetSpec, position: Pick<KeysetPosition, 'since' | 'lastId'>, until: string): string {
  const conditions = [keysetCondition(position.since, position.lastId), `SystemModstamp <= ${soqlDateTime(until)}`, ...(spec.where ?? [])]
    .filter((c): c is string => c !== null);
  return `SELECT ${spec.fields.join(', ')} FROM ${spec.sobject} WHERE ${conditions.join(' AND ')} ORDER BY SystemModstamp, Id`;
}

/** INVALID_QUERY_LOCATOR, however the transport surfaces it (errorCode, code, name or message). */
export function isInvalidLocator(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { errorCode?: unknown; code?: unknown; name?: unknown; message?: unknown; sfErrorCode?: unknown };
  return [e.errorCode, e.code, e.name, e.sfErrorCode].includes('INVALID_QUERY_LOCATOR') ||
    (typeof e.message === 'string' && e.message.includes('INVALID_QUERY_LOCATOR'));
}

export async function readKeysetPage(api: SalesforceApi, spec: KeysetSpec, position: KeysetPosition, until: string): Promise<KeysetPage> {
  const batchSize = spec.batchSize ?? PAGE_SIZE;
  let page: SfQueryPage | undefined;
  let restarted = false;
  if (position.nextRecordsUrl) {
    try {
      page = await api.queryMore(position.nextRecordsUrl, { batchSize });
    } catch (error) {
      if (!isInvalidLocator(error)) throw error;
      restarted = true;
    }
  }
  page ??= await api.query(keysetSoql(spec, position, until), { includeDeleted: spec.includeDeleted, batchSize });

  const last = page.records[page.records.length - 1];
  const lastStamp = last ? toIsoDateTime(stringValue(last, 'SystemModstamp')) : null;
  if (last && !lastStamp) throw new Error(`${spec.sobject} record ${stringValue(last, 'Id')} has no SystemModstamp: cannot resume after it`);
  const since = lastStamp ?? position.since;
  const lastId = last ? stringValue(last, 'Id') : position.lastId;
  const more = !page.done && Boolean(page.nextRecordsUrl);
  return {
    records: page.records,
    position: { since, lastId, nextRecordsUrl: more ? page.nextRecordsUrl! : null },
    done: !more,
    restarted,
  };
}

/** Every record of a (small) query: query, then queryMore until done. */
export async function queryAllPages(api: SalesforceApi, soql: string, options: { includeDeleted?: boolean; batchSize?: number } = {}): Promise<SfRecord[]> {
  const records: SfRecord[] = [];
  let page = await api.query(soql, options);
  records.push(...page.records);
  while (!page.done && page.nextRecordsUrl) {
    page = await api.queryMore(page.nextRecordsUrl, options.batchSize ? { batchSize: options.batchSize } : undefined);
    records.push(...page.records);
  }
  return records;
}
