/**
 * The deterministic synthetic portal. Companies are built eagerly (there are few); contacts are
 * built on demand from a per-contact PRNG (`Prng.for(seed, stream, index)`), so contact 17 is the
 * same whether or not contacts 0..16 were ever generated and 500,000 contacts need no more memory
 * than the handful being served. Only a compact "skeleton" pass runs at start-up, to guarantee that
 * email addresses are unique (form submissions and email events are matched to people by email).
 *
 * A few contacts at fixed positions are hand-picked archetypes (`describeSeed()`), so end-to-end
 * tests can assert "the demo requester became an SQL" without searching for one.
 */
import { emailDomainFor, emailLocalPart, phoneNumber, pickName } from '../kit/people';
import {
  COMPANY_NAME_PARTS, COMPETITOR_DOMAINS, COMPETITOR_NAMES, COUNTRIES, NON_PERSONA_TITLES, NON_US_COUNTRY_WEIGHTS,
  PERSONA_TITLES, PERSONAL_EMAIL_DOMAINS, SELF_EMPLOYED_TITLES, type CountryInfo,
} from '../kit/people-catalog';
import { Prng } from '../kit/prng';
import type { PeopleSource, SharedPerson } from '../kit/shared-people';
import {
  FORM_IDS, FORMS, INDUSTRY_LABELS, NON_TARGET_INDUSTRIES, REP_OWNER_IDS, STUDENT_EMAIL_DOMAINS, STUDENT_TITLES, TARGET_INDUSTRIES,
} from './seed-catalog';
import { generateEngagement, type Behaviour, type PersonEngagement } from './seed-engagement';

// A module-level reference: `Date` is a slow global lookup inside Jest's vm context.
const NativeDate = Date;

/** Weight tables live at module level so Prng.weighted can reuse their totals. */
const COMPANY_SEGMENT_WEIGHTS = { 'target-large-us': 50, 'target-small-us': 20, 'non-target-us': 15, 'target-large-intl': 15 } as const;
const FIT_WEIGHTS = {
  persona: 30, 'non-persona': 14, 'personal-email': 12, student: 6, competitor: 1, 'non-us': 15,
  'small-company': 10, 'non-target-industry': 10, 'self-employed': 2,
} as const;
const BEHAVIOUR_WEIGHTS = {
  dormant: 28, newsletter: 10, 'blog-reader': 18, researcher: 14, 'pricing-hot': 4, 'demo-request': 3, trial: 1.5,
  quote: 1.5, consultation: 1, webinar: 7, 'job-seeker': 3, customer: 2, 'open-deal': 2.5, unsubscribed: 3, bounced: 2,
} as const;
const FAST_TRACK_STAGE_WEIGHTS = { lead: 50, marketingqualifiedlead: 35, salesqualifiedlead: 15 } as const;
const LEAD_STATUS_WEIGHTS_LEAD = { NEW: 60, OPEN: 25, UNQUALIFIED: 8, BAD_TIMING: 7 } as const;
const LEAD_STATUS_WEIGHTS_MQL = { OPEN: 60, IN_PROGRESS: 40 } as const;
const LEAD_STATUS_WEIGHTS_SQL = { IN_PROGRESS: 40, ATTEMPTED_TO_CONTACT: 35, CONNECTED: 25 } as const;

export { COMPETITOR_DOMAINS, FORM_IDS, PERSONAL_EMAIL_DOMAINS, STUDENT_EMAIL_DOMAINS, TARGET_INDUSTRIES, NON_TARGET_INDUSTRIES };

const DAY = 86_400_000;

export const DEFAULT_SEED = 20261127;
export const DEFAULT_CONTACTS = 2000;
export const DEFAULT_NOW = '2026-11-27T12:00:00Z';

/** Object ids start at distinct bases so an id in a log says what it is. */
export const ID_BASE = {
  contact: 100_001,
  company: 300_000_001,
  deal: 400_000_001,
  meeting: 500_000_001,
  call: 600_000_001,
  task: 700_000_001,
  email: 800_000_001,
} as const;

/** Independent PRNG streams per purpose: adding a field to contacts never reshuffles companies. */
const STREAM = { company: 1, skeleton: 2, contact: 3, engagement: 4, companyBuckets: 5 } as const;

export interface SeedOptions {
  seed: number;
  contacts: number;
  /** The moment the seeded history ends (epoch ms). */
  now: number;
}

