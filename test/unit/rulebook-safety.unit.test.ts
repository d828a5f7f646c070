/**
 * Rulebook input that used to crash the process: list and group names that are inherited object
 * properties. Each must now be answered correctly, or refused by validation with a located error.
 */
import { stringify } from 'yaml';
import { compileCondition } from '../../src/engine/condition';
import { parseRulebook } from '../../src/rulebook/load';
import { RulebookValidationError } from '../../src/rulebook/rulebook-error';
import { baseRulebook, engineFrom, event, NOW, person } from '../helpers/rulebook';

function rejection(text: string, source = 'bad.yaml'): RulebookValidationError {
  try {
    parseRulebook(text, source);
  } catch (error) {
    expect(error).toBeInstanceOf(RulebookValidationError);
    return error as RulebookValidationError;
  }
  throw new Error('expected the rulebook to be rejected');
}

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
    const facts = { evaluation: 1, person: person({ country: 'US' }), emailDomain: null, fitScore: 0, fitGrade: 'D', engagementScore: 0, score: 0 };
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
