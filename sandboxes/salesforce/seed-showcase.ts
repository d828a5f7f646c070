/**
 * The hand-designed people of the seeded org: a few records per kind at fixed positions, with ids
 * that depend only on those positions, so an end-to-end test can name "the queue-owned hot lead"
 * without searching for one (`describeSeed()`). Leads sit at every 7th lead index and contacts at
 * every 7th contact index, so the first page of a query is not all showcase records.
 */
import type { SharedPeople } from '../kit/shared-people';
import { KEY_PREFIXES, makeId } from './ids';
import { placeSharedPeople, resolveSharedPeople, type SharedPlacement, type SharedRecord } from './seed-shared';

export const DEFAULT_SEED = 20261127;
export const DEFAULT_LEADS = 1000;
export const DEFAULT_CONTACTS = 1000;
export const DEFAULT_NOW = '2026-11-27T12:00:00Z';
export const MAX_PEOPLE = 200_000;

export interface SeedOptions {
  seed: number;
  leads: number;
  contacts: number;
  /** The moment the seeded history ends (epoch ms). */
  now: number;
  /** People some leads and contacts become (seed-shared.ts); none by default. */
  shared: SharedPeople;
}

export function resolveSeedOptions(options: Partial<SeedOptions>): SeedOptions {
  const now = options.now ?? Date.parse(DEFAULT_NOW);
  const leads = options.leads ?? DEFAULT_LEADS;
  const contacts = options.contacts ?? DEFAULT_CONTACTS;
  for (const [name, value] of [['leads', leads], ['contacts', contacts]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > MAX_PEOPLE) {
      throw new Error(`${name} must be an integer between 0 and ${MAX_PEOPLE}, got ${value}`);
    }
  }
  if (!Number.isFinite(now)) throw new Error(`now must be a valid time, got ${String(options.now)}`);
  return { seed: options.seed ?? DEFAULT_SEED, leads, contacts, now, shared: resolveSharedPeople(options.shared) };
}

/** What each kind is, for test failure messages and the README. */
export const SHOWCASE_KINDS = {
  demoRequest: 'Lead: US persona at a 100+ employee target-industry company who responded to "Website - Demo request" 1-3 days ago (fast track); Open - Not Contacted, owned by a rep',
  mqlPersona: 'Lead: US persona at a 100+ employee target-industry company; two content downloads, one webinar attended, a newsletter click; no fast-track form (MQL)',
  webinarHeavy: 'Lead: US persona at a target company who attended all three past webinars and the Reliability Summit booth; a rep logged calls (SQL by engagement); Working - Contacted',
  personalEmail: 'Lead: persona title at a target company but signed up with a gmail/yahoo/hotmail/outlook address; downloads content',
  competitor: 'Lead: employee of a competitor (COMPETITOR_DOMAINS) who used "contact sales" on the pricing page and attended a webinar',
  countryNotServed: 'Lead: persona at a 100+ employee target-industry company outside the US (Germany, UK, India, Brazil or France) who requested a demo 2 days ago',
  nonTargetIndustry: 'Lead: US persona at a 100+ employee company in Retail/Education/Hospitality/Consulting/Finance/Technology; downloads content, attended a webinar (nurture)',
  queueHotLead: 'Lead: owned by the "Inbound Leads" queue, Rating Hot, contact-sales and demo responses in the last 2 days; the assignment rule gives it a rep',
  mergedLead: 'Lead: merged into another lead (IsDeleted = true, MasterRecordId = the surviving lead, same email); only queryAll sees it',
  deletedLead: 'Lead: deleted (IsDeleted = true, no MasterRecordId); only queryAll sees it',
  convertedOpportunity: 'Contact converted from a lead (Lead.IsConverted, ConvertedContactId/AccountId/OpportunityId, same email) with an open opportunity where it is the primary contact role',
  customer: 'Contact: primary contact role on a Closed Won opportunity (its account is Type "Customer - Direct")',
} as const;
export type ShowcaseKind = keyof typeof SHOWCASE_KINDS;

/** Lead-side kinds in slot order; convertedOpportunity also has a lead (the one that was converted). */
export const LEAD_SHOWCASE_KINDS = [
  'demoRequest', 'mqlPersona', 'webinarHeavy', 'personalEmail', 'competitor', 'countryNotServed', 'nonTargetIndustry',
  'queueHotLead', 'mergedLead', 'deletedLead', 'convertedOpportunity',
] as const satisfies readonly ShowcaseKind[];
export const CONTACT_SHOWCASE_KINDS = ['convertedOpportunity', 'customer'] as const satisfies readonly ShowcaseKind[];

const COPIES = 2;
const STRIDE = 7;

export interface ShowcaseRecord {
  kind: ShowcaseKind;
  copy: number;
  /** The record the kind is about: a Lead for lead kinds, the Contact for contact kinds. */
  id: string;
  sobject: 'Lead' | 'Contact';
  leadIndex?: number;
  contactIndex?: number;
  leadId?: string;
  contactId?: string;
  accountId?: string;
  accountIndex?: number;
  opportunityId?: string;
  opportunityIndex?: number;
  /** mergedLead: the surviving lead. */
  masterRecordId?: string;
  masterLeadIndex?: number;
}