export const FITS = [
  'persona', 'non-persona', 'personal-email', 'student', 'competitor', 'non-us', 'small-company',
  'non-target-industry', 'self-employed',
] as const;
export type Fit = (typeof FITS)[number];

const BEHAVIOUR_LIST: readonly Behaviour[] = [
  'dormant', 'newsletter', 'blog-reader', 'researcher', 'pricing-hot', 'demo-request', 'trial', 'quote',
  'consultation', 'webinar', 'job-seeker', 'customer', 'open-deal', 'unsubscribed', 'bounced',
];

export type CompanySegment = 'target-large-us' | 'target-small-us' | 'non-target-us' | 'target-large-intl' | 'university' | 'competitor';

export interface SeedCompany {
  index: number;
  id: string;
  segment: CompanySegment;
  countryCode: string;
  properties: Record<string, string>;
}

/** The hand-picked archetypes an end-to-end test can name. */
export const SHOWCASE_KINDS = {
  personalEmail: { fit: 'personal-email', behaviour: 'researcher' },
  student: { fit: 'student', behaviour: 'webinar' },
  competitor: { fit: 'competitor', behaviour: 'pricing-hot' },
  nonUs: { fit: 'non-us', behaviour: 'demo-request' },
  smallCompany: { fit: 'small-company', behaviour: 'researcher' },
  nonTargetIndustry: { fit: 'non-target-industry', behaviour: 'researcher' },
  blogReaderOnly: { fit: 'persona', behaviour: 'blog-reader' },
  webinarAttendee: { fit: 'persona', behaviour: 'webinar' },
  pricingVisitorHighEngagement: { fit: 'persona', behaviour: 'pricing-hot' },
  demoRequester: { fit: 'persona', behaviour: 'demo-request' },
  customerClosedWon: { fit: 'persona', behaviour: 'customer' },
  openDeal: { fit: 'persona', behaviour: 'open-deal' },
  unsubscribed: { fit: 'persona', behaviour: 'unsubscribed' },
  hardBounced: { fit: 'persona', behaviour: 'bounced' },
  jobSeeker: { fit: 'non-persona', behaviour: 'job-seeker' },
  selfEmployed: { fit: 'self-employed', behaviour: 'researcher' },
  dormant: { fit: 'persona', behaviour: 'dormant' },
} as const satisfies Record<string, { fit: Fit; behaviour: Behaviour }>;
export type ShowcaseKind = keyof typeof SHOWCASE_KINDS;
const SHOWCASE_LIST = Object.keys(SHOWCASE_KINDS) as ShowcaseKind[];
/** Two contacts per kind, spread every 7th index so the first page of contacts is not all archetypes. */
const SHOWCASE_COPIES = 2;
const SHOWCASE_STRIDE = 7;

function showcaseAt(index: number): ShowcaseKind | undefined {
  if (index % SHOWCASE_STRIDE !== 0) return undefined;
  const slot = index / SHOWCASE_STRIDE;
  if (slot >= SHOWCASE_LIST.length * SHOWCASE_COPIES) return undefined;
  return SHOWCASE_LIST[slot % SHOWCASE_LIST.length];
}

export function contactId(index: number): string {
  return String(ID_BASE.contact + index);
}
export function contactIndex(id: string): number | undefined {
  if (!/^\d+$/.test(id)) return undefined;
  return Number(id) - ID_BASE.contact;
}

export interface SeedDescription {
  seed: number;
  contacts: number;
  now: string;
  competitorDomains: readonly string[];
  formIds: typeof FORM_IDS;
  /** Contact ids of each hand-picked kind (two each when the portal is big enough, ≥ 238 contacts). */
  kinds: Record<ShowcaseKind, string[]>;
  /** What each kind means, for test failure messages. */
  definitions: Record<ShowcaseKind, string>;
}

