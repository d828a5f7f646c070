/**
 * The deterministic synthetic org: users and queues, lead statuses, campaigns, accounts, leads and
 * contacts with what happened to them over the last ~120 days (campaign responses, rep-logged calls
 * and emails, conversions, opportunities won and lost, merges and deletes). Same `(seed, leads,
 * contacts, now, shared)` → same org, record for record; `shared` people (seed-shared.ts) take over
 * some leads and contacts. Every record gets a per-record PRNG
 * (`Prng.for(seed, stream, index)`), so adding a field to leads never reshuffles accounts.
 *
 * Seeding is eager (SOQL reads every row anyway): 20,000 leads + 20,000 contacts with their
 * campaign members and tasks build in about a second and take a few hundred bytes per row.
 */
import { ascii, emailDomainFor, emailLocalPart, phoneNumber, pickName } from '../kit/people';
import {
  COUNTRIES, NON_PERSONA_TITLES, NON_US_COUNTRY_WEIGHTS, PERSONA_TITLES, PERSONAL_EMAIL_DOMAINS,
  SELF_EMPLOYED_TITLES, type CountryInfo,
} from '../kit/people-catalog';
import { Prng } from '../kit/prng';
import type { SharedPerson } from '../kit/shared-people';
import { KEY_PREFIXES, makeId } from './ids';
import {
  CAMPAIGN_MEMBER_STATUSES, CONTACT_ROLES, LEAD_STATUSES, OPPORTUNITY_STAGES, type LeadStatusValue,
} from './object-catalog';
import type { OrgStore, Row, Table } from './org-store';
import {
  CALL_DISPOSITIONS, CAMPAIGNS, campaign, COMPETITORS, EMAIL_SUBJECTS, ENTERPRISE_QUEUE, FIELD_REPS, FOLLOW_UP_SUBJECTS,
  INACTIVE_USER, INBOUND_QUEUE, INSIDE_REPS, MARKETING_USER, NEWSLETTER_CAMPAIGNS, NURTURE_QUEUE, PRODUCTS, QUEUES,
  SF_COMPANY_NAME_PARTS, SF_NON_TARGET_INDUSTRIES, SF_TARGET_INDUSTRIES, TRADE_SHOW_CAMPAIGNS, USERS, ROLES, WEBINAR_CAMPAIGNS,
  type CampaignKey, type SeedUser,
} from './seed-catalog';
import { resolveSeedOptions, SHOWCASE_ACCOUNTS, sharedPlan, showcasePlan, type SeedOptions, type ShowcaseRecord } from './seed-showcase';
import { sfDate, sfDateTime, sfStamp } from './sf-time';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const floor = Math.floor;

/** Independent PRNG streams per purpose. */
const STREAM = { company: 21, leadSkeleton: 22, lead: 23, contactSkeleton: 24, contact: 25, opportunity: 26 } as const;

type Segment = 'target-large-us' | 'target-small-us' | 'non-target-us' | 'target-large-intl' | 'competitor';
type Fit = 'persona' | 'non-persona' | 'personal-email' | 'competitor' | 'non-us' | 'small-company' | 'non-target-industry' | 'self-employed';
type Behaviour =
  | 'dormant' | 'newsletter' | 'content' | 'webinar' | 'event' | 'demo-request' | 'trial' | 'contact-sales' | 'syndicated'
  | 'customer' | 'open-opp' | 'lost-opp' | 'unsubscribed' | 'bounced';

const SEGMENT_WEIGHTS = { 'target-large-us': 50, 'target-small-us': 15, 'non-target-us': 17, 'target-large-intl': 18 } as const;
const LEAD_FIT_WEIGHTS = {
  persona: 34, 'non-persona': 14, 'personal-email': 13, competitor: 1, 'non-us': 15, 'small-company': 10, 'non-target-industry': 10, 'self-employed': 3,
} as const;
const CONTACT_FIT_WEIGHTS = { persona: 50, 'non-persona': 28, 'non-us': 10, 'small-company': 6, 'non-target-industry': 6 } as const;
const LEAD_BEHAVIOUR_WEIGHTS = {
  dormant: 24, newsletter: 12, content: 18, webinar: 12, event: 5, 'demo-request': 4, trial: 2, 'contact-sales': 2, syndicated: 9,
  unsubscribed: 3, bounced: 2,
} as const;
const CONTACT_BEHAVIOUR_WEIGHTS = {
  dormant: 27, newsletter: 15, content: 13, webinar: 11, event: 5, customer: 8, 'open-opp': 5, 'lost-opp': 3, unsubscribed: 4,
  bounced: 3, 'demo-request': 3, 'contact-sales': 3,
} as const;
const OPEN_STAGES = OPPORTUNITY_STAGES.filter((s) => !s.closed);
const USER_BY_ID = new Map(USERS.map((u) => [u.id, u]));
const FAST_TRACK: ReadonlySet<Behaviour> = new Set(['demo-request', 'trial', 'contact-sales']);
const BUYER_FITS: ReadonlySet<Fit> = new Set(['persona', 'non-persona', 'small-company', 'non-target-industry']);

interface SeedCompany {
  index: number;
  id: string;
  name: string;
  domain: string;
  industry: string;
  employees: number;
  revenue: number;
  country: CountryInfo;
  city: string;
  state: string;
  phone: string;
  segment: Segment;
  owner: SeedUser;
  row: Row;
}

interface Skeleton {
  fit: Fit;
  behaviour: Behaviour;
  company: SeedCompany | undefined;
  country: CountryInfo;
  first: string;
  last: string;
  title: string;
  emailDomain: string;
  personalStyle: boolean;
  showcase: ShowcaseRecord | undefined;
  /** The person of another system this record is (seed-shared.ts). */
  shared: SharedPerson | undefined;
  converted: boolean;
  disposal: 'merged' | 'deleted' | undefined;
}

/** What a converted lead hands to the contact it became. */
interface Conversion {
  leadRow: Row;
  skeleton: Skeleton;
  convertedAt: number;
  contactIndex: number;
  opportunityId: string | undefined;
  outcome: 'open' | 'won' | 'lost' | 'none';
}

export interface SeedCounts {
  [sobject: string]: number;
}

function slug(text: string): string {
  return ascii(text.replace(/&/g, 'and'));
}

function between(prng: Prng, from: number, to: number): number {
  return to <= from ? from : from + floor(prng.float() * (to - from));
}


/** The seeded record becomes the shared person (name, title, country); its owner, account and history stay. */
function asSharedPerson(s: Skeleton, person: SharedPerson): Skeleton {
  return {
    ...s, first: person.firstName, last: person.lastName, title: person.title ?? s.title,
    country: person.country !== undefined ? COUNTRIES[person.country]! : s.country, shared: person,
  };
}

