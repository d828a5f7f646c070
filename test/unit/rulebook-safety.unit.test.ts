/**
 * Rulebook input that used to hang or crash the process: patterns that backtrack catastrophically
 * (on the shared event loop), list and group names that are inherited object properties, and YAML
 * alias bombs. Each must now be answered correctly, or refused by validation with a located error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { stringify } from 'yaml';
import { compileCondition } from '../../src/engine/condition';
import { compileRulebook } from '../../src/engine/engine';
import { loadRulebookFile, parseRulebook } from '../../src/rulebook/load';
import { RulebookValidationError } from '../../src/rulebook/rulebook-error';
import { MAX_MATCHED_TEXT } from '../../src/rulebook/pattern';
import { baseRulebook, engineFrom, event, NOW, person } from '../helpers/rulebook';

const DEFAULT_RULEBOOK = join(__dirname, '..', '..', 'config', 'rulebook.default.yaml');

/**
 * Runs `fn`, interrupting it after `ms` (a vm timeout stops even a regex deep in backtracking,
 * which a jest timeout cannot: the event loop never gets the chance). The old engine needed 39 s
 * for `(a+)+$` on 28 characters and hours on 40; these limits are far below that.
 */
function completesWithin<T>(ms: number, fn: () => T): T {
  return vm.runInNewContext('run()', { run: fn }, { timeout: ms }) as T;
}

function rejection(text: string, source = 'bad.yaml'): RulebookValidationError {
  try {
    parseRulebook(text, source);
  } catch (error) {
    expect(error).toBeInstanceOf(RulebookValidationError);
    return error as RulebookValidationError;
  }
  throw new Error('expected the rulebook to be rejected');
}

const lineOf = (text: string, fragment: string) => text.split('\n').findIndex((line) => line.includes(fragment)) + 1;

