/**
 * Reading values out of Salesforce records as the REST API returns them (fields by API name, a
 * parent as a nested object or null, datetimes as `2026-11-27T12:00:00.000+0000`). Bulk results are
 * turned into the same shape first (streams/bulk-csv.util.ts), so one mapper serves both.
 */
import type { CrmObjectType } from '../../../src/connector/crm-connector';
import type { SfRecord } from '../salesforce-api.types';

export type SfScalar = string | number | boolean | null;

function own(record: Record<string, unknown>, name: string): unknown {
  if (name in record) return record[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(record)) if (key.toLowerCase() === lower) return record[key];
  return undefined;
}

/** The value at `Email` or `Account.Industry` (null when the parent is absent); objects are not values. */
export function fieldValue(record: SfRecord | Record<string, unknown>, path: string): SfScalar {
  let current: unknown = record;
  for (const part of path.split('.')) {
    if (current === null || current === undefined || typeof current !== 'object') return null;
    current = own(current as Record<string, unknown>, part);
  }
  if (typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean') return current;
  return null;
}

export function stringValue(record: SfRecord | Record<string, unknown>, path: string): string | null {
  const value = fieldValue(record, path);
  if (value === null) return null;
  const text = String(value).trim();
  return text === '' ? null : text;
}

/** Salesforce datetimes (`+0000`, `Z`, with or without ms) → ISO 8601 UTC with ms; anything else unchanged. */
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export function isDateTimeText(value: string): boolean {
  return DATETIME.test(value);
}

export function toIsoDateTime(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const text = value.trim();
  // Date.parse wants "+00:00"; Salesforce writes "+0000"
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** A date-only value (`2026-11-27`, Task.ActivityDate, CampaignMember.FirstRespondedDate) as UTC midnight. */
export function dateOnlyToIso(value: string | null | undefined): string | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return toIsoDateTime(value);
  return `${value.trim()}T00:00:00.000Z`;
}

/** Lead ids start 00Q, Contact ids 003: the key prefix names the object (WhoId is polymorphic). */
export function objectTypeOfId(id: string | null | undefined): CrmObjectType | null {
  if (!id) return null;
  if (id.startsWith('00Q')) return 'lead';
  if (id.startsWith('003')) return 'contact';
  return null;
}

/** A value as the writer compares it: text as is, numbers plainly, booleans as words, datetimes in ISO. */
export function comparableText(value: SfScalar): string | null {
  if (value === null) return null;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  const text = value.trim();
  if (text === '') return null;
  return isDateTimeText(text) ? (toIsoDateTime(text) ?? text) : value;
}