/** Builds the org into the store; returns the record count per sObject. */
export function seedOrg(store: OrgStore, options: Partial<SeedOptions> = {}): SeedCounts {
  const seeder = new OrgSeeder(store, resolveSeedOptions(options));
  seeder.run();
  const counts: SeedCounts = {};
  for (const def of store.objects()) counts[def.name] = store.table(def.name)!.rows.size;
  return counts;
}

class OrgSeeder {
  private readonly t: Record<string, Table>;
  private readonly plan: ShowcaseRecord[];
  /** Showcase records by the lead / contact index they occupy (a merged lead's survivor included). */
  private readonly showcaseLeads = new Map<number, ShowcaseRecord>();
  private readonly showcaseContacts = new Map<number, ShowcaseRecord>();
  /** Shared people by the lead / contact index they become. */
  private readonly sharedLeads = new Map<number, SharedPerson>();
  private readonly sharedContacts = new Map<number, SharedPerson>();
  private readonly usedEmails = new Set<string>();
  private readonly companies: SeedCompany[] = [];
  private readonly buckets: Record<Segment, SeedCompany[]> = {
    'target-large-us': [], 'target-small-us': [], 'non-target-us': [], 'target-large-intl': [], competitor: [],
  };
  /** Latest completed activity per record id (LastActivityDate). */
  private readonly lastActivity = new Map<string, number>();
  private readonly conversions = new Map<number, Conversion>();
  private readonly campaignCounts = new Map<string, { leads: number; contacts: number; responses: number }>();

  constructor(
    private readonly store: OrgStore,
    private readonly options: SeedOptions,
  ) {
    const table = (name: string) => store.table(name)!;
    this.t = Object.fromEntries(
      ['UserRole', 'User', 'Group', 'GroupMember', 'QueueSobject', 'LeadStatus', 'Campaign', 'CampaignMember', 'Account', 'Contact', 'Lead',
        'Opportunity', 'OpportunityContactRole', 'Task', 'Event'].map((name) => [name, table(name)]),
    );
    this.plan = showcasePlan(options);
    for (const record of this.plan) {
      if (record.leadIndex !== undefined) this.showcaseLeads.set(record.leadIndex, record);
      if (record.masterLeadIndex !== undefined) this.showcaseLeads.set(record.masterLeadIndex, record);
      if (record.contactIndex !== undefined) this.showcaseContacts.set(record.contactIndex, record);
    }
    for (const placement of sharedPlan(options)) {
      (placement.sobject === 'Lead' ? this.sharedLeads : this.sharedContacts).set(placement.index, placement.person);
      // a generated address never takes a shared person's
      this.usedEmails.add(placement.email.toLowerCase());
    }
  }

  run(): void {
    const { leads, contacts } = this.options;
    this.store.ids.reserve(KEY_PREFIXES.Lead, leads);
    this.store.ids.reserve(KEY_PREFIXES.Contact, contacts);
    this.store.ids.reserve(KEY_PREFIXES.Opportunity, SHOWCASE_ACCOUNTS);
    this.usersAndQueues();
    this.leadStatuses();
    this.campaigns();
    this.buildCompanies();
    const skeletons = Array.from({ length: leads }, (_, i) => this.leadSkeleton(i));
    this.planConversions(skeletons);
    let previous: { row: Row; skeleton: Skeleton } | undefined;
    for (let i = 0; i < leads; i++) {
      const row = this.buildLead(i, skeletons[i]!, previous);
      if (skeletons[i]!.disposal === undefined && !skeletons[i]!.converted) previous = { row, skeleton: skeletons[i]! };
    }
    for (let j = 0; j < contacts; j++) this.buildContact(j);
    this.finish();
  }

  // --- helpers --------------------------------------------------------------------------------

  /** Adds a row: every field empty, then `values`, then the audit stamps (created/modified time and user). */
  private insert(table: Table, values: Row, created: number, modified = created, by: string = MARKETING_USER.id): Row {
    const row = this.store.blank(table);
    Object.assign(row, values);
    const createdText = sfStamp(created);
    const modifiedText = modified === created ? createdText : sfStamp(Math.max(created, modified));
    row.CreatedDate = createdText;
    row.CreatedById = by;
    row.LastModifiedDate = modifiedText;
    row.LastModifiedById = by;
    row.SystemModstamp = modifiedText;
    this.store.add(table, row);
    return row;
  }

  private touch(id: string, at: number): void {
    if ((this.lastActivity.get(id) ?? 0) < at) this.lastActivity.set(id, at);
  }

  private uniqueEmail(local: string, domain: string): string {
    let email = `${local}@${domain}`;
    for (let n = 2; this.usedEmails.has(email); n++) email = `${local}${n}@${domain}`;
    this.usedEmails.add(email);
    return email;
  }

  // --- reference data -------------------------------------------------------------------------

  private usersAndQueues(): void {
    const orgStart = this.options.now - 900 * DAY;
    const roleId = (name: string | null) => (name === null ? null : ROLES.find((role) => role.name === name)?.id ?? null);
    for (const role of ROLES) {
      this.insert(this.t.UserRole!, {
        Id: role.id, Name: role.name, DeveloperName: role.developerName, ParentRoleId: roleId(role.parent),
      }, orgStart, orgStart, USERS[0]!.id);
    }
    this.store.ids.reserve(KEY_PREFIXES.UserRole, ROLES.length);
    USERS.forEach((u, index) => {
      this.insert(this.t.User!, {
        Id: u.id, Username: u.username, FirstName: u.firstName, LastName: u.lastName, Name: `${u.firstName} ${u.lastName}`,
        Alias: (u.firstName.charAt(0) + u.lastName).slice(0, 8).toLowerCase(), Email: u.email, Title: u.title, Department: u.department,
        IsActive: u.isActive, UserType: 'Standard', ManagerId: u.rep ? USERS[0]!.id : null,
        UserRoleId: roleId(u.role), TimeZoneSidKey: u.timeZone,
      }, orgStart + index * 20 * DAY, orgStart + index * 20 * DAY, USERS[0]!.id);
    });
    this.store.ids.reserve(KEY_PREFIXES.User, USERS.length);
    let member = 0;
    let queueObject = 0;
    for (const queue of QUEUES) {
      this.insert(this.t.Group!, {
        Id: queue.id, Name: queue.name, DeveloperName: queue.developerName, Type: 'Queue', Email: queue.email,
        DoesSendEmailToMembers: true, OwnerId: USERS[0]!.id,
      }, orgStart, orgStart, USERS[0]!.id);
      for (const user of queue.members) {
        this.insert(this.t.GroupMember!, {
          Id: makeId(KEY_PREFIXES.GroupMember, member++), GroupId: queue.id, UserOrGroupId: user.id,
        }, orgStart, orgStart, USERS[0]!.id);
      }
      for (const sobject of queue.sobjects) {
        this.insert(this.t.QueueSobject!, {
          Id: makeId(KEY_PREFIXES.QueueSobject, queueObject++), QueueId: queue.id, SobjectType: sobject,
        }, orgStart, orgStart, USERS[0]!.id);
      }
    }
    this.store.ids.reserve(KEY_PREFIXES.Group, QUEUES.length);
    this.store.ids.reserve(KEY_PREFIXES.GroupMember, member);
    this.store.ids.reserve(KEY_PREFIXES.QueueSobject, queueObject);
  }

