import type { Condition } from '../rulebook/schema';
import { compileFieldReader, type Facts, type FieldValue } from './facts';

export type Predicate = (facts: Facts) => boolean;
type Lists = Readonly<Record<string, readonly string[]>>;

const normalise = (value: string | number): string | number => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const isEmpty = (value: FieldValue): boolean => value === null || value === undefined || (typeof value === 'string' && value.trim() === '');

/**
 * Compiles a rulebook condition into a predicate. String comparisons ignore case and surrounding
 * space. `not_in` / `not_in_list` are false for an empty field: "country not served" must not fire
 * when the country is unknown (use `present: false` to test emptiness).
 */
export function compileCondition(condition: Condition, lists: Lists): Predicate {
  if (condition.all) {
    const parts = condition.all.map((child) => compileCondition(child, lists));
    return (facts) => parts.every((part) => part(facts));
  }
  if (condition.any) {
    const parts = condition.any.map((child) => compileCondition(child, lists));
    return (facts) => parts.some((part) => part(facts));
  }
  if (condition.not) {
    const inner = compileCondition(condition.not, lists);
    return (facts) => !inner(facts);
  }
  const read = compileFieldReader(condition.field!);
  const tests: Array<(value: FieldValue) => boolean> = [];

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
  const membership = (values: readonly (string | number)[], negate: boolean) => {
    const set = new Set(values.map(normalise));
    tests.push((value) => !isEmpty(value) && typeof value !== 'boolean' && set.has(normalise(value as string | number)) !== negate);
  };
  if (condition.in) membership(condition.in, false);
  if (condition.not_in) membership(condition.not_in, true);
  if (condition.in_list) membership(lists[condition.in_list] ?? [], false);
  if (condition.not_in_list) membership(lists[condition.not_in_list] ?? [], true);

  const numeric = (compare: (value: number) => boolean) =>
    tests.push((value) => typeof value === 'number' && Number.isFinite(value) && compare(value));
  if (condition.gte !== undefined) numeric((value) => value >= condition.gte!);
  if (condition.gt !== undefined) numeric((value) => value > condition.gt!);
  if (condition.lte !== undefined) numeric((value) => value <= condition.lte!);
  if (condition.lt !== undefined) numeric((value) => value < condition.lt!);

  const pattern = (regex: RegExp) => tests.push((value) => typeof value === 'string' && regex.test(value));
  if (condition.matches !== undefined) pattern(new RegExp(condition.matches, 'i'));
  if (condition.matches_list !== undefined) {
    const sources = (lists[condition.matches_list] ?? []).map((item) => `(?:${item})`);
    pattern(new RegExp(sources.join('|') || '(?!)', 'i'));
  }
  if (condition.domain_in_list !== undefined) {
    const matchDomain = compileDomainMatcher(lists[condition.domain_in_list] ?? []);
    tests.push((value) => typeof value === 'string' && matchDomain(value));
  }

  if (tests.length === 1) {
    const only = tests[0]!;
    return (facts) => only(read(facts));
  }
  return (facts) => {
    const value = read(facts);
    return tests.every((test) => test(value));
  };
}

/**
 * Domain lists hold `gmail.com` (that domain and its subdomains) or `*.edu` / `.edu` (any domain
 * ending so). Accepts an email address or a bare domain.
 */
export function compileDomainMatcher(entries: readonly string[]): (value: string) => boolean {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of entries) {
    const clean = entry.trim().toLowerCase();
    if (clean.startsWith('*.')) suffixes.push(clean.slice(1));
    else if (clean.startsWith('.')) suffixes.push(clean);
    else exact.add(clean);
  }
  return (value) => {
    const at = value.lastIndexOf('@');
    const domain = (at === -1 ? value : value.slice(at + 1)).trim().toLowerCase();
    if (!domain) return false;
    if (exact.has(domain)) return true;
    for (const suffix of suffixes) if (domain.endsWith(suffix)) return true;
    // a subdomain of a listed domain (mail.gmail.com) counts as that domain
    for (let dot = domain.indexOf('.'); dot !== -1; dot = domain.indexOf('.', dot + 1)) {
      if (exact.has(domain.slice(dot + 1))) return true;
    }
    return false;
  };
}
