import { DERIVED_FIELDS } from '../rulebook/fields';
import { compileAnyPattern, compilePattern, type Pattern } from '../rulebook/pattern';
import type { Condition } from '../rulebook/schema';
import type { ConditionMemo } from './condition-memo';
import { compileFieldReader, domainOf, type Facts, type FieldValue } from './facts';
import { isBlankText, trimmed } from './text';

export type Predicate = (facts: Facts) => boolean;
type Lists = Readonly<Record<string, readonly string[]>>;
type Test = (value: FieldValue, facts: Facts) => boolean;
type DomainOf = (value: string) => string;

// where a value stands against a set of values
const MEMBER = 1;
const OUTSIDE = 2;
const NEITHER = 3;

const normalise = (value: string | number): string | number => (typeof value === 'string' ? trimmed(value).toLowerCase() : value);
/**
 * The list a condition names: an own key of `lists` only, so a name such as `toString` or
 * `constructor` is no list (validation refuses it; an unvalidated rulebook gets an empty list).
 */
export const listNamed = (lists: Lists, name: string): readonly string[] => (Object.hasOwn(lists, name) ? lists[name]! : []);
const isEmpty = (value: FieldValue): boolean => value === null || value === undefined || (typeof value === 'string' && isBlankText(value));

/**
 * Compiles a rulebook condition into a predicate. String comparisons ignore case and surrounding
 * space. `not_in` / `not_in_list` are false for an empty field: "country not served" must not fire
 * when the country is unknown (use `present: false` to test emptiness).
 *
 * `memo` and `domainOfValue` (an engine's own address splitter, facts.ts) let the conditions of one
 * engine share string work within an evaluation; without them each test does its own.
 */
export function compileCondition(condition: Condition, lists: Lists, memo?: ConditionMemo, domainOfValue: DomainOf = domainOf): Predicate {
  // plain loops: `parts.every((part) => part(facts))` allocated a closure on every call
  if (condition.all) {
    const parts = condition.all.map((child) => compileCondition(child, lists, memo, domainOfValue));
    return (facts) => {
      for (let i = 0; i < parts.length; i++) if (!parts[i]!(facts)) return false;
      return true;
    };
  }
  if (condition.any) {
    const parts = condition.any.map((child) => compileCondition(child, lists, memo, domainOfValue));
    return (facts) => {
      for (let i = 0; i < parts.length; i++) if (parts[i]!(facts)) return true;
      return false;
    };
  }
  if (condition.not) {
    const inner = compileCondition(condition.not, lists, memo, domainOfValue);
    return (facts) => !inner(facts);
  }
  const field = condition.field!;
  const read = compileFieldReader(field);
  const tests: Test[] = [];
  // string work is remembered per evaluation (condition-memo.ts), for person fields only
  const remember = memo && !(DERIVED_FIELDS as readonly string[]).includes(field) ? memo : undefined;
  /** The test `compute(value) === wanted`, answered from the memo when this evaluation has asked before. */
  const memoised = (key: string, compute: (value: FieldValue) => number, wanted: number): Test => {
    if (!remember) return (value) => compute(value) === wanted;
    const slot = remember.slotFor(`${field}\u0000${key}`);
    return (value, facts) => {
      let known = remember.get(slot, facts);
      if (known === -1) known = remember.set(slot, facts, compute(value));
      return known === wanted;
    };
  };

  if (condition.present !== undefined) {
    const wanted = condition.present;
    tests.push((value) => isEmpty(value) !== wanted);
  }
  if (condition.equals !== undefined) {
    const expected = condition.equals;
    if (expected === null) tests.push(isEmpty);
    else {
      const target = typeof expected === 'boolean' ? expected : normalise(expected);
      tests.push((value) => !isEmpty(value) && (typeof value === 'boolean' ? value === target : normalise(value as string | number) === target));
    }
  }
  // in and not_in on the same values share one answer: member, outside, or neither (empty or boolean)
  const membership = (values: readonly (string | number)[], wanted: number) => {
    const set = new Set(values.map(normalise));
    const key = `member\u0000${JSON.stringify([...set].map((item) => [typeof item, item]).sort())}`;
    const placeOf = (value: FieldValue) =>
      isEmpty(value) || typeof value === 'boolean' ? NEITHER : set.has(normalise(value as string | number)) ? MEMBER : OUTSIDE;
    tests.push(memoised(key, placeOf, wanted));
  };
  if (condition.in) membership(condition.in, MEMBER);
  if (condition.not_in) membership(condition.not_in, OUTSIDE);
  if (condition.in_list) membership(listNamed(lists, condition.in_list), MEMBER);
  if (condition.not_in_list) membership(listNamed(lists, condition.not_in_list), OUTSIDE);

  const numeric = (compare: (value: number) => boolean) =>
    tests.push((value) => typeof value === 'number' && Number.isFinite(value) && compare(value));
  if (condition.gte !== undefined) numeric((value) => value >= condition.gte!);
  if (condition.gt !== undefined) numeric((value) => value > condition.gt!);
  if (condition.lte !== undefined) numeric((value) => value <= condition.lte!);
  if (condition.lt !== undefined) numeric((value) => value < condition.lt!);

  // RE2 (rulebook/pattern.ts): linear in the text, and the text capped at MAX_MATCHED_TEXT
  const pattern = (compiled: Pattern) => {
    tests.push(memoised(`regex\u0000${compiled.source}`, (value) => (typeof value === 'string' && compiled.test(value) ? 1 : 0), 1));
  };
  if (condition.matches !== undefined) pattern(compilePattern(condition.matches));
  if (condition.matches_list !== undefined) pattern(compileAnyPattern(listNamed(lists, condition.matches_list)));
  if (condition.domain_in_list !== undefined) {
    const matchDomain = compileDomainMatcher(listNamed(lists, condition.domain_in_list), domainOfValue);
    tests.push(memoised(`domain\u0000${condition.domain_in_list}`, (value) => (typeof value === 'string' && matchDomain(value) ? 1 : 0), 1));
  }

  if (tests.length === 1) {
    const only = tests[0]!;
    return (facts) => only(read(facts), facts);
  }
  return (facts) => {
    const value = read(facts);
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(value, facts)) return false;
    return true;
  };
}

/**
 * Domain lists hold `gmail.com` (that domain and its subdomains) or `*.edu` / `.edu` (any domain
 * ending so). Accepts an email address or a bare domain, split by `domainOfValue`.
 */
export function compileDomainMatcher(entries: readonly string[], domainOfValue: DomainOf = domainOf): (value: string) => boolean {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of entries) {
    const clean = entry.trim().toLowerCase();
    if (clean.startsWith('*.')) suffixes.push(clean.slice(1));
    else if (clean.startsWith('.')) suffixes.push(clean);
    else exact.add(clean);
  }
  // the lengths of the listed domains: a parent domain of another length cannot be listed, so it
  // is not cut out of the string and looked up
  const lengths = new Set([...exact].map((domain) => domain.length));
  return (value) => {
    const domain = domainOfValue(value);
    if (!domain) return false;
    if (exact.has(domain)) return true;
    for (let i = 0; i < suffixes.length; i++) if (domain.endsWith(suffixes[i]!)) return true;
    // a subdomain of a listed domain (mail.gmail.com) counts as that domain
    for (let dot = domain.indexOf('.'); dot !== -1; dot = domain.indexOf('.', dot + 1)) {
      if (lengths.has(domain.length - dot - 1) && exact.has(domain.slice(dot + 1))) return true;
    }
    return false;
  };
}