  private leadStatuses(): void {
    const at = this.options.now - 900 * DAY;
    LEAD_STATUSES.forEach((status, index) => {
      this.insert(this.t.LeadStatus!, {
        Id: makeId(KEY_PREFIXES.LeadStatus, index), MasterLabel: status.value, ApiName: status.value, SortOrder: index + 1,
        IsDefault: status.isDefault, IsConverted: status.isConverted,
      }, at, at, USERS[0]!.id);
    });
    this.store.ids.reserve(KEY_PREFIXES.LeadStatus, LEAD_STATUSES.length);
  }

  private campaigns(): void {
    const { now } = this.options;
    for (const c of CAMPAIGNS) {
      const start = now - c.startDaysAgo * DAY;
      const end = now - c.endDaysAgo * DAY;
      const status = end < now ? 'Completed' : start > now ? 'Planned' : 'In Progress';
      const created = Math.min(start, now) - 20 * DAY;
      this.insert(this.t.Campaign!, {
        Id: c.id, Name: c.name, Type: c.type, Status: status, StartDate: sfDate(start), EndDate: sfDate(end),
        IsActive: status !== 'Completed', Description: c.description, OwnerId: MARKETING_USER.id, NumberOfLeads: 0, NumberOfContacts: 0,
        NumberOfResponses: 0,
      }, created);
      this.campaignCounts.set(c.id, { leads: 0, contacts: 0, responses: 0 });
    }
    this.store.ids.reserve(KEY_PREFIXES.Campaign, CAMPAIGNS.length);
  }

  // --- accounts -------------------------------------------------------------------------------

  private buildCompanies(): void {
    const { seed, now, leads, contacts } = this.options;
    const count = Math.max(40, Math.ceil((leads + contacts) / 6));
    const usedDomains = new Set<string>();
    for (let index = 0; index < count; index++) {
      const prng = Prng.for(seed, STREAM.company, index);
      const competitor = index >= SHOWCASE_ACCOUNTS ? COMPETITORS[index - SHOWCASE_ACCOUNTS] : undefined;
      const segment: Segment = index < SHOWCASE_ACCOUNTS ? 'target-large-us' : competitor ? 'competitor' : prng.weighted(SEGMENT_WEIGHTS);
      const country = segment === 'target-large-intl' ? COUNTRIES[prng.weighted(NON_US_COUNTRY_WEIGHTS)]! : COUNTRIES.US!;
      let industry: string;
      let name: string;
      let domain: string;
      if (competitor) {
        industry = 'Technology';
        name = competitor.name;
        domain = competitor.domain;
      } else {
        industry = prng.pick(segment === 'non-target-us' ? SF_NON_TARGET_INDUSTRIES : SF_TARGET_INDUSTRIES);
        const parts = SF_COMPANY_NAME_PARTS[industry]!;
        name = `${prng.pick(parts.heads)} ${prng.pick(parts.tails)}`;
        if (segment === 'target-large-intl') name += { DE: ' GmbH', GB: ' Ltd', IN: ' Pvt Ltd', BR: ' Ltda', FR: ' SAS' }[country.code] ?? '';
        const base = slug(name.replace(/ (GmbH|Ltd|Pvt Ltd|Ltda|SAS)$/, ''));
        domain = `${base}.${country.tld}`;
        if (usedDomains.has(domain)) {
          const city = prng.pick(country.cities).city;
          domain = `${base}${slug(city)}.${country.tld}`;
          name = `${name} ${city}`;
        }
        for (let n = 2; usedDomains.has(domain); n++) domain = `${base}${n}.${country.tld}`;
      }
      usedDomains.add(domain);
      const employees = segment === 'target-small-us' ? prng.int(5, 95)
        : segment === 'competitor' ? prng.int(150, 600)
        : Math.round(Math.exp(Math.log(100) + prng.float() * (Math.log(8000) - Math.log(100))));
      const revenue = employees * prng.int(120, 450) * 1000;
      const place = prng.pick(country.cities);
      const owner = segment === 'target-small-us' ? prng.pick(INSIDE_REPS) : prng.pick(FIELD_REPS);
      const created = now - prng.int(150, 900) * DAY - prng.int(0, 86_399) * 1000;
      const modified = now - prng.int(1, 140) * DAY;
      const phone = phoneNumber(prng, country);
      const id = makeId(KEY_PREFIXES.Account, index);
      const row = this.insert(this.t.Account!, {
        Id: id, Name: name, Type: 'Prospect', Website: `https://www.${domain}`, Phone: phone, Industry: industry,
        AnnualRevenue: revenue, NumberOfEmployees: employees, BillingCity: place.city, BillingState: place.state,
        BillingCountry: country.name, BillingCountryCode: country.code, Description: `${name}, ${place.city}, ${country.name}`,
        OwnerId: owner.id,
      }, created, modified, owner.id);
      const company: SeedCompany = {
        index, id, name, domain, industry, employees, revenue, country, city: place.city, state: place.state, phone, segment, owner, row,
      };
      this.companies.push(company);
      if (index >= SHOWCASE_ACCOUNTS) this.buckets[segment].push(company);
    }
    this.store.ids.reserve(KEY_PREFIXES.Account, count);
  }

  private companyFor(prng: Prng, fit: Fit): SeedCompany | undefined {
    const segment: Segment | undefined = {
      persona: 'target-large-us', 'non-persona': 'target-large-us', 'personal-email': 'target-large-us', competitor: 'competitor',
      'non-us': 'target-large-intl', 'small-company': 'target-small-us', 'non-target-industry': 'non-target-us', 'self-employed': undefined,
    }[fit] as Segment | undefined;
    const pool = segment ? this.buckets[segment] : [];
    return pool.length > 0 ? prng.pick(pool) : undefined;
  }

  // --- people ---------------------------------------------------------------------------------