const DEFINITIONS: Record<ShowcaseKind, string> = {
  personalEmail: 'US persona at a target company who signed up with a gmail/yahoo/hotmail/outlook address; researches content',
  student: 'student with a .edu address who registered for (and maybe watched) a webinar',
  competitor: 'employee of a competitor (COMPETITOR_DOMAINS) with pricing-page and content engagement',
  nonUs: 'persona at a 100+ employee target-industry company outside the US (DE/GB/IN/BR/FR) who requested a demo',
  smallCompany: 'US persona at a target-industry company with fewer than 100 employees; researches content',
  nonTargetIndustry: 'US persona at a 100+ employee company in retail/education/hospitality/…; researches content',
  blogReaderOnly: 'US persona at a target company whose only activity is many /blog/ page views',
  webinarAttendee: 'US persona who registered for a webinar (form) and usually attended it (live page views)',
  pricingVisitorHighEngagement: 'US persona who viewed pricing repeatedly in the last 7 days, downloaded content, clicks emails; no fast-track form',
  demoRequester: 'US persona at a 100+ employee target-industry company who submitted the Demo Request form in the last 5 days',
  customerClosedWon: 'contact with a closed-won deal (lifecyclestage customer)',
  openDeal: 'contact with an open deal (lifecyclestage opportunity), meetings and calls',
  unsubscribed: 'opened one marketing email then unsubscribed (STATUSCHANGE), sometimes also a spam report',
  hardBounced: 'marketing email hard-bounced (BOUNCE)',
  jobSeeker: 'non-buyer who only browses /careers pages and may have applied for a job',
  selfEmployed: 'self-employed consultant (no company association)',
  dormant: 'US persona with almost no activity',
};

export function describeSeed(options: Partial<SeedOptions> = {}): SeedDescription {
  const resolved = resolveSeedOptions(options);
  const kinds = Object.fromEntries(SHOWCASE_LIST.map((kind) => [kind, [] as string[]])) as Record<ShowcaseKind, string[]>;
  for (let slot = 0; slot < SHOWCASE_LIST.length * SHOWCASE_COPIES; slot++) {
    const index = slot * SHOWCASE_STRIDE;
    if (index >= resolved.contacts) break;
    kinds[SHOWCASE_LIST[slot % SHOWCASE_LIST.length]!].push(contactId(index));
  }
  return {
    seed: resolved.seed,
    contacts: resolved.contacts,
    now: new NativeDate(resolved.now).toISOString(),
    competitorDomains: COMPETITOR_DOMAINS,
    formIds: FORM_IDS,
    kinds,
    definitions: DEFINITIONS,
  };
}

export function resolveSeedOptions(options: Partial<SeedOptions>): SeedOptions {
  const now = options.now ?? Date.parse(DEFAULT_NOW);
  const contacts = options.contacts ?? DEFAULT_CONTACTS;
  if (!Number.isInteger(contacts) || contacts < 0 || contacts > 500_000) {
    throw new Error(`contacts must be an integer between 0 and 500000, got ${contacts}`);
  }
  return { seed: options.seed ?? DEFAULT_SEED, contacts, now };
}

// ---------------------------------------------------------------------------------------------
// Companies

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '');
}

function pickNonUsCountry(prng: Prng): CountryInfo {
  return COUNTRIES[prng.weighted(NON_US_COUNTRY_WEIGHTS)]!;
}

function employeesFor(prng: Prng, segment: CompanySegment): number {
  switch (segment) {
    case 'target-small-us':
      return prng.int(4, 95);
    case 'university':
      return prng.int(2000, 12000);
    case 'competitor':
      return prng.int(150, 600);
    default:
      // Log-uniform 100..8000: many mid-size plants, a few large enterprises.
      return Math.round(Math.exp(Math.log(100) + prng.float() * (Math.log(8000) - Math.log(100))));
  }
}

