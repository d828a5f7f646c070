/**
 * ORDER BY: each row's sort keys are computed once (n × keys, not once per comparison), then an index
 * array is sorted. Number-like keys (numbers, booleans, dates, datetimes) live in a Float64Array with
 * NaN for null, so 100,000 keys allocate nothing per row. Nulls go first or last per item regardless of
 * direction (ASC defaults to NULLS FIRST, DESC to NULLS LAST, as in Salesforce); ties keep source order.
 */
import type { SoqlOrderItem } from './ast';
import { keyFunction, valueKind, type Key } from './compare';
import type { SoqlContext } from './context';
import type { SoqlObjectDescribe, SoqlRow } from './data-source';
import { resolveFieldPath } from './field-path';
import { sortPrefix } from './partial-sort';

/** Sorts rows; with `take`, only the first `take` of the result are needed (OFFSET + LIMIT). */
export type RowSorter = (rows: SoqlRow[], take?: number) => SoqlRow[];

/** Compares two rows by their index into the rows being sorted. */
type IndexComparator = (a: number, b: number) => number;

interface SortColumn {
  /** Computes this column's keys for the rows and returns the comparator over them. */
  prepare(rows: SoqlRow[]): IndexComparator;
}

export function compileOrderBy(items: SoqlOrderItem[], describe: SoqlObjectDescribe, context: SoqlContext): RowSorter {
  if (items.length === 0) return (rows) => rows;
  const columns = items.map((item) => sortColumn(item, describe, context));
  return (rows, take = rows.length) => {
    const comparators = columns.map((column) => column.prepare(rows));
    const first = comparators[0]!;
    // ties broken by source index: a total order, so the sort is stable and a partial sort agrees with it
    const compare: IndexComparator =
      comparators.length === 1
        ? (a, b) => first(a, b) || a - b
        : (a, b) => {
            for (const comparator of comparators) {
              const result = comparator(a, b);
              if (result !== 0) return result;
            }
            return a - b;
          };
    const order = sortPrefix(rows.map((_row, index) => index), take, compare);
    return order.map((index) => rows[index]!);
  };
}

function sortColumn(item: SoqlOrderItem, describe: SoqlObjectDescribe, context: SoqlContext): SortColumn {
  const field = resolveFieldPath(item.path, describe, context);
  const toKey = keyFunction(field.type);
  const direction = item.descending ? -1 : 1;
  const nullOrder = item.nullsFirst ? -1 : 1;
  if (valueKind(field.type) === 'text') {
    return {
      prepare(rows) {
        const keys = rows.map((row) => toKey(field.read(row)) as string | null);
        return (a, b) => {
          const left = keys[a]!;
          const right = keys[b]!;
          if (left === right) return 0;
          if (left === null) return nullOrder;
          if (right === null) return -nullOrder;
          return left < right ? -direction : direction;
        };
      },
    };
  }
  return {
    prepare(rows) {
      const keys = new Float64Array(rows.length);
      rows.forEach((row, index) => {
        const key: Key | null = toKey(field.read(row));
        keys[index] = key === null ? NaN : (key as number);
      });
      return (a, b) => {
        const left = keys[a]!;
        const right = keys[b]!;
        if (left === right) return 0;
        const leftNull = Number.isNaN(left);
        const rightNull = Number.isNaN(right);
        if (leftNull || rightNull) return leftNull === rightNull ? 0 : leftNull ? nullOrder : -nullOrder;
        return left < right ? -direction : direction;
      };
    },
  };
}