  private skeleton(prng: Prng, fit: Fit, behaviour: Behaviour, company: SeedCompany | undefined): Skeleton {
    const country = company?.country ?? COUNTRIES.US!;
    const { first, last } = pickName(prng, country);
    const { domain: emailDomain, personal: personalStyle } = emailDomainFor(prng, fit, last, company?.domain ?? 'example.com');
    const title = fit === 'self-employed' ? prng.pick(SELF_EMPLOYED_TITLES)
      : fit === 'non-persona' ? prng.pick(NON_PERSONA_TITLES)
      : fit === 'competitor' ? prng.pick(['Product Manager', 'Solutions Engineer', 'Sales Engineer', 'Marketing Manager'])
      : prng.pick(PERSONA_TITLES);
    return {
      fit, behaviour, company, country, first, last, title, emailDomain, personalStyle, showcase: undefined, shared: undefined, converted: false,
      disposal: undefined,
    };
  }

  private leadSkeleton(index: number): Skeleton {
    const prng = Prng.for(this.options.seed, STREAM.leadSkeleton, index);
    const showcase = this.showcaseLeads.get(index);
    if (showcase) return this.showcaseLeadSkeleton(prng, showcase, index);
    const fit = prng.weighted(LEAD_FIT_WEIGHTS);
    let behaviour: Behaviour = prng.weighted(LEAD_BEHAVIOUR_WEIGHTS);
    if (fit === 'competitor' && prng.chance(0.6)) behaviour = prng.pick(['webinar', 'contact-sales', 'content'] as const);
    const skeleton = this.skeleton(prng, fit, behaviour, this.companyFor(prng, fit));
    const roll = prng.float();
    if (roll < 0.006) skeleton.disposal = 'merged';
    else if (roll < 0.01) skeleton.disposal = 'deleted';
    else if (BUYER_FITS.has(fit) && prng.chance(FAST_TRACK.has(behaviour) ? 0.35 : behaviour === 'webinar' || behaviour === 'event' ? 0.14 : 0.05)) {
      skeleton.converted = true;
    }
    const shared = this.sharedLeads.get(index);
    // a shared person is a live lead: sales works it in Salesforce while marketing nurtures it elsewhere
    return shared ? { ...asSharedPerson(skeleton, shared), converted: false, disposal: undefined } : skeleton;
  }

  private showcaseLeadSkeleton(prng: Prng, record: ShowcaseRecord, index: number): Skeleton {
    const kind = record.kind;
    if (kind === 'mergedLead' && record.masterLeadIndex === index) {
      // the survivor of the merge: an ordinary persona lead
      const survivor = this.skeleton(prng, 'persona', 'content', prng.pick(this.buckets['target-large-us']));
      survivor.showcase = record;
      return survivor;
    }
    const fit: Fit = {
      personalEmail: 'personal-email', competitor: 'competitor', countryNotServed: 'non-us', nonTargetIndustry: 'non-target-industry',
    }[kind as string] as Fit | undefined ?? 'persona';
    const behaviour: Behaviour = kind === 'demoRequest' || kind === 'countryNotServed' || kind === 'convertedOpportunity' ? 'demo-request'
      : kind === 'queueHotLead' || kind === 'competitor' ? 'contact-sales'
      : kind === 'webinarHeavy' ? 'webinar'
      : 'content';
    let company: SeedCompany | undefined;
    if (kind === 'convertedOpportunity') company = this.companies[record.accountIndex!];
    else if (kind === 'personalEmail') company = prng.pick(this.buckets['target-large-us']);
    else company = this.companyFor(prng, fit);
    if (company && fit !== 'competitor' && company.employees < 100) company = this.companies[0];
    const skeleton = this.skeleton(prng, fit, behaviour, company);
    if (fit !== 'competitor') skeleton.title = prng.pick(PERSONA_TITLES);
    skeleton.showcase = record;
    skeleton.converted = kind === 'convertedOpportunity';
    skeleton.disposal = kind === 'mergedLead' ? 'merged' : kind === 'deletedLead' ? 'deleted' : undefined;
    return skeleton;
  }

  /** Converted leads become contacts at evenly spread contact indexes that are not showcase ones. */
  private planConversions(skeletons: Skeleton[]): void {
    const candidates: number[] = [];
    for (let j = 0; j < this.options.contacts; j++) if (!this.showcaseContacts.has(j) && !this.sharedContacts.has(j)) candidates.push(j);
    const converted = skeletons.flatMap((s, i) => (s.converted && !s.showcase ? [i] : []));
    const step = converted.length > 0 ? Math.max(1, candidates.length / converted.length) : 1;
    converted.forEach((leadIndex, k) => {
      const contactIndex = candidates[floor(k * step)];
      if (contactIndex === undefined) skeletons[leadIndex]!.converted = false;
      else this.conversions.set(leadIndex, { contactIndex } as Conversion);
    });
    for (const record of this.plan) {
      if (record.kind === 'convertedOpportunity') this.conversions.set(record.leadIndex!, { contactIndex: record.contactIndex! } as Conversion);
    }
  }

