/**
 * How stored records are shown: HubSpot's SimplePublicObject (`{id, properties, createdAt,
 * updatedAt, archived}`) with exactly the requested properties (null when unset) plus the few it
 * always returns, and helpers for the `properties=a,b` and `limit` query parameters.
 */
import type { CrmRecord } from './crm-record';
import { validationError } from './errors';
import type { CrmCollection } from './store';

export interface ApiObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  associations?: Record<string, { results: { id: string; type: string }[] }>;
}

export function toApiObject(record: CrmRecord, collection: CrmCollection, requested?: readonly string[]): ApiObject {
  const names = requested && requested.length > 0 ? [...collection.alwaysProperties, ...requested] : collection.defaultProperties;
  const properties: Record<string, string | null> = {};
  for (const name of names) {
    const value = record.properties[name];
    // A value cleared through the API ("") reads back as null, like an unset property.
    properties[name] = value === undefined || value === '' ? null : value;
  }
  return { id: record.id, properties, createdAt: record.createdAt, updatedAt: record.updatedAt, archived: false };
}

/** `properties=a,b&properties=c` → ['a','b','c'] (the SDK sends one comma-joined value). */
export function listParam(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(','));
  const names = parts.map((p) => p.trim()).filter((p) => p !== '');
  return names.length > 0 ? names : undefined;
}

export function intParam(value: unknown, name: string, fallback: number, max: number, min = 1): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw validationError(`${name} must be an integer between ${min} and ${max}, got ${String(value)}`);
  }
  return n;
}

export function stringParam(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? String(value[0]) : String(value);
  return text === '' ? undefined : text;
}