/** Accounts and opportunities 0..3 are the showcase ones (convertedOpportunity ×2, customer ×2). */
export const SHOWCASE_ACCOUNTS = COPIES * 2;

/** Where every showcase record is, for these counts; seeding and describeSeed() both read this. */
export function showcasePlan(options: Pick<SeedOptions, 'leads' | 'contacts'>): ShowcaseRecord[] {
  const records: ShowcaseRecord[] = [];
  const leadSlot = (kindIndex: number, copy: number) => (copy * LEAD_SHOWCASE_KINDS.length + kindIndex) * STRIDE;
  const contactSlot = (kindIndex: number, copy: number) => (copy * CONTACT_SHOWCASE_KINDS.length + kindIndex) * STRIDE;
  for (let copy = 0; copy < COPIES; copy++) {
    LEAD_SHOWCASE_KINDS.forEach((kind, kindIndex) => {
      const leadIndex = leadSlot(kindIndex, copy);
      if (leadIndex >= options.leads) return;
      const leadId = makeId(KEY_PREFIXES.Lead, leadIndex);
      if (kind === 'convertedOpportunity') {
        const contactIndex = contactSlot(0, copy);
        if (contactIndex >= options.contacts) return;
        const contactId = makeId(KEY_PREFIXES.Contact, contactIndex);
        records.push({
          kind, copy, id: contactId, sobject: 'Contact', leadIndex, leadId, contactIndex, contactId,
          accountIndex: copy, accountId: makeId(KEY_PREFIXES.Account, copy),
          opportunityIndex: copy, opportunityId: makeId(KEY_PREFIXES.Opportunity, copy),
        });
        return;
      }
      if (kind === 'mergedLead') {
        const masterLeadIndex = leadIndex + 1;
        if (masterLeadIndex >= options.leads) return;
        records.push({
          kind, copy, id: leadId, sobject: 'Lead', leadIndex, leadId, masterLeadIndex,
          masterRecordId: makeId(KEY_PREFIXES.Lead, masterLeadIndex),
        });
        return;
      }
      records.push({ kind, copy, id: leadId, sobject: 'Lead', leadIndex, leadId });
    });
    const contactIndex = contactSlot(1, copy);
    if (contactIndex < options.contacts) {
      const contactId = makeId(KEY_PREFIXES.Contact, contactIndex);
      records.push({
        kind: 'customer', copy, id: contactId, sobject: 'Contact', contactIndex, contactId,
        accountIndex: COPIES + copy, accountId: makeId(KEY_PREFIXES.Account, COPIES + copy),
        opportunityIndex: COPIES + copy, opportunityId: makeId(KEY_PREFIXES.Opportunity, COPIES + copy),
      });
    }
  }
  return records;
}

/** Which lead or contact each shared person is; showcase positions are never used. */
export function sharedPlan(options: Pick<SeedOptions, 'leads' | 'contacts' | 'shared'>): SharedPlacement[] {
  const showcaseLeads = new Set<number>();
  const showcaseContacts = new Set<number>();
  for (const record of showcasePlan(options)) {
    for (const index of [record.leadIndex, record.masterLeadIndex]) if (index !== undefined) showcaseLeads.add(index);
    if (record.contactIndex !== undefined) showcaseContacts.add(record.contactIndex);
  }
  return placeSharedPeople(options.shared, { leads: options.leads, contacts: options.contacts, showcaseLeads, showcaseContacts });
}

export interface SeedDescription {
  seed: number;
  leads: number;
  contacts: number;
  now: string;
  /** Ids of each kind's records (two each when the org is big enough: ≥ 148 leads and ≥ 22 contacts). */
  kinds: Record<ShowcaseKind, string[]>;
  /** The same records with their related ids (lead, contact, account, opportunity, master record). */
  records: ShowcaseRecord[];
  definitions: typeof SHOWCASE_KINDS;
  /** The records that are shared people (`shared` option), in the order the people were given. */
  shared: SharedRecord[];
}

export function describeSeed(options: Partial<SeedOptions> = {}): SeedDescription {
  const resolved = resolveSeedOptions(options);
  const records = showcasePlan(resolved);
  const kinds = Object.fromEntries(Object.keys(SHOWCASE_KINDS).map((kind) => [kind, [] as string[]])) as Record<ShowcaseKind, string[]>;
  for (const record of records) kinds[record.kind].push(record.id);
  return {
    seed: resolved.seed,
    leads: resolved.leads,
    contacts: resolved.contacts,
    now: new Date(resolved.now).toISOString(),
    kinds,
    records: records.map((r) => {
      const { leadIndex: _l, contactIndex: _c, accountIndex: _a, opportunityIndex: _o, masterLeadIndex: _m, ...rest } = r;
      return rest;
    }),
    definitions: SHOWCASE_KINDS,
    shared: sharedPlan(resolved).map(({ email, sobject, id }) => ({ email, sobject, id })),
  };
}