  private buildLead(index: number, s: Skeleton, previous: { row: Row; skeleton: Skeleton } | undefined): Row {
    const { seed, now } = this.options;
    const prng = Prng.for(seed, STREAM.lead, index);
    const id = makeId(KEY_PREFIXES.Lead, index);
    const kind = s.showcase?.masterLeadIndex === index ? undefined : s.showcase?.kind;
    const fastTrack = FAST_TRACK.has(s.behaviour);

    let created = now - between(prng, 2 * HOUR, 120 * DAY);
    if (kind === 'demoRequest' || kind === 'countryNotServed' || kind === 'queueHotLead') created = now - prng.int(20, 60) * DAY;
    if (kind === 'webinarHeavy') created = now - 110 * DAY;
    if (kind === 'convertedOpportunity') created = now - 75 * DAY;
    if (kind === 'mqlPersona' || kind === 'nonTargetIndustry' || kind === 'personalEmail' || kind === 'competitor') created = now - prng.int(45, 70) * DAY;

    const company = s.company;
    const merged = s.disposal === 'merged' && previous !== undefined && kind !== 'mergedLead';
    const master = kind === 'mergedLead' ? undefined : merged ? previous : undefined;
    let email: string;
    const mergedShowcase = s.showcase?.masterLeadIndex === index ? this.t.Lead!.rows.get(makeId(KEY_PREFIXES.Lead, index - 1)) : undefined;
    if (master) {
      email = master.row.Email as string;
    } else if (mergedShowcase) {
      // the survivor of a showcase merge has the merged lead's address
      email = mergedShowcase.Email as string;
    } else if (s.shared) {
      email = s.shared.email;
    } else {
      email = this.uniqueEmail(emailLocalPart(s.first, s.last, s.personalStyle, index), s.emailDomain);
    }

    let status: LeadStatusValue;
    if (s.converted) status = 'Closed - Converted';
    else if (kind === 'webinarHeavy') status = 'Working - Contacted';
    else if (kind) status = 'Open - Not Contacted';
    else if (fastTrack) status = prng.chance(0.35) ? 'Open - Not Contacted' : 'Working - Contacted';
    else if (s.behaviour === 'webinar' || s.behaviour === 'event' || s.behaviour === 'content') {
      status = prng.weighted({ 'Open - Not Contacted': 65, 'Working - Contacted': 20, 'Closed - Not Converted': 15 });
    } else status = prng.weighted({ 'Open - Not Contacted': 75, 'Working - Contacted': 8, 'Closed - Not Converted': 17 });
    if (s.fit === 'competitor' && !kind && status === 'Working - Contacted') status = 'Closed - Not Converted';

    const rep = s.company?.segment === 'target-large-intl' || (s.company?.employees ?? 0) >= 1000 ? prng.pick(FIELD_REPS) : prng.pick(INSIDE_REPS);
    let ownerId: string = rep.id;
    if (kind === 'queueHotLead') ownerId = INBOUND_QUEUE.id;
    else if (!kind && status === 'Open - Not Contacted') {
      const roll = prng.float();
      if (roll < 0.3) ownerId = s.country.code === 'US' ? INBOUND_QUEUE.id : ENTERPRISE_QUEUE.id;
      else if (roll < 0.38 && (s.behaviour === 'dormant' || s.behaviour === 'newsletter' || s.behaviour === 'syndicated')) ownerId = NURTURE_QUEUE.id;
      else if (roll < 0.41 && created < now - 60 * DAY) ownerId = INACTIVE_USER.id;
    }
    const ownerIsUser = ownerId.startsWith(KEY_PREFIXES.User);
    const worker = ownerIsUser && ownerId !== INACTIVE_USER.id ? USER_BY_ID.get(ownerId)! : rep;

    const leadSource = s.behaviour === 'webinar' ? 'Webinar' : s.behaviour === 'event' ? 'Trade Show'
      : s.behaviour === 'syndicated' ? prng.pick(['Content Syndication', 'Purchased List'] as const)
      : s.behaviour === 'dormant' ? prng.pick(['Web', 'Phone Inquiry', 'Partner Referral', 'Other'] as const)
      : 'Web';
    const rating = kind === 'queueHotLead' ? 'Hot'
      : kind === 'demoRequest' || kind === 'webinarHeavy' ? 'Warm'
      : kind ? null
      : fastTrack ? prng.pick(['Hot', 'Warm'] as const)
      : s.behaviour === 'webinar' || s.behaviour === 'event' ? (prng.chance(0.4) ? 'Warm' : null)
      : prng.chance(0.12) ? 'Cold' : null;
    const companyName = company?.name ?? (s.fit === 'self-employed' ? `${s.last} Reliability Consulting` : `${s.last} Household`);
    // a rep who logs calls with the webinar-heavy lead has their number (no extra draw: the seed stays the same)
    const hasPhone = kind === 'demoRequest' || kind === 'queueHotLead' || prng.chance(s.personalStyle ? 0.5 : 0.75) || kind === 'webinarHeavy';
    const place = prng.pick(s.country.cities);
    const phone = hasPhone ? phoneNumber(prng, s.country) : null;
    const bounced = s.behaviour === 'bounced';
    let website = company ? `https://www.${company.domain}` : null;
    if (s.shared?.company !== undefined) {
      // the shared person's company, and its site when their address is at its domain
      const domain = s.shared.email.split('@')[1]!.toLowerCase();
      website = (PERSONAL_EMAIL_DOMAINS as readonly string[]).includes(domain) ? null : `https://www.${domain}`;
    }

    const row = this.insert(this.t.Lead!, {
      Id: id, FirstName: s.first, LastName: s.last, Name: `${s.first} ${s.last}`, Title: s.title, Company: s.shared?.company ?? companyName,
      City: place.city, State: place.state, Country: s.country.name, CountryCode: s.country.code,
      Phone: s.shared?.phone ?? phone, Email: email, Website: website,
      LeadSource: leadSource, Status: status, Industry: company?.industry ?? null, Rating: rating,
      AnnualRevenue: company && prng.chance(0.6) ? company.revenue : null,
      NumberOfEmployees: company ? company.employees : s.fit === 'self-employed' ? 1 : null,
      OwnerId: ownerId, HasOptedOutOfEmail: s.behaviour === 'unsubscribed', IsUnreadByOwner: status === 'Open - Not Contacted' && prng.chance(0.5),
      EmailBouncedReason: bounced ? '550 5.1.1 The email account that you tried to reach does not exist' : null,
      EmailBouncedDate: bounced ? sfDateTime(between(prng, created, now)) : null,
    }, created, created, ownerIsUser ? ownerId : MARKETING_USER.id);

    let modified = created;
    const who = { leadId: id, contactId: undefined as string | undefined };
    const conversion = this.conversions.get(index);
    const contactId = conversion && s.converted ? makeId(KEY_PREFIXES.Contact, conversion.contactIndex) : undefined;
    if (contactId) who.contactId = contactId;
    if (s.disposal === undefined) {
      const last = this.engage(prng, who, s.behaviour, created, kind, 'lead');
      modified = Math.max(modified, last);
    }

    // Rep work: calls and emails logged as tasks
    if (status === 'Working - Contacted' || status === 'Closed - Not Converted' || s.converted) {
      const touches = kind === 'webinarHeavy' ? 2 : prng.int(1, status === 'Closed - Not Converted' ? 2 : 4);
      const from = Math.max(created, now - (kind === 'webinarHeavy' ? 10 : 60) * DAY);
      for (let k = 0; k < touches; k++) {
        const at = between(prng, from, now - HOUR);
        this.repTask(prng, { whoId: contactId ?? id, ownerId: worker.id, at, kind: kind === 'webinarHeavy' || prng.chance(0.55) ? 'call' : 'email', completed: true });
        modified = Math.max(modified, at);
      }
      if (status === 'Working - Contacted' && prng.chance(0.35)) {
        this.repTask(prng, { whoId: id, ownerId: worker.id, at: now - between(prng, HOUR, 3 * DAY), kind: 'todo', completed: false });
      }
    }

    if (s.converted && conversion) {
      const convertedAt = kind === 'convertedOpportunity' ? now - 30 * DAY : Math.min(now - HOUR, modified + between(prng, DAY, 20 * DAY));
      const account = company ?? this.companies[0]!;
      const outcome: Conversion['outcome'] = kind === 'convertedOpportunity' ? 'open' : prng.weighted({ open: 38, won: 14, lost: 8, none: 40 });
      let opportunityId: string | undefined;
      if (outcome !== 'none') {
        opportunityId = kind === 'convertedOpportunity' ? makeId(KEY_PREFIXES.Opportunity, s.showcase!.opportunityIndex!) : undefined;
        opportunityId = this.opportunity(prng, {
          id: opportunityId, account, contactId: contactId!, created: convertedAt, outcome, leadSource, ownerId: worker.id, showcase: kind !== undefined,
        });
      }
      this.store.update(this.t.Lead!, row, {
        IsConverted: true, ConvertedDate: sfDate(convertedAt), ConvertedAccountId: account.id, ConvertedContactId: contactId,
        ConvertedOpportunityId: opportunityId ?? null, OwnerId: worker.id, IsUnreadByOwner: false,
      });
      modified = Math.max(modified, convertedAt);
      Object.assign(conversion, { leadRow: row, skeleton: s, convertedAt, opportunityId, outcome });
    }

    if (s.disposal) {
      const deletedAt = between(prng, created + HOUR, now - HOUR);
      Object.assign(row, { IsDeleted: true, MasterRecordId: master ? master.row.Id : null });
      if (kind === 'mergedLead') row.MasterRecordId = s.showcase!.masterRecordId;
      modified = deletedAt;
    }
    const stamp = sfStamp(Math.min(now - 60_000, modified + (modified > created ? between(prng, 0, HOUR) : 0)));
    row.LastModifiedDate = stamp;
    row.SystemModstamp = stamp;
    return row;
  }