describe('rulebook patterns run in linear time', () => {
  const titleRule = (when: Record<string, unknown>, lists: Record<string, string[]> = {}) => {
    const rulebook = baseRulebook();
    Object.assign(rulebook.lists, lists);
    rulebook.fit.rules.push({ id: 'title', when, points: 7, reason: 'title' });
    return engineFrom(rulebook);
  };
  const fitOf = (engine: ReturnType<typeof engineFrom>, title: string) =>
    completesWithin(5_000, () => engine.evaluate(person({ title }), [], null, NOW).fit.score);

  it('answers (a+)+$ at once, right, on inputs that took a backtracking engine 39 s and longer', () => {
    const engine = titleRule({ field: 'title', matches: '(a+)+$' });
    expect(fitOf(engine, `${'a'.repeat(28)}!`)).toBe(50); // no match: only the country's 50
    expect(fitOf(engine, `${'a'.repeat(40)}!`)).toBe(50);
    expect(fitOf(engine, 'a'.repeat(5_000))).toBe(57);
    expect(fitOf(engine, 'b'.repeat(10) + 'aaa')).toBe(57);
  });

  it('runs the default persona patterns on a 256 KB title at once', () => {
    const engine = compileRulebook(loadRulebookFile(DEFAULT_RULEBOOK));
    const evaluate = (title: string) =>
      completesWithin(5_000, () => engine.evaluate(person({ title, email: 'pat@acme-industrial.com', employees: 500, industry: 'manufacturing' }), [], null, NOW));
    const fitScoreOf = (title: string) => evaluate(title).fit.score;
    expect(fitScoreOf('VP Operations')).toBeGreaterThan(fitScoreOf('Student')); // the persona (and seniority) rules
    // "manager " repeated: the first alternative's .* then \b… backtracks in time quadratic in
    // the title (3.3 s on 64 KB, so about 50 s on 256 KB)
    expect(fitScoreOf('manager '.repeat(32_768))).toBe(fitScoreOf('Student'));
    expect(fitScoreOf(`VP Operations ${'x'.repeat(256 * 1024)}`)).toBe(fitScoreOf('VP Operations'));
  });

  it('reads the first 1,000 characters of a value: a persona named only after them does not count', () => {
    const engine = titleRule({ field: 'title', matches: 'operations' });
    expect(MAX_MATCHED_TEXT).toBe(1_000);
    expect(fitOf(engine, `${' '.repeat(MAX_MATCHED_TEXT - 'operations'.length)}operations`)).toBe(57);
    expect(fitOf(engine, `${' '.repeat(MAX_MATCHED_TEXT)}operations`)).toBe(50);
  });

  it('matches a glob with many stars on a long URL at once', () => {
    const rulebook = baseRulebook();
    rulebook.engagement.rules = [{ id: 'many_stars', match: { types: ['page_view'], url: ['*a*a*a*a*b*'] }, points: 10, reason: 'r' }];
    const engine = engineFrom(rulebook);
    const engagement = (url: string) => completesWithin(5_000, () => engine.evaluate(person(), [event('page_view', 1, { url })], null, NOW).engagement.score);
    expect(engagement('a'.repeat(8_000))).toBe(0); // a.*a.*a.*a.*b in a RegExp: 18 s on 200 characters
    expect(engagement(`x${'a'.repeat(4)}yb`)).toBe(10);
    expect(engagement('AxAxAxAxB')).toBe(10);
    expect(engagement('aaab')).toBe(0);
  });

  it.each([
    ['(?<!x)y', 'a negative lookbehind (?<!…)'],
    ['(?<=vp )operations', 'a lookbehind (?<=…)'],
    ['director(?! of sales)', 'a negative lookahead (?!…)'],
    ['(?=.*plant).*manager', 'a lookahead (?=…)'],
    ['(head|chief) \\1', 'a backreference (\\1)'],
    ['(?<role>vp) \\k<role>', 'a named backreference (\\k<…>)'],
  ])('refuses %s at validation, located, naming the feature RE2 lacks', (pattern, feature) => {
    const text = stringify(
      (() => {
        const rulebook = baseRulebook();
        rulebook.lists.personas = ['engineer', pattern];
        rulebook.fit.rules.push({ id: 'persona', when: { field: 'title', matches_list: 'personas' }, points: 5, reason: 'persona' });
        return rulebook;
      })(),
    );
    const failure = rejection(text);
    expect(failure.issues).toHaveLength(1);
    const issue = failure.issues[0]!;
    expect(issue.path).toBe('lists.personas[1]');
    expect(issue.message).toContain(`pattern ${JSON.stringify(pattern)} uses ${feature}`);
    expect(issue.message).toMatch(/RE2.*linear/);
    // file:line:col path: the pattern and why
    const line = lineOf(text, pattern.slice(0, 6));
    expect(failure.message).toContain(`bad.yaml:${line}:${issue.column} lists.personas[1]: pattern ${JSON.stringify(pattern)}`);
  });

  it('refuses a lookahead in a single `matches` at the condition', () => {
    const text = stringify(
      (() => {
        const rulebook = baseRulebook();
        rulebook.fit.rules[0].when = { field: 'title', matches: 'vp(?= of)' };
        return rulebook;
      })(),
    );
    const issue = rejection(text).issues[0]!;
    expect(issue).toMatchObject({ path: 'fit.rules[0].when.matches', line: lineOf(text, 'vp(?= of)') });
    expect(issue.message).toMatch(/uses a lookahead/);
  });

  it('says what is wrong with a pattern RE2 cannot parse', () => {
    const text = stringify(
      (() => {
        const rulebook = baseRulebook();
        rulebook.fit.rules[0].when = { field: 'title', matches: 'a{2,5000}' };
        return rulebook;
      })(),
    );
    expect(rejection(text).issues[0]!.message).toMatch(/pattern "a\{2,5000\}" is not a valid regular expression \(RE2 syntax\): invalid repeat count/);
  });
});

