import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadRulebookFile, parseRulebook } from '../../src/rulebook/load';
import { RulebookValidationError } from '../../src/rulebook/rulebook-error';
import { baseRulebook } from '../helpers/rulebook';

const DEFAULT_RULEBOOK = join(__dirname, '..', '..', 'config', 'rulebook.default.yaml');

function issuesOf(text: string) {
  try {
    parseRulebook(text, 'bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(RulebookValidationError);
    return (error as RulebookValidationError).issues;
  }
  throw new Error('expected the rulebook to be rejected');
}

function mutate(change: (rulebook: Record<string, any>) => void): string {
  const rulebook = baseRulebook();
  change(rulebook);
  return stringify(rulebook);
}

describe('rulebook validation', () => {
  it('accepts the default rulebook', () => {
    const rulebook = loadRulebookFile(DEFAULT_RULEBOOK);
    expect(rulebook.version).toBe('2026.11-default-1');
    expect(rulebook.exclusions.map((e) => e.id)).toEqual(
      expect.arrayContaining(['personal_email', 'student_email', 'competitor', 'country_not_served', 'non_target_industry']),
    );
  });

  it('accepts the small test rulebook', () => {
    expect(() => parseRulebook(stringify(baseRulebook()))).not.toThrow();
  });

  // Each malformed rulebook must be rejected with a message that names the YAML path of the mistake.
  const cases: Array<[string, string, string, RegExp]> = [
    ['a misspelt key', mutate((r) => (r.fit.rules[0].poinst = 5)), 'fit.rules[0].poinst', /unknown key "poinst"/],
    ['points as text', mutate((r) => (r.fit.rules[0].points = 'ten')), 'fit.rules[0].points', /expected number/],
    ['an unknown event type', mutate((r) => (r.engagement.rules[0].match.types = ['page_veiw'])), 'engagement.rules[0].match.types[0]', /page_view/],
    ['a bad duration', mutate((r) => (r.decay.horizon = '90 days')), 'decay.horizon', /duration such as/],
    ['a missing version', mutate((r) => delete r.version), 'version', /required/],
    ['a reference to a list that does not exist', mutate((r) => (r.fit.rules[0].when = { field: 'country', in_list: 'served_countrys' })), 'fit.rules[0].when.in_list', /no list named "served_countrys"/],
    ['an unknown field', mutate((r) => (r.fit.rules[0].when = { field: 'jobtitle', present: true })), 'fit.rules[0].when.field', /unknown field "jobtitle"/],
    ['a condition without an operator', mutate((r) => (r.fit.rules[0].when = { field: 'title' })), 'fit.rules[0].when.field', /needs an operator/],
    [
      'an invalid regular expression in a pattern list',
      mutate((r) => {
        r.lists.personas = ['(unclosed'];
        r.fit.rules.push({ id: 'persona', when: { field: 'title', matches_list: 'personas' }, points: 5, reason: 'persona' });
      }),
      'lists.personas[0]',
      /not a valid regular expression/,
    ],
    ['grade bands out of order', mutate((r) => (r.fit.grades = [{ grade: 'D', min: 0 }, { grade: 'A', min: 50 }])), 'fit.grades[1].min', /highest minimum down/],
    ['a duplicate rule id', mutate((r) => r.engagement.rules.push({ ...r.engagement.rules[0] })), 'engagement.rules[1].id', /duplicate id "any_page"/],
    ['an undeclared decay group', mutate((r) => (r.engagement.rules[0].group = 'intent')), 'engagement.rules[0].group', /no decay group "intent"/],
    ['a priority list without a default', mutate((r) => (r.priority = [{ priority: 'hot', when: { field: 'score', gte: 60 } }])), 'priority[0]', /last priority band/],
    ['a derived field in a fit rule', mutate((r) => (r.fit.rules[0].when = { field: 'engagement.score', gte: 10 })), 'fit.rules[0].when.field', /only known in stages/],
    ['a tier on a disqualification', mutate((r) => r.exclusions.push({ id: 'x', when: { field: 'email', present: false }, outcome: 'disqualify', tier: 2, reason: 'r' })), 'exclusions[0].tier', /only applies to outcome "nurture"/],
    ['an unknown signal kind', mutate((r) => r.engagement.signals.push({ id: 's', kind: 'speed', points: 1, reason: 'r', window: '7d' })), 'engagement.signals[0].kind', /velocity, content_progression or repeat_visits/],
    ['an unknown template placeholder', mutate((r) => (r.fit.rules[0].reason = 'in {countryName}')), 'fit.rules[0].reason', /unknown placeholder \{countryName\}/],
    ['no way to reach SQL', mutate((r) => (r.stages.sql = {})), 'stages.sql', /no way to reach SQL/],
    ['a bad decay model', mutate((r) => (r.decay.default = { halflife: '7d' })), 'decay.default', /half_life/],
    ['an unknown handoff field', mutate((r) => (r.handoff.required_fields = ['mobile'])), 'handoff.required_fields[0]', /unknown person field "mobile"/],
  ];

  it.each(cases)('rejects %s, naming its path', (_name, text, path, message) => {
    const issues = issuesOf(text);
    const issue = issues.find((candidate) => candidate.path === path);
    expect(issue).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it('points at the line and column of the mistake', () => {
    const text = readFileSync(DEFAULT_RULEBOOK, 'utf8').replace('      points: 30\n      reason: "{title}: a target persona"', '      pionts: 30\n      reason: "{title}: a target persona"');
    const lineOfTypo = text.split('\n').findIndex((line) => line.includes('pionts:')) + 1;
    const issues = issuesOf(text);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'fit.rules[1].pionts', line: lineOfTypo, column: 7 }),
        expect.objectContaining({ path: 'fit.rules[1].points', message: expect.stringMatching(/required/) }),
      ]),
    );
  });

  it('lists every problem at once, and the message names file, line and path', () => {
    const text = mutate((r) => {
      r.fit.rules[0].points = 'x';
      r.decay.horizon = 'soon';
    });
    try {
      parseRulebook(text, 'bad.yaml');
      throw new Error('expected a failure');
    } catch (error) {
      const failure = error as RulebookValidationError;
      expect(failure.issues).toHaveLength(2);
      expect(failure.message).toMatch(/bad\.yaml:\d+:\d+ fit\.rules\[0\]\.points/);
      expect(failure.message).toMatch(/bad\.yaml:\d+:\d+ decay\.horizon/);
    }
  });

  it('reports YAML syntax errors with their line', () => {
    const issues = issuesOf('version: "1"\nfit:\n  rules: [\n');
    expect(issues[0]!.path).toBe('(yaml)');
    expect(issues[0]!.line).toBeGreaterThan(0);
  });

  it('rejects duplicate keys instead of silently keeping the last one', () => {
    const issues = issuesOf('version: "1"\nversion: "2"\n');
    expect(issues[0]!.message).toMatch(/unique|duplicate/i);
  });

  it('rejects a document that is not a mapping', () => {
    expect(issuesOf('- just\n- a list\n')[0]!.message).toMatch(/expected a YAML mapping/);
  });
});