  private buildContact(index: number): void {
    const { seed, now } = this.options;
    const prng = Prng.for(seed, STREAM.contact, index);
    const id = makeId(KEY_PREFIXES.Contact, index);
    const showcase = this.showcaseContacts.get(index);
    const shared = this.sharedContacts.get(index);
    const conversion = this.conversionByContact(index);
    let s: Skeleton;
    let created: number;
    let email: string;
    let leadSource: string;
    let behaviour: Behaviour;
    if (conversion?.leadRow) {
      s = conversion.skeleton;
      created = conversion.convertedAt;
      email = conversion.leadRow.Email as string;
      leadSource = conversion.leadRow.LeadSource as string;
      behaviour = conversion.outcome === 'won' ? 'customer' : conversion.outcome === 'open' ? 'open-opp' : conversion.outcome === 'lost' ? 'lost-opp'
        : prng.pick(['content', 'dormant', 'newsletter'] as const);
    } else {
      const sk = Prng.for(seed, STREAM.contactSkeleton, index);
      const fit = showcase ? 'persona' : sk.weighted(CONTACT_FIT_WEIGHTS);
      behaviour = showcase ? 'customer' : sk.weighted(CONTACT_BEHAVIOUR_WEIGHTS);
      const company = showcase ? this.companies[showcase.accountIndex!] : this.companyFor(sk, fit);
      s = this.skeleton(sk, fit, behaviour, company);
      if (shared) s = asSharedPerson(s, shared);
      created = behaviour === 'customer' ? now - prng.int(150, 600) * DAY : now - between(prng, DAY, 400 * DAY);
      if (showcase) created = now - 200 * DAY;
      email = shared ? shared.email : this.uniqueEmail(emailLocalPart(s.first, s.last, false, index), s.emailDomain);
      leadSource = prng.pick(['Web', 'Partner Referral', 'Trade Show', 'Webinar', 'Phone Inquiry', 'Other'] as const);
    }
    const company = s.company;
    const owner = company?.owner ?? prng.pick(INSIDE_REPS);
    const place = prng.pick(s.country.cities);
    const phone = conversion?.leadRow ? conversion.leadRow.Phone : prng.chance(0.8) ? phoneNumber(prng, s.country) : null;
    const bounced = behaviour === 'bounced';
    const row = this.insert(this.t.Contact!, {
      Id: id, AccountId: company?.id ?? null, FirstName: s.first, LastName: s.last, Name: `${s.first} ${s.last}`,
      MailingCity: place.city, MailingState: place.state, MailingCountry: s.country.name, MailingCountryCode: s.country.code,
      Phone: shared?.phone ?? phone, Email: email, Title: s.title, Department: prng.pick(['Operations', 'Maintenance', 'Engineering', 'Reliability', 'Plant Management']),
      LeadSource: leadSource, OwnerId: owner.id, HasOptedOutOfEmail: behaviour === 'unsubscribed',
      EmailBouncedReason: bounced ? '550 5.1.1 The email account that you tried to reach does not exist' : null,
      EmailBouncedDate: bounced ? sfDateTime(between(prng, created, now)) : null,
    }, created, created, owner.id);
    let modified = created;
    const roll = prng.float();
    if (!showcase && !conversion && !shared && roll < 0.004 && index > 0) {
      // merged into the contact before it (same email), or deleted
      const masterId = makeId(KEY_PREFIXES.Contact, index - 1);
      const masterRow = this.t.Contact!.rows.get(masterId);
      const deletedAt = between(prng, created + HOUR, now - HOUR);
      if (masterRow && masterRow.IsDeleted !== true) {
        this.usedEmails.delete(email);
        Object.assign(row, { Email: masterRow.Email, IsDeleted: true, MasterRecordId: masterId });
      } else row.IsDeleted = true;
      row.LastModifiedDate = row.SystemModstamp = sfStamp(deletedAt);
      return;
    }
    if (!showcase && !conversion && !shared && roll < 0.007) {
      row.IsDeleted = true;
      row.LastModifiedDate = row.SystemModstamp = sfStamp(between(prng, created + HOUR, now - HOUR));
      return;
    }
    const who = { leadId: undefined, contactId: id };
    if (showcase?.kind === 'customer') {
      this.opportunity(prng, {
        id: showcase.opportunityId, account: company!, contactId: id, created: now - 160 * DAY, outcome: 'won', leadSource, ownerId: owner.id,
        showcase: true,
      });
      modified = Math.max(modified, this.engage(prng, who, 'webinar', created, 'customer', 'contact'));
    } else if (conversion?.leadRow) {
      modified = Math.max(modified, this.engage(prng, who, behaviour, created, showcase ? 'convertedOpportunity' : undefined, 'contact'));
    } else {
      if (behaviour === 'customer' || behaviour === 'open-opp' || behaviour === 'lost-opp') {
        const outcome = behaviour === 'customer' ? 'won' : behaviour === 'open-opp' ? 'open' : 'lost';
        if (company) {
          this.opportunity(prng, {
            account: company, contactId: id, created: Math.max(created, now - between(prng, 20 * DAY, 300 * DAY)), outcome, leadSource, ownerId: owner.id,
            showcase: false,
          });
        }
      }
      modified = Math.max(modified, this.engage(prng, who, behaviour, created, undefined, 'contact'));
    }
    const stamp = sfStamp(Math.min(now - 60_000, modified + between(prng, 0, 2 * HOUR)));
    row.LastModifiedDate = stamp;
    row.SystemModstamp = stamp;
  }

  private contactConversions: Map<number, Conversion> | undefined;