function buildCompanies(options: SeedOptions): SeedCompany[] {
  const count = Math.max(40, Math.ceil(options.contacts / 6));
  const usedDomains = new Set<string>();
  const companies: SeedCompany[] = [];
  for (let index = 0; index < count; index++) {
    const prng = Prng.for(options.seed, STREAM.company, index);
    let segment: CompanySegment;
    if (index < COMPETITOR_DOMAINS.length) segment = 'competitor';
    else if (index < COMPETITOR_DOMAINS.length + STUDENT_EMAIL_DOMAINS.length) segment = 'university';
    else {
      segment = prng.weighted(COMPANY_SEGMENT_WEIGHTS);
    }
    const country = segment === 'target-large-intl' ? pickNonUsCountry(prng) : COUNTRIES.US!;
    let industry: string;
    let name: string;
    let domain: string;
    if (segment === 'competitor') {
      industry = 'COMPUTER_SOFTWARE';
      name = COMPETITOR_NAMES[index]!;
      domain = COMPETITOR_DOMAINS[index]!;
    } else if (segment === 'university') {
      industry = 'HIGHER_EDUCATION';
      const uni = STUDENT_EMAIL_DOMAINS[index - COMPETITOR_DOMAINS.length]!;
      const head = uni.split('.')[0]!;
      name = `${head.charAt(0).toUpperCase()}${head.slice(1)} University`;
      domain = uni;
    } else {
      industry = prng.pick(segment === 'non-target-us' ? NON_TARGET_INDUSTRIES : TARGET_INDUSTRIES);
      const parts = COMPANY_NAME_PARTS[industry]!;
      name = `${prng.pick(parts.heads)} ${prng.pick(parts.tails)}`;
      if (segment === 'target-large-intl') {
        name += { DE: ' GmbH', GB: ' Ltd', IN: ' Pvt Ltd', BR: ' Ltda', FR: ' SAS' }[country.code] ?? '';
      }
      const base = slug(name.replace(/ (GmbH|Ltd|Pvt Ltd|Ltda|SAS|Co\.)$/, ''));
      domain = `${base}.${country.tld}`;
      // Same generated name twice: real portals have "Apex Industries" and "Apex Industries Houston".
      if (usedDomains.has(domain)) domain = `${base}${slug(prng.pick(country.cities).city)}.${country.tld}`;
      for (let n = 2; usedDomains.has(domain); n++) domain = `${base}${n}.${country.tld}`;
    }
    usedDomains.add(domain);
    const employees = employeesFor(prng, segment);
    const place = prng.pick(country.cities);
    const created = options.now - prng.int(200, 1500) * DAY;
    const properties: Record<string, string> = {
      hs_object_id: String(ID_BASE.company + index),
      name,
      domain,
      website: `https://www.${domain}`,
      industry,
      numberofemployees: String(employees),
      annualrevenue: String(employees * prng.int(120, 450) * 1000),
      country: country.name,
      city: place.city,
      state: place.state,
      phone: `${country.phonePrefix} ${prng.int(200, 989)} ${prng.int(100, 999)} ${prng.int(1000, 9999)}`,
      createdate: new NativeDate(created).toISOString(),
      hs_lastmodifieddate: new NativeDate(created + prng.int(1, 190) * DAY).toISOString(),
      description: `${name} (${INDUSTRY_LABELS[industry] ?? industry}), ${place.city}, ${country.name}`,
    };
    companies.push({ index, id: properties.hs_object_id!, segment, countryCode: country.code, properties });
  }
  return companies;
}

// ---------------------------------------------------------------------------------------------
// Contacts

interface Skeleton {
  fit: Fit;
  behaviour: Behaviour;
  country: CountryInfo;
  first: string;
  last: string;
  /** Index into companies, or -1 when the person has no company association. */
  company: number;
  /** Where the email points: the company domain, a personal provider, a .edu, or a one-person firm. */
  emailDomain: string;
  personalStyle: boolean;
}

/** Country name → ISO code, for the people another sandbox shares (kit/shared-people.ts). */
const COUNTRY_CODES = new Map(Object.values(COUNTRIES).map((c) => [c.name, c.code]));

export class SeedPortal implements PeopleSource {
  readonly options: SeedOptions;
  readonly companies: SeedCompany[];
  private readonly buckets: Record<CompanySegment, number[]>;
  /** Per-contact collision suffix for the email local part (0 = none); see the header comment. */
  private readonly emailSuffix: Uint16Array;
  /** Contacts are cached once built; bounded so 500k contacts stay cheap. */
  private readonly cache = new Map<number, SeedContact>();
  private readonly cacheLimit: number;
  /** The engagement computed while building the last contact, reused by `engagement()` right after. */
  private lastEngagement: { index: number; engagement: PersonEngagement } | undefined;

  constructor(options: Partial<SeedOptions> = {}, cacheLimit = 50_000) {
    this.options = resolveSeedOptions(options);
    this.cacheLimit = cacheLimit;
    this.companies = buildCompanies(this.options);
    this.buckets = { 'target-large-us': [], 'target-small-us': [], 'non-target-us': [], 'target-large-intl': [], university: [], competitor: [] };
    for (const company of this.companies) this.buckets[company.segment].push(company.index);
    this.emailSuffix = new Uint16Array(this.options.contacts);
    const seen = new Set<string>();
    for (let index = 0; index < this.options.contacts; index++) {
      const base = this.emailOf(this.skeleton(index), index, 0);
      let suffix = 0;
      let email = base;
      while (seen.has(email)) email = this.emailOf(this.skeleton(index), index, ++suffix);
      seen.add(email);
      this.emailSuffix[index] = suffix;
    }
  }

