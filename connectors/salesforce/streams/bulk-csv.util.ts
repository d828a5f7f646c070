/**
 * A Bulk API 2.0 result row (CSV: every value a string, empty for null, parents as `Account.Industry`
 * columns) → a record shaped like the REST API's (typed values by the describe types, parents as
 * nested objects, null when the row has no parent), so one mapper serves both paths.
 */
import type { SfRecord } from '../salesforce-api.types';

const NUMBER_TYPES = new Set(['int', 'double', 'currency', 'percent', 'long']);

function typed(raw: string, type: string | undefined): string | number | boolean | null {
  if (raw === '') return null;
  if (type === 'boolean') return raw.toLowerCase() === 'true';
  if (type !== undefined && NUMBER_TYPES.has(type)) {
    const n = Number(raw);
    return Number.isFinite(n) ? n : null;
  }
  return raw;
}

export function typeBulkRecord(row: Record<string, string>, types: ReadonlyMap<string, string>, sobject: string): SfRecord {
  const byLower = new Map([...types].map(([path, type]) => [path.toLowerCase(), { path, type }]));
  const out: Record<string, unknown> = { attributes: { type: sobject } };
  const parents = new Map<string, Record<string, unknown>>();
  for (const [column, raw] of Object.entries(row)) {
    const known = byLower.get(column.toLowerCase());
    const path = known?.path ?? column;
    const value = typed(raw, known?.type);
    const dot = path.indexOf('.');
    if (dot === -1) {
      out[path] = value;
      continue;
    }
    const relationship = path.slice(0, dot);
    const parent = parents.get(relationship) ?? {};
    parent[path.slice(dot + 1)] = value;
    parents.set(relationship, parent);
  }
  for (const [relationship, parent] of parents) {
    out[relationship] = Object.values(parent).every((v) => v === null) ? null : parent;
  }
  return out as SfRecord;
}
