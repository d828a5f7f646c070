/**
 * The fields a rulebook condition may read. Person fields come from the canonical model; the
 * derived ones (`fit.*`, `engagement.*`, `score`) exist once fit and engagement are computed, so
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

export const DERIVED_FIELDS = ['fit.score', 'fit.grade', 'engagement.score', 'score'] as const;

export type PersonField = (typeof PERSON_FIELDS)[number];
export type DerivedField = (typeof DERIVED_FIELDS)[number];

/** `attributes.<name>` reads anything else the field mapping brought in. */
export const ATTRIBUTE_PREFIX = 'attributes.';

export function isKnownField(name: string, allowDerived: boolean): boolean {
  if ((PERSON_FIELDS as readonly string[]).includes(name)) return true;
  if (allowDerived && (DERIVED_FIELDS as readonly string[]).includes(name)) return true;
  return name.startsWith(ATTRIBUTE_PREFIX) && name.length > ATTRIBUTE_PREFIX.length;
}
