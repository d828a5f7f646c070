/**
 * One Salesforce Lead or Contact (with its Account's fields and, for a contact, its opportunity
 * counts) → the canonical PulledPerson, by the read mappings. Values are normalised here, at the
 * boundary: emails lower-cased, numbers parsed, countries to ISO alpha-2, picklist values through
 * the mapping's `values` table (industry, Lead Status), BANT answers to booleans.
 */
import type { Person } from '../../../src/model/person';
import type { PulledEvent, PulledPerson } from '../../../src/connector/crm-connector';
import type { SfRecord } from '../salesforce-api.types';
import { normaliseCountry } from '../../../src/connector/shared/country.util';
import type { SalesforceFieldMappings } from './field-mappings';
import type { SalesforceFieldMapping, SalesforceObjectType } from './mapping-schema';
import { comparableText, dateOnlyToIso, fieldValue, isDateTimeText, toIsoDateTime, type SfScalar } from './sf-record.util';

type Canonical = Omit<Person, 'id'>;

export interface DealSummary {
  open: number;
  won: number;
  /** The won opportunities' amounts added up, when at least one has an amount (ROI's revenue). */
  wonAmount?: number;
  /** StageName of the open opportunities, for the rep and the reasons. */
  openStages: string[];
}

export const NO_DEALS: DealSummary = { open: 0, won: 0, openStages: [] };

const STRING_FIELDS = new Set(['email', 'firstName', 'lastName', 'title', 'company', 'industry', 'phone', 'ownerId', 'leadStatus', 'crmStage', 'source', 'campaign']);
const NUMBER_FIELDS = new Set(['employees', 'annualRevenue']);
const COUNTRY_FIELDS = new Set(['country', 'ipCountry']);

function empty(value: SfScalar): boolean {
  return value === null || (typeof value === 'string' && value.trim() === '');
}

function translate(mapping: SalesforceFieldMapping, value: SfScalar): SfScalar {
  if (typeof value !== 'string' || !mapping.values) return value;
  const key = value.trim().toLowerCase();
  for (const [from, to] of Object.entries(mapping.values)) if (from.trim().toLowerCase() === key) return to;
  return value;
}

function toNumber(value: SfScalar): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const n = Number(value.replace(/[,\s]/g, ''));
  return value.trim() !== '' && Number.isFinite(n) ? n : null;
}

function toBoolean(value: SfScalar): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value !== 'string') return null;
  const text = value.trim().toLowerCase();
  if (['yes', 'y', 'true', '1', 'confirmed'].includes(text)) return true;
  if (['no', 'n', 'false', '0'].includes(text)) return false;
  return null;
}

function convert(field: string, value: SfScalar): SfScalar {
  if (value === null) return null;
  if (field === 'email') return String(value).trim().toLowerCase() || null;
  if (NUMBER_FIELDS.has(field)) return toNumber(value);
  if (COUNTRY_FIELDS.has(field)) return normaliseCountry(String(value));
  if (field.startsWith('bant.')) return toBoolean(value);
  if (STRING_FIELDS.has(field)) return String(value).trim() || null;
  return typeof value === 'string' ? value.trim() : value;
}

/** The first non-empty of the mapping's field and its fallbacks. */
function readRaw(record: SfRecord, mapping: SalesforceFieldMapping): SfScalar {
  for (const path of [mapping.crmProperty, ...(mapping.fallback ?? [])]) {
    const value = fieldValue(record, path);
    if (!empty(value)) return value;
  }
  return null;
}

export function recordToPerson(
  record: SfRecord,
  objectType: SalesforceObjectType,
  mappings: SalesforceFieldMappings,
  deals?: DealSummary,
): PulledPerson {
  const id = fieldValue(record, 'Id');
  if (typeof id !== 'string' || id === '') throw new Error(`Salesforce ${objectType} record without an Id: ${JSON.stringify(record).slice(0, 200)}`);
  const person: Canonical = {};
  const attributes: Record<string, SfScalar> = {};
  const bant: NonNullable<Canonical['bant']> = {};
  let bantMapped = false;
  for (const mapping of mappings.readMappings(objectType)) {
    const field = mapping.canonicalField;
    const value = convert(field, translate(mapping, readRaw(record, mapping)));
    if (field.startsWith('bant.')) {
      bant[field.slice(5) as keyof typeof bant] = typeof value === 'boolean' ? value : null;
      bantMapped = true;
    } else if (STRING_FIELDS.has(field) || COUNTRY_FIELDS.has(field)) {
      (person as Record<string, SfScalar>)[field] = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    } else if (NUMBER_FIELDS.has(field)) {
      (person as Record<string, SfScalar>)[field] = typeof value === 'number' ? value : null;
    } else {
      attributes[field] = value;
    }
  }
  if (bantMapped) person.bant = bant;
  if (deals) {
    person.deals = { open: deals.open, won: deals.won, ...(deals.wonAmount !== undefined ? { wonAmount: deals.wonAmount } : {}) };
    // the CRM's own stage: a mapped lifecycle field wins; otherwise what the opportunities say
    person.crmStage ??= deals.won > 0 ? 'customer' : deals.open > 0 ? 'opportunity' : null;
    if (deals.openStages.length > 0) attributes.opportunityStage = [...new Set(deals.openStages)].sort().join(', ');
  }
  if (Object.keys(attributes).length > 0) person.attributes = attributes;

  const writableValues: Record<string, string | null> = {};
  for (const field of mappings.writeFields(objectType)) writableValues[field] = comparableText(fieldValue(record, field));

  const modified = toIsoDateTime(String(fieldValue(record, 'SystemModstamp') ?? fieldValue(record, 'LastModifiedDate') ?? ''));
  return { crmId: id, objectType, person, writableValues, modifiedAt: modified ?? new Date(0).toISOString() };
}

/**
 * Events a Lead/Contact carries in its own fields (`recordEvents`): a checkbox that is set
 * (HasOptedOutOfEmail → unsubscribe) happened at the record's last modification, with one id per
 * record; a date (EmailBouncedDate → hard_bounce) happened then, with one id per date. Re-syncs add nothing.
 */
export function recordEvents(record: SfRecord, objectType: SalesforceObjectType, mappings: SalesforceFieldMappings): PulledEvent[] {
  const rules = mappings.recordEvents(objectType);
  if (rules.length === 0) return [];
  const id = fieldValue(record, 'Id');
  if (typeof id !== 'string' || id === '') return [];
  const modified = toIsoDateTime(String(fieldValue(record, 'SystemModstamp') ?? fieldValue(record, 'LastModifiedDate') ?? ''));
  const out: PulledEvent[] = [];
  for (const rule of rules) {
    const value = fieldValue(record, rule.field);
    if (value === null || value === false || value === '' || value === 'false') continue;
    const at = typeof value === 'string' && (isDateTimeText(value.trim()) || /^\d{4}-\d{2}-\d{2}$/.test(value.trim())) ? dateOnlyToIso(value) : null;
    const occurredAt = at ?? modified;
    if (!occurredAt) continue;
    out.push({
      who: { crmId: id, objectType },
      event: {
        id: at ? `sf-${rule.event}-${id}-${at}` : `sf-${rule.event}-${id}`,
        type: rule.event,
        occurredAt,
        source: 'salesforce',
        properties: { field: rule.field },
      },
    });
  }
  return out;
}