  private conversionByContact(contactIndex: number): Conversion | undefined {
    if (!this.contactConversions) {
      this.contactConversions = new Map();
      for (const c of this.conversions.values()) if (c.leadRow) this.contactConversions.set(c.contactIndex, c);
    }
    return this.contactConversions.get(contactIndex);
  }

  // --- engagement -----------------------------------------------------------------------------

  /** Campaign memberships for a behaviour; returns the latest time anything happened. */
  private engage(
    prng: Prng,
    who: { leadId: string | undefined; contactId: string | undefined },
    behaviour: Behaviour,
    created: number,
    kind: string | undefined,
    side: 'lead' | 'contact',
  ): number {
    const { now } = this.options;
    let latest = created;
    const add = (key: CampaignKey, status: string, at: number, respondedAt?: number) => {
      const when = Math.max(at, created);
      if (when > now) return;
      const responded = respondedAt !== undefined ? Math.min(Math.max(respondedAt, when), now - 60_000) : undefined;
      this.member(who, key, status, when, responded);
      latest = Math.max(latest, responded ?? when);
    };
    const webinar = (key: CampaignKey, attend: boolean) => {
      const c = campaign(key);
      const start = now - c.startDaysAgo * DAY;
      const live = now - c.endDaysAgo * DAY;
      if (live < created) return;
      const registered = between(prng, Math.max(start, created), Math.max(start, created) + 5 * DAY);
      if (live > now) add(key, 'Registered', Math.min(registered, now - HOUR));
      else add(key, attend ? 'Attended' : 'No Show', registered, attend ? live : undefined);
    };
    const website = (key: CampaignKey, daysAgoMin: number, daysAgoMax: number) => {
      const at = Math.max(created + HOUR, now - between(prng, daysAgoMin * DAY, daysAgoMax * DAY));
      add(key, 'Responded', at, at);
    };
    const newsletters = (clickChance: number) => {
      for (const key of NEWSLETTER_CAMPAIGNS) {
        const sent = now - campaign(key).startDaysAgo * DAY;
        if (sent < created) continue;
        if (prng.chance(clickChance)) add(key, 'Responded', sent, sent + between(prng, HOUR, 4 * DAY));
        else add(key, 'Sent', sent);
      }
    };
    switch (kind) {
      case 'demoRequest':
        website('websiteContent', 12, 30);
        website('websiteDemo', 1, 3);
        return latest;
      case 'countryNotServed':
        website('websiteDemo', 2, 2.5);
        return latest;
      case 'queueHotLead':
        website('websiteDemo', 1.5, 2);
        website('websiteContactSales', 0.2, 1);
        return latest;
      case 'mqlPersona':
        website('websiteContent', 25, 40);
        website('websiteContent', 5, 15);
        webinar('webinarVibrationQa', true);
        newsletters(1);
        return latest;
      case 'webinarHeavy':
        for (const key of WEBINAR_CAMPAIGNS) webinar(key, true);
        add('tradeShowSummit', 'Attended', now - campaign('tradeShowSummit').endDaysAgo * DAY);
        return latest;
      case 'personalEmail':
      case 'nonTargetIndustry':
        website('websiteContent', 20, 35);
        website('websiteContent', 3, 10);
        webinar('webinarVibrationQa', true);
        return latest;
      case 'competitor':
        webinar('webinarRoi', true);
        website('websiteContactSales', 4, 6);
        return latest;
      case 'convertedOpportunity':
        if (side === 'lead') {
          website('websiteContent', 60, 70);
          website('websiteDemo', 40, 45);
        } else webinar('webinarVibrationQa', true);
        return latest;
      case 'customer':
        webinar('webinarRoi', true);
        newsletters(0.5);
        return latest;
      default:
        break;
    }
    switch (behaviour) {
      case 'dormant':
        if (prng.chance(0.3)) {
          const key = prng.pick(NEWSLETTER_CAMPAIGNS);
          add(key, 'Sent', now - campaign(key).startDaysAgo * DAY);
        }
        break;
      case 'newsletter':
      case 'unsubscribed':
      case 'bounced':
        newsletters(behaviour === 'newsletter' ? 0.25 : 0);
        if (behaviour === 'newsletter' && prng.chance(0.3)) add('nurtureDowntime', 'Sent', created + DAY);
        break;
      case 'content':
        for (let k = prng.int(1, 3); k > 0; k--) website('websiteContent', 1, 110);
        if (prng.chance(0.4)) newsletters(0.3);
        break;
      case 'syndicated':
        add('syndicationQ4', 'Responded', created, created);
        break;
      case 'webinar':
        for (const key of WEBINAR_CAMPAIGNS) if (prng.chance(0.55)) webinar(key, prng.chance(0.65));
        if (prng.chance(0.3)) webinar('webinarWinter', false);
        break;
      case 'event':
        {
          const key = prng.pick(TRADE_SHOW_CAMPAIGNS);
          add(key, 'Attended', now - campaign(key).endDaysAgo * DAY);
        }
        break;
      case 'demo-request':
        if (prng.chance(0.5)) website('websiteContent', 10, 60);
        website('websiteDemo', 0, 30);
        break;
      case 'trial':
        website('websiteTrial', 0, 30);
        break;
      case 'contact-sales':
        website('websiteContactSales', 0, 30);
        break;
      case 'customer':
      case 'open-opp':
      case 'lost-opp':
        if (prng.chance(0.5)) webinar(prng.pick(WEBINAR_CAMPAIGNS), prng.chance(0.7));
        newsletters(0.2);
        break;
    }
    return latest;
  }

  private member(who: { leadId: string | undefined; contactId: string | undefined }, key: CampaignKey, status: string, at: number, respondedAt?: number): void {
    const c = campaign(key);
    const responded = CAMPAIGN_MEMBER_STATUSES.find((s) => s.value === status)?.responded === true;
    const id = this.store.ids.take(KEY_PREFIXES.CampaignMember);
    this.insert(this.t.CampaignMember!, {
      Id: id, CampaignId: c.id, LeadId: who.leadId ?? null, ContactId: who.contactId ?? null,
      LeadOrContactId: who.contactId ?? who.leadId, Status: status, HasResponded: responded,
      FirstRespondedDate: responded ? sfDate(respondedAt ?? at) : null, Type: who.contactId ? 'Contact' : 'Lead',
    }, at, respondedAt ?? at);
    const counts = this.campaignCounts.get(c.id)!;
    if (who.contactId) counts.contacts++;
    else counts.leads++;
    if (responded) counts.responses++;
  }

