import type { Person } from '../model/person';

/**
 * What conditions read: the person plus, once computed, fit and engagement. One object per
 * evaluation; derived values are filled in as the engine gets to them.
 */
export interface Facts {
  person: Person;
  emailDomain: string | null;
  fitScore: number;
  fitGrade: string;
  engagementScore: number;
  score: number;
}

export type FieldValue = string | number | boolean | null | undefined;
export type FieldReader = (facts: Facts) => FieldValue;

export function emailDomainOf(email: string | null | undefined): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  return at === -1 ? null : email.slice(at + 1).trim().toLowerCase() || null;
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
  }
  if (field.startsWith('attributes.')) {
    const name = field.slice('attributes.'.length);
    return (facts) => facts.person.attributes?.[name];
  }
  const key = field as keyof Person;
  return (facts) => facts.person[key] as FieldValue;
}
