/**
 * People two sandboxes share. A company that runs HubSpot for marketing and Salesforce for sales has
 * the same humans in both: the contacts marketing handed over are sales' leads, under the same email.
 * One sandbox's seed lends its people (a `PeopleSource`: the HubSpot portal's `SeedPortal`); another
 * takes them as an option (`shared: SharedPeople`: the Salesforce org makes some of its leads and
 * contacts be them). Neither sandbox imports the other: this is the contract between them, and the
 * people travel as plain data (in code, or as a JSON file between two sandbox processes).
 */

export interface SharedPerson {
  email: string;
  firstName: string;
  lastName: string;
  title?: string;
  /** Becomes the Lead's Company; a shared contact stays at its Account. */
  company?: string;
  phone?: string;
  /** ISO 3166 alpha-2 code of a country the seeds know (US, DE, GB, IN, BR, FR: COUNTRIES); where the person is. */
  country?: string;
}

export interface SharedPeople {
  people: readonly SharedPerson[];
}

export const NO_SHARED_PEOPLE: SharedPeople = { people: [] };

/** A seeded account whose people another sandbox may share. */
export interface PeopleSource {
  /** How many people (contacts) the account has, at positions 0..contactCount-1. */
  readonly contactCount: number;
  /** The person at this position, or undefined for one not to share (a showcase record a test names). */
  sharedPerson(index: number): SharedPerson | undefined;
}

/**
 * People of a seeded account to share: every `every`-th position (default 5th) whose person may be
 * shared, up to `count`, in position order. Depends only on the source's seed, so the same options
 * give the same people wherever they are computed.
 */
export function sharePeople(source: PeopleSource, options: { count: number; every?: number }): SharedPerson[] {
  const every = options.every ?? 5;
  if (!Number.isInteger(options.count) || options.count < 0) throw new Error(`count must be a non-negative integer, got ${options.count}`);
  if (!Number.isInteger(every) || every < 1) throw new Error(`every must be a positive integer, got ${every}`);
  const people: SharedPerson[] = [];
  for (let index = 0; index < source.contactCount && people.length < options.count; index += every) {
    const person = source.sharedPerson(index);
    if (person !== undefined) people.push(person);
  }
  return people;
}