  get contactCount(): number {
    return this.options.contacts;
  }

  contact(index: number): SeedContact {
    const cached = this.cache.get(index);
    if (cached) return cached;
    const built = this.buildContact(index);
    if (this.cache.size < this.cacheLimit) this.cache.set(index, built);
    return built;
  }

  /**
   * This contact as a person another sandbox may share (kit/shared-people.ts, `sharedFromHubSpot`):
   * email, first and last name, job title, company, phone and country as the portal has them; none
   * for a showcase contact, which a test names by id.
   */
  sharedPerson(index: number): SharedPerson | undefined {
    if (showcaseAt(index) !== undefined) return undefined;
    const p = this.contact(index).properties;
    return {
      email: p.email!,
      firstName: p.firstname ?? '',
      lastName: p.lastname!,
      ...(p.jobtitle ? { title: p.jobtitle } : {}),
      ...(p.company ? { company: p.company } : {}),
      ...(p.phone ? { phone: p.phone } : {}),
      ...(p.country && COUNTRY_CODES.has(p.country) ? { country: COUNTRY_CODES.get(p.country)! } : {}),
    };
  }

  private skeleton(index: number): Skeleton {
    const { seed } = this.options;
    const prng = Prng.for(seed, STREAM.skeleton, index);
    const showcase = showcaseAt(index);
    let fit: Fit;
    let behaviour: Behaviour;
    if (showcase) {
      ({ fit, behaviour } = SHOWCASE_KINDS[showcase]);
    } else {
      fit = prng.weighted(FIT_WEIGHTS);
      behaviour = prng.weighted(BEHAVIOUR_WEIGHTS);
      const buyer = fit === 'persona' || fit === 'non-persona' || fit === 'small-company' || fit === 'non-target-industry';
      if ((behaviour === 'customer' || behaviour === 'open-deal') && !buyer) behaviour = 'researcher';
      if (fit === 'student' && prng.chance(0.3)) behaviour = 'job-seeker';
    }
    const bucket: CompanySegment | undefined = {
      persona: 'target-large-us', 'non-persona': 'target-large-us', 'personal-email': 'target-large-us', student: 'university',
      competitor: 'competitor', 'non-us': 'target-large-intl', 'small-company': 'target-small-us',
      'non-target-industry': 'non-target-us', 'self-employed': undefined,
    }[fit] as CompanySegment | undefined;
    const pool = bucket ? this.buckets[bucket] : [];
    const company = pool.length > 0 ? prng.pick(pool) : -1;
    const country = company >= 0 ? COUNTRIES[this.companies[company]!.countryCode]! : COUNTRIES.US!;
    const { first, last } = pickName(prng, country);
    const email = emailDomainFor(prng, fit, last, this.companies[company]?.properties.domain ?? 'example.com');
    // students sign up with their university address, written the personal way (jdoe84@state.edu)
    const personalStyle = email.personal || fit === 'student';
    return { fit, behaviour, country, first, last, company, emailDomain: email.domain, personalStyle };
  }

  private emailOf(s: Skeleton, index: number, suffix: number): string {
    return `${emailLocalPart(s.first, s.last, s.personalStyle, index)}${suffix > 0 ? suffix + 1 : ''}@${s.emailDomain}`;
  }

