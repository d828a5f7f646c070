import type { Person } from '../model/person';
import { trimmed } from './text';

/**
 * What conditions read: the person plus, once computed, fit and engagement. One object per
 * evaluation; derived values are filled in as the engine gets to them.
 */
export interface Facts {
  /** A number no other evaluation shares: what memoised condition results are valid for. */
  evaluation: number;
  person: Person;
  emailDomain: string | null;
  fitScore: number;
  fitGrade: string;
  engagementScore: number;
  score: number;
  /**
   * Whole days since the latest hand-raise (a fast-track request: demo, trial, consultation, quote,
   * contact sales) that still counts, 0 for today; null when there is none.
   */
  handRaiseAgeDays: number | null;
  /** Whole days since the latest engagement that still counts (negative signs excluded), 0 for today; null when none. */
  daysSinceEngagement: number | null;
}

export type FieldValue = string | number | boolean | null | undefined;
export type FieldReader = (facts: Facts) => FieldValue;

/** The lower-cased domain of an email address, or null when the value is no address (no '@'). */
export function emailDomainOf(email: string | null | undefined): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  return at === -1 ? null : domainAfter(email, at) || null;
}

/** The lower-cased domain of an email address, or a bare domain as given (domain lists accept both). */
export function domainOf(value: string): string {
  return domainAfter(value, value.lastIndexOf('@'));
}

/** What follows the '@' at `at` (the whole value when `at` is -1), trimmed and lower-cased. */
function domainAfter(value: string, at: number): string {
  return trimmed(at === -1 ? value : value.slice(at + 1)).toLowerCase();
}

/** `emailDomainOf` and `domainOf`, remembering the last address they split. */
export interface AddressSplitter {
  emailDomainOf(email: string | null | undefined): string | null;
  domainOf(value: string): string;
}

/**
 * An evaluation derives the person's email domain for the facts and again for each domain list
 * the exclusions test: a splitter splits the address once. Each engine has its own, so the last
 * address is never another engine's (it is only a cache: any caller gets the same answers).
 */
export function createAddressSplitter(): AddressSplitter {
  let lastAddress = '';
  let lastDomain = '';
  let lastHasAt = false;
  const split = (value: string): void => {
    if (value === lastAddress) return;
    const at = value.lastIndexOf('@');
    lastHasAt = at !== -1;
    lastDomain = domainAfter(value, at);
    lastAddress = value;
  };
  return {
    emailDomainOf(email) {
      if (!email) return null;
      split(email);
      return lastHasAt ? lastDomain || null : null;
    },
    domainOf(value) {
      split(value);
      return lastDomain;
    },
  };
}

/** How many BANT answers equal `answer` (yes or no), as the rep filled them in. */
export function countBant(person: Person, answer: boolean): number {
  const bant = person.bant;
  if (!bant) return 0;
  return (
    Number(bant.budget === answer) + Number(bant.authority === answer) + Number(bant.need === answer) + Number(bant.timing === answer)
  );
}

/** Compiles a field name once into a reader, so conditions do no string work per evaluation. */
export function compileFieldReader(field: string): FieldReader {
  switch (field) {
    case 'emailDomain':
      return (facts) => facts.emailDomain;
    case 'bant.budget':
      return (facts) => facts.person.bant?.budget;
    case 'bant.authority':
      return (facts) => facts.person.bant?.authority;
    case 'bant.need':
      return (facts) => facts.person.bant?.need;
    case 'bant.timing':
      return (facts) => facts.person.bant?.timing;
    case 'bant.yes':
      return (facts) => countBant(facts.person, true);
    case 'bant.no':
      return (facts) => countBant(facts.person, false);
    case 'deals.open':
      return (facts) => facts.person.deals?.open ?? 0;
    case 'deals.won':
      return (facts) => facts.person.deals?.won ?? 0;
    case 'fit.score':
      return (facts) => facts.fitScore;
    case 'fit.grade':
      return (facts) => facts.fitGrade;
    case 'engagement.score':
      return (facts) => facts.engagementScore;
    case 'score':
      return (facts) => facts.score;
    case 'intent.hand_raise_age_days':
      return (facts) => facts.handRaiseAgeDays;
    case 'engagement.days_since_last':
      return (facts) => facts.daysSinceEngagement;
  }
  if (field.startsWith('attributes.')) {
    const name = field.slice('attributes.'.length);
    return (facts) => facts.person.attributes?.[name];
  }
  return compilePersonFieldReader(field as keyof Person);
}

/** Reads `person[key]` as it stands, whatever the key (no derived or dotted fields). */
export function compilePersonFieldReader(key: keyof Person): FieldReader {
  if (Object.hasOwn(PERSON_READERS, key)) return PERSON_READERS[key]!;
  return (facts) => facts.person[key] as FieldValue;
}

/**
 * Person fields read by name. One closure reading `person[key]` for every field made that load
 * megamorphic (the load site sees every key) and it showed up in the engine profile; a reader per
 * field is a plain property load. Frozen: shared by every engine.
 */
const PERSON_READERS: Readonly<Record<string, FieldReader>> = Object.freeze({
  id: (facts) => facts.person.id,
  email: (facts) => facts.person.email,
  firstName: (facts) => facts.person.firstName,
  lastName: (facts) => facts.person.lastName,
  title: (facts) => facts.person.title,
  company: (facts) => facts.person.company,
  employees: (facts) => facts.person.employees,
  annualRevenue: (facts) => facts.person.annualRevenue,
  industry: (facts) => facts.person.industry,
  country: (facts) => facts.person.country,
  ipCountry: (facts) => facts.person.ipCountry,
  phone: (facts) => facts.person.phone,
  ownerId: (facts) => facts.person.ownerId,
  leadStatus: (facts) => facts.person.leadStatus,
  crmStage: (facts) => facts.person.crmStage,
});
