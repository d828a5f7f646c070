/**
 * People the org shares with another system (kit/shared-people.ts). A company that runs HubSpot for
 * marketing and Salesforce for sales has the same humans in both: the contacts marketing handed over
 * are sales' leads, and the converted ones its contacts, under the same email. Given those people
 * (`shared: { people }`, e.g. `sharedFromHubSpot(portal.store.seed, {count})`), the seed makes some of
 * its leads and contacts be them: the person's email, name and, where given, title, company, phone and
 * country, on a record that otherwise keeps what the seed made of it (its owner, status, account and
 * engagement).
 *
 * Where they go depends only on the counts and the number of people (`placeSharedPeople`), as the
 * showcase records do, so `describeSeed()` names them without seeding and a test can find "the lead
 * that is HubSpot contact 100006" by id. Showcase records are never used.
 */
import { COUNTRIES } from '../kit/people-catalog';
import { NO_SHARED_PEOPLE, type SharedPeople, type SharedPerson } from '../kit/shared-people';
import { KEY_PREFIXES, makeId } from './ids';

/** Where a shared person is in the org. */
export interface SharedRecord {
  email: string;
  sobject: 'Lead' | 'Contact';
  id: string;
}

export interface SharedPlacement extends SharedRecord {
  person: SharedPerson;
  index: number;
}

/** Salesforce's lengths for the fields a shared person fills. */
const MAX_LENGTH = { email: 80, firstName: 40, lastName: 80, title: 128, company: 255, phone: 40 } as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks the people at the boundary; errors name the path of the bad value. */
export function resolveSharedPeople(shared: SharedPeople | undefined): SharedPeople {
  if (shared === undefined) return NO_SHARED_PEOPLE;
  if (!Array.isArray(shared.people)) throw new Error('shared.people must be an array of people');
  const seen = new Map<string, number>();
  shared.people.forEach((person, i) => {
    const path = `shared.people[${i}]`;
    for (const [field, max] of Object.entries(MAX_LENGTH) as [keyof typeof MAX_LENGTH, number][]) {
      const value = person[field];
      if (value === undefined && field !== 'email' && field !== 'firstName' && field !== 'lastName') continue;
      if (typeof value !== 'string') throw new Error(`${path}.${field} must be a string, got ${JSON.stringify(value)}`);
      if (value.length > max) throw new Error(`${path}.${field} is longer than Salesforce's ${max} characters: "${value}"`);
    }
    if (!EMAIL.test(person.email)) throw new Error(`${path}.email is not an email address: "${person.email}"`);
    if (person.lastName.trim() === '') throw new Error(`${path}.lastName is empty (Salesforce requires a last name)`);
    if (person.country !== undefined && COUNTRIES[person.country] === undefined) {
      throw new Error(`${path}.country must be one of ${Object.keys(COUNTRIES).join(', ')}, got "${person.country}"`);
    }
    const key = person.email.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) throw new Error(`${path}.email repeats shared.people[${earlier}].email: "${person.email}"`);
    seen.set(key, i);
  });
  return { people: shared.people };
}

/** `n` of `slots`, spread evenly. */
function spread(slots: readonly number[], n: number): number[] {
  return Array.from({ length: n }, (_, k) => slots[Math.floor((k * slots.length) / n)]!);
}

/**
 * Which lead or contact each person becomes: leads and contacts in proportion to the free slots
 * (people alternate between the two), spread evenly over each; showcase positions are not free.
 */
export function placeSharedPeople(
  shared: SharedPeople,
  org: { leads: number; contacts: number; showcaseLeads: ReadonlySet<number>; showcaseContacts: ReadonlySet<number> },
): SharedPlacement[] {
  const { people } = shared;
  if (people.length === 0) return [];
  const free = (count: number, taken: ReadonlySet<number>) => Array.from({ length: count }, (_, i) => i).filter((i) => !taken.has(i));
  const leadSlots = free(org.leads, org.showcaseLeads);
  const contactSlots = free(org.contacts, org.showcaseContacts);
  const n = people.length;
  if (n > leadSlots.length + contactSlots.length) {
    throw new Error(
      `shared.people: ${n} people do not fit in ${org.leads} leads and ${org.contacts} contacts `
      + `(${leadSlots.length + contactSlots.length} are not showcase records); share fewer people or seed more records`,
    );
  }
  const toLeads = Math.min(leadSlots.length, Math.max(n - contactSlots.length, Math.round((n * leadSlots.length) / (leadSlots.length + contactSlots.length))));
  const leads = spread(leadSlots, toLeads);
  const contacts = spread(contactSlots, n - toLeads);
  let nextLead = 0;
  let nextContact = 0;
  return people.map((person, i) => {
    // person i is a lead when the running share of leads steps up (Bresenham), so both kinds mix
    const lead = Math.floor(((i + 1) * toLeads) / n) > Math.floor((i * toLeads) / n);
    const index = lead ? leads[nextLead++]! : contacts[nextContact++]!;
    const sobject = lead ? 'Lead' : 'Contact';
    return { person, email: person.email, sobject, index, id: makeId(KEY_PREFIXES[sobject], index) };
  });
}