  private repTask(
    prng: Prng,
    task: { whoId: string; whatId?: string; ownerId: string; at: number; kind: 'call' | 'email' | 'todo'; completed: boolean },
  ): void {
    const { at, kind, completed } = task;
    const id = this.store.ids.take(KEY_PREFIXES.Task);
    const call = kind === 'call';
    const subject = call ? 'Call' : kind === 'email' ? prng.pick(EMAIL_SUBJECTS) : prng.pick(FOLLOW_UP_SUBJECTS);
    const disposition = call ? prng.pick(CALL_DISPOSITIONS) : null;
    this.insert(this.t.Task!, {
      Id: id, WhoId: task.whoId, WhatId: task.whatId ?? null, Subject: subject, ActivityDate: sfDate(at),
      Status: completed ? 'Completed' : 'Not Started', Priority: completed ? 'Normal' : prng.pick(['High', 'Normal'] as const),
      OwnerId: task.ownerId, Description: call ? `${disposition}. ${prng.pick(['Discussed current maintenance approach.', 'Asked about sensor coverage.', 'Will call back next week.', 'Sent follow-up materials.'])}` : null,
      Type: call ? 'Call' : kind === 'email' ? 'Email' : 'Other', TaskSubtype: call ? 'Call' : kind === 'email' ? 'Email' : 'Task',
      IsClosed: completed, CallDurationInSeconds: call ? (disposition === 'Connected' || disposition === 'Meeting booked' ? prng.int(180, 1800) : prng.int(15, 60)) : null,
      CallType: call ? 'Outbound' : null, CallDisposition: disposition, CompletedDateTime: completed ? sfStamp(at) : null,
      AccountId: null,
    }, at, at, task.ownerId);
    if (completed) {
      this.touch(task.whoId, at);
      if (task.whatId) this.touch(task.whatId, at);
    }
    if (completed && disposition === 'Meeting booked') this.bookedMeeting({ whoId: task.whoId, whatId: task.whatId, ownerId: task.ownerId, at });
  }

  /**
   * The meeting a call booked, in the rep's calendar: put there five minutes after the call, for two
   * days later at 15:00 UTC, 45 minutes. Derived from the call alone (no draw from the PRNG, its own id
   * sequence, no LastActivityDate change), so seeding it changes no other seeded value.
   */
  private bookedMeeting(call: { whoId: string; whatId?: string | undefined; ownerId: string; at: number }): void {
    const booked = call.at + 5 * MINUTE;
    if (booked > this.options.now) return;
    const start = Math.floor(call.at / DAY) * DAY + 2 * DAY + 15 * HOUR;
    this.insert(this.t.Event!, {
      Id: this.store.ids.take(KEY_PREFIXES.Event), WhoId: call.whoId, WhatId: call.whatId ?? null, Subject: 'Meeting: product demo',
      Location: 'Video call', IsAllDayEvent: false, ActivityDateTime: sfDateTime(start), ActivityDate: sfDate(start),
      StartDateTime: sfDateTime(start), EndDateTime: sfDateTime(start + 45 * MINUTE), DurationInMinutes: 45, OwnerId: call.ownerId,
      Description: 'Booked on the call.', Type: 'Meeting', EventSubtype: 'Event', ShowAs: 'Busy', IsPrivate: false,
      AccountId: null, IsArchived: false,
    }, booked, booked, call.ownerId);
  }

  private opportunity(
    prng: Prng,
    o: {
      id?: string; account: SeedCompany; contactId: string; created: number; outcome: 'open' | 'won' | 'lost'; leadSource: string;
      ownerId: string; showcase: boolean;
    },
  ): string {
    const { now } = this.options;
    const id = o.id ?? this.store.ids.take(KEY_PREFIXES.Opportunity);
    const stage = o.outcome === 'won' ? OPPORTUNITY_STAGES[8] : o.outcome === 'lost' ? OPPORTUNITY_STAGES[9]
      : o.showcase ? OPPORTUNITY_STAGES[6] : prng.pick(OPEN_STAGES);
    const closeDate = stage.closed ? Math.min(now - DAY, o.created + between(prng, 20 * DAY, 90 * DAY)) : now + between(prng, 10 * DAY, 120 * DAY);
    const amount = Math.round((15_000 + prng.float() * 235_000) / 500) * 500;
    const product = prng.pick(PRODUCTS);
    this.insert(this.t.Opportunity!, {
      Id: id, AccountId: o.account.id, Name: `${o.account.name} - ${product}`, StageName: stage.value, Amount: amount,
      Probability: stage.probability, CloseDate: sfDate(closeDate), Type: 'New Customer', LeadSource: o.leadSource,
      IsClosed: stage.closed, IsWon: stage.won, ForecastCategoryName: stage.won ? 'Closed' : stage.closed ? 'Omitted' : 'Pipeline',
      OwnerId: o.ownerId,
    }, o.created, stage.closed ? closeDate : Math.min(now - HOUR, o.created + 5 * DAY), o.ownerId);
    this.insert(this.t.OpportunityContactRole!, {
      Id: this.store.ids.take(KEY_PREFIXES.OpportunityContactRole), OpportunityId: id, ContactId: o.contactId,
      Role: prng.pick(['Decision Maker', 'Economic Buyer', 'Technical Buyer', 'Evaluator'] satisfies (typeof CONTACT_ROLES)[number][]),
      IsPrimary: true,
    }, o.created, o.created, o.ownerId);
    const calls = prng.int(1, 3);
    const until = stage.closed ? closeDate : now - HOUR;
    for (let k = 0; k < calls; k++) {
      this.repTask(prng, { whoId: o.contactId, whatId: id, ownerId: o.ownerId, at: between(prng, o.created, until), kind: prng.chance(0.6) ? 'call' : 'email', completed: true });
    }
    if (stage.won) this.store.update(this.t.Account!, o.account.row, { Type: 'Customer - Direct' });
    return id;
  }

  private finish(): void {
    // LastActivityDate on people and opportunities, and on the accounts of contacts
    for (const [id, at] of this.lastActivity) {
      const found = this.store.find(id);
      if (!found) continue;
      found.row.LastActivityDate = sfDate(at);
      const accountId = found.row.AccountId;
      if (typeof accountId === 'string') {
        const account = this.store.find(accountId);
        if (account && (account.row.LastActivityDate === null || (account.row.LastActivityDate as string) < sfDate(at))) {
          account.row.LastActivityDate = sfDate(at);
        }
      }
    }
    // Task.AccountId and Event.AccountId are derived from WhoId (contact) / WhatId
    for (const activity of [...this.t.Task!.rows.values(), ...this.t.Event!.rows.values()]) {
      const who = typeof activity.WhoId === 'string' ? this.store.find(activity.WhoId) : undefined;
      if (who?.table.def.name === 'Contact') activity.AccountId = who.row.AccountId;
    }
    for (const [campaignId, counts] of this.campaignCounts) {
      const row = this.t.Campaign!.rows.get(campaignId)!;
      row.NumberOfLeads = counts.leads;
      row.NumberOfContacts = counts.contacts;
      row.NumberOfResponses = counts.responses;
    }
  }
}
