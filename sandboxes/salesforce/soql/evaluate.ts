/**
 * Runs a parsed query against a data source: resolve the sObject, compile the select list, WHERE and
 * ORDER BY once, then one pass over the rows. `totalSize` is the number of records returned (after
 * OFFSET and LIMIT); for `COUNT()` it is the count and `records` is empty. Paging into batches is the
 * server's job.
 */
import type { SoqlQuery } from './ast';
import { requireSObject } from './describe-lookup';
import type { SoqlDataSource } from './data-source';
import { compileSelect, type SoqlResultRecord } from './projection';
import { compileRowQuery, createContext, selectRows } from './row-query';

export type { SoqlRecordAttributes, SoqlResultRecord } from './projection';

export interface ExecuteOptions {
  /** queryAll: deleted rows too (also in sub-queries and semi-joins). */
  includeDeleted: boolean;
  /** `62.0`: goes into each record's `attributes.url`. */
  apiVersion: string;
  /** Epoch ms that TODAY, YESTERDAY, LAST_N_DAYS:n… are relative to; defaults to Date.now(). */
  now?: number;
}

export interface SoqlResult {
  records: SoqlResultRecord[];
  totalSize: number;
}

export function executeSoql(query: SoqlQuery, source: SoqlDataSource, options: ExecuteOptions): SoqlResult {
  const context = createContext(source, {
    includeDeleted: options.includeDeleted,
    apiVersion: options.apiVersion,
    now: options.now ?? Date.now(),
  });
  const describe = requireSObject(source, query.from.text, query.from.position);
  const isCount = query.select.length === 1 && query.select[0]?.kind === 'count';
  // the select list is checked before the rows are read, so a bad field fails even on an empty table
  const build = isCount ? undefined : compileSelect(query.select, describe, context);
  const rows = selectRows(compileRowQuery(query, describe, context), source.rows(describe.name, { includeDeleted: options.includeDeleted }));
  if (!build) return { records: [], totalSize: rows.length };
  const records = rows.map(build);
  return { records, totalSize: records.length };
}