  private buildContact(index: number): SeedContact {
    const { seed, now } = this.options;
    const s = this.skeleton(index);
    const prng = Prng.for(seed, STREAM.contact, index);
    const id = contactId(index);
    const company = s.company >= 0 ? this.companies[s.company] : undefined;
    const email = this.emailOf(s, index, this.emailSuffix[index] ?? 0);

    // Customers have been around longer than the 120-day engagement window.
    const ageDays = s.behaviour === 'customer' ? prng.int(200, 500) : prng.int(2, 420);
    const created = now - ageDays * DAY - prng.int(0, 86_399) * 1000;
    const window = { now, start: Math.max(created, now - 120 * DAY) };
    const engagement = generateEngagement(Prng.for(seed, STREAM.engagement, index), s.behaviour, window);
    this.lastEngagement = { index, engagement };

    const title =
      s.fit === 'student' ? prng.pick(STUDENT_TITLES)
      : s.fit === 'self-employed' ? prng.pick(SELF_EMPLOYED_TITLES)
      : s.fit === 'non-persona' || s.behaviour === 'job-seeker' ? prng.pick(NON_PERSONA_TITLES)
      : prng.pick(PERSONA_TITLES);
    const place = prng.pick(s.country.cities);
    const stage = lifecycleFor(prng, s.behaviour, showcaseAt(index) !== undefined);
    const properties: Record<string, string> = {
      hs_object_id: id,
      email,
      firstname: s.first,
      lastname: s.last,
      jobtitle: title,
      country: s.country.name,
      city: place.city,
      state: place.state,
      ip_country: s.country.name.toLowerCase(),
      ip_country_code: s.country.code.toLowerCase(),
      ip_city: place.city.toLowerCase(),
      hs_email_domain: email.split('@')[1]!,
      lifecyclestage: stage,
      createdate: new NativeDate(created).toISOString(),
      hs_analytics_source: prng.pick(['ORGANIC_SEARCH', 'ORGANIC_SEARCH', 'DIRECT_TRAFFIC', 'PAID_SEARCH', 'SOCIAL_MEDIA', 'EMAIL_MARKETING', 'REFERRALS']),
    };
    // Drill-down 1 names the campaign, engine or site behind the source, as HubSpot fills it; taken
    // from the index, not the PRNG, so every other seeded value stays what it was
    const drillDown = sourceDrillDown(properties.hs_analytics_source!, index);
    if (drillDown) properties.hs_analytics_source_data_1 = drillDown;
    if (company) {
      properties.company = company.properties.name!;
      properties.website = company.properties.website!;
      if (s.fit !== 'personal-email') properties.associatedcompanyid = company.id;
    } else if (s.fit === 'self-employed') {
      properties.company = `${s.last} Reliability Consulting`;
    }
    // Phones: a sales handoff requirement, so some are missing (more often for students and gmail sign-ups).
    const phoneMissing = prng.chance(s.personalStyle ? 0.5 : 0.22);
    if (!phoneMissing && showcaseAt(index) !== 'demoRequester') {
      properties.phone = phoneNumber(prng, s.country);
    } else if (showcaseAt(index) === 'demoRequester') {
      properties.phone = phoneNumber(prng, COUNTRIES.US!);
    }
    const status = leadStatusFor(prng, stage);
    if (status) properties.hs_lead_status = status;
    if (stage !== 'subscriber' && (prng.chance(0.7) || stage === 'customer' || stage === 'opportunity')) {
      properties.hubspot_owner_id = prng.pick(REP_OWNER_IDS);
    }
    properties[`hs_lifecyclestage_${stage}_date`] = properties.createdate!;
    properties[`hs_v2_date_entered_${stage}`] = properties.createdate!;
    Object.assign(properties, analyticsProperties(engagement));

    const lastActivity = Math.max(
      created,
      ...engagement.pageViews.map((e) => e.t),
      ...engagement.forms.map((e) => e.t),
      ...engagement.emails.map((e) => e.t),
    );
    const modified = Math.min(now - 60_000, lastActivity + prng.int(1, 3600) * 1000);
    properties.lastmodifieddate = new NativeDate(Math.max(created, modified)).toISOString();
    return { index, id, companyIndex: s.company, fit: s.fit, behaviour: s.behaviour, properties, createdAt: created };
  }

  /**
   * What this contact did, rebuilt from its own PRNG stream rather than kept with the cached
   * contact: the activity index holds it compactly, so caching it twice would double the memory.
   */
  engagement(index: number): PersonEngagement {
    const contact = this.contact(index);
    if (this.lastEngagement?.index === index) {
      const { engagement } = this.lastEngagement;
      this.lastEngagement = undefined;
      return engagement;
    }
    const { seed, now } = this.options;
    const window = { now, start: Math.max(contact.createdAt, now - 120 * DAY) };
    return generateEngagement(Prng.for(seed, STREAM.engagement, index), contact.behaviour, window);
  }
}

export interface SeedContact {
  index: number;
  id: string;
  companyIndex: number;
  fit: Fit;
  behaviour: Behaviour;
  properties: Record<string, string>;
  /** Sign-up time, epoch ms. */
  createdAt: number;
}

