/**
 * The row-selecting part of a query (WHERE, ORDER BY, OFFSET, LIMIT), shared by the outer query, child
 * sub-queries and semi-join sub-selects; and the context they compile in.
 */
import type { SoqlQuery } from './ast';
import { keyFunction } from './compare';
import type { SoqlContext } from './context';
import { resolveFieldPath } from './field-path';
import { compileCondition, type RowPredicate } from './filter';
import type { SoqlDataSource, SoqlObjectDescribe, SoqlRow } from './data-source';
import { compileOrderBy, type RowSorter } from './order-by';
import { malformed } from './soql-error';

export interface RowQuery {
  matches: RowPredicate;
  sort: RowSorter;
  offset: number;
  limit: number | undefined;
}

export function compileRowQuery(query: SoqlQuery, describe: SoqlObjectDescribe, context: SoqlContext): RowQuery {
  return {
    matches: query.where ? compileCondition(query.where, describe, context) : () => true,
    sort: compileOrderBy(query.orderBy, describe, context),
    offset: query.offset ?? 0,
    limit: query.limit,
  };
}

/** The rows a query returns from candidate rows: filtered, sorted, then windowed. */
export function selectRows(rowQuery: RowQuery, rows: Iterable<SoqlRow>): SoqlRow[] {
  const matching: SoqlRow[] = [];
  for (const row of rows) if (rowQuery.matches(row)) matching.push(row);
  const take = rowQuery.limit === undefined ? undefined : rowQuery.offset + rowQuery.limit;
  return applyWindow(rowQuery.sort(matching, take), rowQuery);
}

/** OFFSET then LIMIT, on rows already filtered and sorted. */
export function applyWindow(rows: SoqlRow[], window: Pick<RowQuery, 'offset' | 'limit'>): SoqlRow[] {
  if (window.offset === 0 && (window.limit === undefined || window.limit >= rows.length)) return rows;
  return rows.slice(window.offset, window.limit === undefined ? undefined : window.offset + window.limit);
}

export function createContext(source: SoqlDataSource, options: { includeDeleted: boolean; apiVersion: string; now: number }): SoqlContext {
  const context: SoqlContext = {
    source,
    ...options,
    semiJoinValues(query, describe) {
      const item = query.select[0];
      if (query.select.length !== 1 || item?.kind !== 'field') {
        throw malformed('a semi-join sub-select must select exactly one field (an Id or reference field)', query.from.position);
      }
      const field = resolveFieldPath(item.path, describe, context);
      if (field.type !== 'id' && field.type !== 'reference') {
        throw malformed(`the field '${field.text}' selected by a semi-join sub-select must be an Id or reference field`, item.path.position);
      }
      const toKey = keyFunction(field.type);
      const values = new Set<string>();
      for (const row of selectRows(compileRowQuery(query, describe, context), source.rows(describe.name, { includeDeleted: options.includeDeleted }))) {
        const key = toKey(field.read(row));
        if (typeof key === 'string') values.add(key);
      }
      return values;
    },
  };
  return context;
}