describe('list and group names are the rulebook own', () => {
  const withCondition = (when: Record<string, unknown>) => {
    const rulebook = baseRulebook();
    rulebook.fit.rules[0].when = when;
    return stringify(rulebook);
  };

  it.each([
    ['in_list', 'toString'],
    ['not_in_list', 'constructor'],
    ['matches_list', 'hasOwnProperty'],
    ['domain_in_list', '__proto__'],
  ])('refuses %s: %s (an inherited property, not a list)', (operator, name) => {
    const issue = rejection(withCondition({ field: 'email', [operator]: name })).issues[0]!;
    expect(issue.path).toBe(`fit.rules[0].when.${operator}`);
    expect(issue.message).toMatch(new RegExp(`no list named "${name}" in lists \\(defined: served, personal, targets, personas\\)`));
  });

  it('refuses a decay group named after an inherited property', () => {
    const rulebook = baseRulebook();
    rulebook.engagement.rules[0].group = 'constructor';
    const issue = rejection(stringify(rulebook)).issues[0]!;
    expect(issue).toMatchObject({ path: 'engagement.rules[0].group', message: expect.stringMatching(/no decay group "constructor"/) });
  });

  it('compiles a condition naming an inherited property as a test of an empty list, without crashing', () => {
    const facts = { evaluation: 1, person: person({ country: 'US' }), emailDomain: null, fitScore: 0, fitGrade: 'D', engagementScore: 0, score: 0, handRaiseAgeDays: null, daysSinceEngagement: null };
    const answers = Object.fromEntries(
      ['in_list', 'not_in_list', 'matches_list', 'domain_in_list'].map((operator) => [operator, compileCondition({ field: 'country', [operator]: 'toString' }, { served: ['US'] })(facts)]),
    );
    expect(answers).toEqual({ in_list: false, not_in_list: true, matches_list: false, domain_in_list: false });
  });

  it('reads an event property only when the event has it (toString is no property)', () => {
    const rulebook = baseRulebook();
    rulebook.engagement.rules = [{ id: 'odd', match: { types: ['page_view'], properties: { toString: ['*'], constructor: ['*'] } }, points: 10, reason: 'r' }];
    const engine = engineFrom(rulebook);
    expect(engine.evaluate(person(), [event('page_view', 1, { url: 'https://x.test/' })], null, NOW).engagement.score).toBe(0);
    expect(engine.evaluate(person(), [event('page_view', 1, { toString: 'yes', constructor: 'yes' })], null, NOW).engagement.score).toBe(10);
  });
});

describe('YAML aliases', () => {
  const BOMB = [
    'version: "1"',
    'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
    'g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]',
    'h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]',
    'i: [*h, *h, *h, *h, *h, *h, *h, *h, *h]',
    '',
  ].join('\n');

  it('refuses a billion-laughs document as a located validation error', () => {
    const failure = rejection(BOMB, 'bomb.yaml');
    expect(failure.issues).toEqual([
      { path: '(yaml)', line: 3, column: 8, message: expect.stringMatching(/aliases \(\*name\) expand to more than 100 nodes, as in a "billion laughs" document/) },
    ]);
    expect(failure.message).toMatch(/^bomb\.yaml: 1 problem\n {2}bomb\.yaml:3:8 \(yaml\): YAML aliases/);
  });

  it('still accepts a rulebook that reuses a condition through an alias', () => {
    const text = readFileSync(DEFAULT_RULEBOOK, 'utf8')
      .replace('    - id: persona_title\n      when: { field: title, matches_list: persona_titles }', '    - id: persona_title\n      when: &persona { field: title, matches_list: persona_titles }')
      .replace('            - { field: title, matches_list: persona_titles }', '            - *persona');
    expect(text).toContain('*persona');
    expect(parseRulebook(text).stages.mql.tiers.some((tier) => JSON.stringify(tier.when).includes('persona_titles'))).toBe(true);
  });
});
