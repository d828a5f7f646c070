/**
 * The fields a rulebook condition may read. Person fields come from the canonical model; the
 * derived ones (`fit.*`, `engagement.*`, `intent.*`, `score`) exist once fit and engagement are computed, so
 * only stage conditions and priority bands may use them (checked in references.ts).
 */
export const PERSON_FIELDS = [
  'id',
  'email',
  'emailDomain',
  'firstName',
  'lastName',
  'title',
  'company',
  'employees',
  'annualRevenue',
  'industry',
  'country',
  'ipCountry',
  'phone',
  'ownerId',
  'leadStatus',
  'crmStage',
  'bant.budget',
  'bant.authority',
  'bant.need',
  'bant.timing',
  'bant.yes',
  'bant.no',
  'deals.open',
  'deals.won',
] as const;

/**
 * Known once fit and engagement are computed. `intent.hand_raise_age_days`: whole days since the
 * latest hand-raise (a fast-track request), empty when none; `engagement.days_since_last`: whole
 * days since the latest engagement, empty when none (both 0 for today, in the workspace's time zone).
 */
export const DERIVED_FIELDS = ['fit.score', 'fit.grade', 'engagement.score', 'score', 'intent.hand_raise_age_days', 'engagement.days_since_last'] as const;

export type PersonField = (typeof PERSON_FIELDS)[number];
export type DerivedField = (typeof DERIVED_FIELDS)[number];

/** `attributes.<name>` reads anything else the field mapping brought in. */
export const ATTRIBUTE_PREFIX = 'attributes.';

export function isKnownField(name: string, allowDerived: boolean): boolean {
  if ((PERSON_FIELDS as readonly string[]).includes(name)) return true;
  if (allowDerived && (DERIVED_FIELDS as readonly string[]).includes(name)) return true;
  return name.startsWith(ATTRIBUTE_PREFIX) && name.length > ATTRIBUTE_PREFIX.length;
}