function lifecycleFor(prng: Prng, behaviour: Behaviour, showcase: boolean): string {
  switch (behaviour) {
    case 'customer':
      return 'customer';
    case 'open-deal':
      return 'opportunity';
    case 'newsletter':
      return 'subscriber';
    case 'dormant':
    case 'blog-reader':
    case 'unsubscribed':
    case 'bounced':
    case 'job-seeker':
      return !showcase && prng.chance(0.35) ? 'subscriber' : 'lead';
    case 'researcher':
    case 'webinar':
      return !showcase && prng.chance(0.25) ? 'marketingqualifiedlead' : 'lead';
    case 'pricing-hot':
      return showcase ? 'lead' : 'marketingqualifiedlead';
    default:
      // Fast-track requests that the CRM has not processed yet: the engine is expected to move them.
      return showcase ? 'lead' : prng.weighted(FAST_TRACK_STAGE_WEIGHTS);
  }
}

function leadStatusFor(prng: Prng, stage: string): string | undefined {
  switch (stage) {
    case 'lead':
      return prng.weighted(LEAD_STATUS_WEIGHTS_LEAD);
    case 'marketingqualifiedlead':
      return prng.weighted(LEAD_STATUS_WEIGHTS_MQL);
    case 'salesqualifiedlead':
      return prng.weighted(LEAD_STATUS_WEIGHTS_SQL);
    case 'opportunity':
      return 'OPEN_DEAL';
    case 'customer':
      return 'CONNECTED';
    default:
      return undefined;
  }
}

/** The cheap summary properties HubSpot keeps on the contact itself (reference §1.7). */
function analyticsProperties(e: PersonEngagement): Record<string, string> {
  const iso = (t: number) => new NativeDate(t).toISOString();
  const out: Record<string, string> = {
    hs_analytics_num_page_views: String(e.pageViews.length),
    hs_analytics_num_visits: String(new Set(e.pageViews.map((v) => v.session)).size),
    num_conversion_events: String(e.forms.length),
    num_associated_deals: e.deal ? '1' : '0',
  };
  const firstView = e.pageViews[0];
  const lastView = e.pageViews[e.pageViews.length - 1];
  if (firstView) out.hs_analytics_first_timestamp = iso(firstView.t);
  if (lastView) out.hs_analytics_last_visit_timestamp = iso(lastView.t);
  const firstForm = e.forms[0];
  const lastForm = e.forms[e.forms.length - 1];
  if (firstForm) {
    out.first_conversion_date = iso(firstForm.t);
    out.first_conversion_event_name = FORMS[firstForm.form]!.name;
  }
  if (lastForm) {
    out.recent_conversion_date = iso(lastForm.t);
    out.recent_conversion_event_name = FORMS[lastForm.form]!.name;
  }
  const opens = e.emails.filter((m) => m.type === 'OPEN');
  const clicks = e.emails.filter((m) => m.type === 'CLICK');
  out.hs_email_open = String(opens.length);
  out.hs_email_click = String(clicks.length);
  if (opens.length) out.hs_email_last_open_date = iso(opens[opens.length - 1]!.t);
  if (clicks.length) out.hs_email_last_click_date = iso(clicks[clicks.length - 1]!.t);
  if (e.emails.some((m) => m.type === 'STATUSCHANGE')) out.hs_email_optout = 'true';
  const bounce = e.emails.find((m) => m.type === 'BOUNCE');
  if (bounce) {
    out.hs_email_bounce = '1';
    out.hs_email_hard_bounce_reason_enum = 'UNKNOWN_USER';
  }
  return out;
}

export { BEHAVIOUR_LIST as BEHAVIOURS };

/** HubSpot's "Original Traffic Source Drill-Down 1" for a seeded source: the campaign, search engine or referring site. */
function sourceDrillDown(source: string, index: number): string | null {
  switch (source) {
    case 'PAID_SEARCH': return index % 2 === 0 ? 'winter-maintenance-2026' : 'reliability-software';
    case 'EMAIL_MARKETING': return index % 3 === 0 ? 'Reliability newsletter' : 'Predictive maintenance webinar invite';
    case 'SOCIAL_MEDIA': return 'LinkedIn';
    case 'ORGANIC_SEARCH': return 'google';
    case 'REFERRALS': return 'plantservices.com';
    default: return null;
  }
}
