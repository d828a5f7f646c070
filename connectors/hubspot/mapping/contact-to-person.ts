/**
 * One HubSpot contact (with its primary company and deal counts) → the canonical PulledPerson, by
 * the read mappings. Values are normalised here, at the boundary: numbers parsed, countries to
 * ISO alpha-2, lifecyclestage to stage names, HubSpot industry option values to their labels.
 */
import { createHash } from 'node:crypto';
import type { Person } from '../../../src/model/person';
import type { PulledPerson } from '../../../src/connector/crm-connector';
import { normaliseCountry } from '../../../src/connector/shared/country.util';
import type { FieldMappings } from './field-mappings';
import { analyticsSourceLabel } from './analytics-source-labels.constant';
import { industryLabel } from './industry-labels.constant';
import { canonicalCrmStage } from './lifecycle-stage.util';

export interface HubSpotContact {
  id: string;
  properties: Record<string, string | null | undefined>;
  updatedAt?: Date | string | undefined;
}

export interface DealCounts {
  open: number;
  won: number;
  /** The won deals' amounts added up, when at least one has an amount (ROI's revenue). */
  wonAmount?: number;
}

type Canonical = Omit<Person, 'id'>;
type Scalar = string | number | boolean | null;

const STRING_FIELDS = new Set(['email', 'firstName', 'lastName', 'title', 'company', 'phone', 'ownerId', 'leadStatus', 'source', 'campaign']);
const NUMBER_FIELDS = new Set(['employees', 'annualRevenue']);

function present(value: string | null | undefined): value is string {
  return value !== null && value !== undefined && value.trim() !== '';
}

function toNumber(value: string): number | null {
  const n = Number(value.replace(/[,\s]/g, ''));
  return Number.isFinite(n) ? n : null;
}

function convert(field: string, raw: string): Scalar {
  if (NUMBER_FIELDS.has(field)) return toNumber(raw);
  if (field === 'country' || field === 'ipCountry') return normaliseCountry(raw);
  if (field === 'crmStage') return canonicalCrmStage(raw);
  if (field === 'industry') return industryLabel(raw);
  if (field === 'source') return analyticsSourceLabel(raw);
  if (field === 'email') return raw.trim().toLowerCase();
  return raw.trim();
}

/** The current values of the properties Leadstage writes (empty → null). */
export function contactWritableValues(contact: HubSpotContact, mappings: FieldMappings): Record<string, string | null> {
  const values: Record<string, string | null> = {};
  for (const mapping of mappings.write) {
    const value = contact.properties[mapping.crmProperty];
    values[mapping.crmProperty] = present(value) ? value : null;
  }
  return values;
}

const fingerprintNames = new WeakMap<FieldMappings, string[]>();

/**
 * A digest of the contact's pulled properties less the ones Leadstage writes (compared one by one
 * through `writableValues`) and `lastmodifieddate` (any write moves it): equal digests and equal
 * writable values mean the contact says nothing new (PulledPerson.fingerprint). Over the properties
 * the stream requests, so every read path (list, search, batch read) gives the same digest.
 */
export function contactFingerprint(contact: HubSpotContact, mappings: FieldMappings): string {
  let names = fingerprintNames.get(mappings);
  if (!names) {
    const written = new Set(mappings.write.map((m) => m.crmProperty));
    names = [...new Set([...mappings.pullProperties, ...CONTACT_EXTRA_PROPERTIES])].filter((name) => name !== 'lastmodifieddate' && !written.has(name)).sort();
    fingerprintNames.set(mappings, names);
  }
  const values = names.map((name) => {
    const value = contact.properties[name];
    return present(value) ? value : null;
  });
  return createHash('sha256').update(JSON.stringify(values)).digest('base64url').slice(0, 32);
}

/** Properties every contact read requests besides the mapped ones. */
export const CONTACT_EXTRA_PROPERTIES = ['lastmodifieddate', 'associatedcompanyid'] as const;

const TOP_LEVEL = new Set([...STRING_FIELDS, ...NUMBER_FIELDS, 'country', 'ipCountry', 'crmStage', 'industry']);
const readBackCache = new WeakMap<FieldMappings, Record<string, string> | null>();

/**
 * Canonical fields read from a property Leadstage also writes (by default `crmStage` ←
 * `lifecyclestage`, which the decision's stage moves forward): their change after our own write is
 * the write echoing back (PulledPerson.readBack).
 */
function readBackFields(mappings: FieldMappings): Record<string, string> | null {
  const cached = readBackCache.get(mappings);
  if (cached !== undefined) return cached;
  const written = new Set(mappings.writable.map((m) => m.crmProperty));
  const entries = mappings.read.filter((m) => TOP_LEVEL.has(m.canonicalField) && written.has(m.crmProperty)).map((m) => [m.canonicalField, m.crmProperty]);
  const fields = entries.length > 0 ? Object.fromEntries(entries) : null;
  readBackCache.set(mappings, fields);
  return fields;
}

export function contactToPerson(
  contact: HubSpotContact,
  company: Record<string, string | null | undefined> | undefined,
  deals: DealCounts,
  mappings: FieldMappings,
): PulledPerson {
  const person: Canonical = { deals: { open: deals.open, won: deals.won, ...(deals.wonAmount !== undefined ? { wonAmount: deals.wonAmount } : {}) } };
  const attributes: Record<string, Scalar> = {};
  for (const mapping of mappings.read) {
    const own = contact.properties[mapping.crmProperty];
    const fallback = mapping.companyProperty ? company?.[mapping.companyProperty] : undefined;
    const raw = present(own) ? own : present(fallback) ? fallback : null;
    const value = raw === null ? null : convert(mapping.canonicalField, raw);
    const field = mapping.canonicalField;
    if (STRING_FIELDS.has(field) || NUMBER_FIELDS.has(field) || ['country', 'ipCountry', 'crmStage', 'industry'].includes(field)) {
      (person as Record<string, Scalar>)[field] = value;
    } else {
      attributes[field] = value;
    }
  }
  if (Object.keys(attributes).length > 0) person.attributes = attributes;

  const writableValues = contactWritableValues(contact, mappings);
  const modified = contact.properties.lastmodifieddate ?? contact.updatedAt;
  const readBack = readBackFields(mappings);
  return {
    crmId: contact.id,
    objectType: 'contact',
    person,
    writableValues,
    fingerprint: contactFingerprint(contact, mappings),
    ...(readBack ? { readBack } : {}),
    modifiedAt: modified instanceof Date ? modified.toISOString() : modified ? new Date(modified).toISOString() : new Date(0).toISOString(),
  };
}
