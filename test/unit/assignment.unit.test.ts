import { readFileSync } from 'node:fs';
import { parseRulebook } from '../../src/rulebook/load';
import { RulebookSchema } from '../../src/rulebook/schema';
import { AssignmentSchema, EscalationTargetSchema, WorkingHoursSchema, type AssignmentRule } from '../../src/rulebook/assignment-schema';
import { chooseAssignment, pickTurn, teamMembers } from '../../src/sla/assignment';
import type { CrmOwner } from '../../src/sla/handoff-planner';
import { workingHoursOf } from '../../src/sla/rulebook-working-hours';
import { DEFAULT_WORKING_HOURS } from '../../src/sla/working-hours';
import { baseRulebook } from '../helpers/rulebook';

const owner = (id: string, teams: string[], active = true): CrmOwner => ({ id, name: `Owner ${id}`, email: null, timeZone: null, managerId: null, teams, active });
const OWNERS: CrmOwner[] = [
  owner('o3', ['Inside Sales']),
  owner('o1', ['Inside Sales']),
  owner('o2', ['Inside Sales'], false),
  owner('o4', ['Field Sales', 'Inside Sales']),
  owner('o5', ['Field Sales']),
  owner('o9', ['Marketing']),
];

function rules(value: unknown): AssignmentRule[] {
  return AssignmentSchema.parse({ rules: value }).rules;
}

describe('assignment rules', () => {
  it('a team is its active owners, in id order, whatever the case of the name', () => {
    expect(teamMembers(OWNERS, 'inside sales')).toEqual(['o1', 'o3', 'o4']);
    expect(teamMembers(OWNERS, 'Nobody')).toEqual([]);
  });

  it('turns go round the team in order', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((turn) => pickTurn(['a', 'b', 'c'], turn))).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
    expect(() => pickTurn(['a'], 0)).toThrow(/turn 0/);
    expect(() => pickTurn([], 1)).toThrow(/no members/);
  });

  it('the first rule that yields an owner wins: a territory by country, else the round robin', () => {
    const book = rules([
      { id: 'dach', territory: { countries: ['DE', 'AT', 'CH'], owner: { crm_a: 'o5', crm_b: 'x9' } } },
      { id: 'americas', territory: { countries: ['US', 'CA'], team: 'Field Sales' } },
      { id: 'everyone_else', round_robin: { team: 'Inside Sales' } },
    ]);
    expect(chooseAssignment({ provider: 'crm_a', country: 'DE', owners: OWNERS, rules: book })).toMatchObject({ kind: 'owner', ruleId: 'dach', ownerId: 'o5', source: 'territory' });
    expect(chooseAssignment({ provider: 'crm_a', country: 'US', owners: OWNERS, rules: book })).toMatchObject({ kind: 'team', ruleId: 'americas', source: 'territory', team: 'Field Sales', members: ['o4', 'o5'] });
    expect(chooseAssignment({ provider: 'crm_a', country: 'FR', owners: OWNERS, rules: book })).toMatchObject({ kind: 'team', ruleId: 'everyone_else', source: 'round_robin', members: ['o1', 'o3', 'o4'] });
    // no country on the record: the IP's country decides the territory
    expect(chooseAssignment({ provider: 'crm_a', country: null, ipCountry: 'CA', owners: OWNERS, rules: book })).toMatchObject({ ruleId: 'americas' });
  });

  it("a territory's owner must be an active owner of this CRM; else the next rule, and the trail says why", () => {
    const book = rules([
      { id: 'dach', territory: { countries: ['DE'], owner: { crm_a: 'o2', crm_b: 'x9' } } },
      { id: 'dach_b', territory: { countries: ['DE'], owner: { crm_b: 'x9' } } },
      { id: 'marketing', round_robin: { team: 'Growth' } },
    ]);
    expect(chooseAssignment({ provider: 'crm_a', country: 'DE', owners: OWNERS, rules: book })).toEqual({
      kind: 'none',
      trail: ['dach: owner o2 is not an active owner', 'dach_b: names no owner for crm_a', 'marketing: team "Growth" has no active owner'],
    });
    // another CRM's owner id is never taken for this one's
    expect(chooseAssignment({ provider: 'crm_b', country: 'DE', owners: OWNERS, rules: book }).kind).toBe('none');
  });
});

describe('rulebook: working hours, escalation target and assignment', () => {
  it('reads working hours into the calendar, Monday to Friday 09:00–17:00 without them', () => {
    const rulebook = baseRulebook();
    expect(workingHoursOf(RulebookSchema.parse(rulebook))).toEqual(DEFAULT_WORKING_HOURS);
    const custom = RulebookSchema.parse({ ...rulebook, sla: { ...rulebook.sla, working_hours: { days: ['sun', 'mon', 'tue', 'wed', 'thu'], start: '08:30', end: '16:00' } } });
    expect(workingHoursOf(custom)).toEqual({ days: [7, 1, 2, 3, 4], startMinute: 510, endMinute: 960 });
  });

  it('says which working-hours value is wrong, and where', () => {
    const issues = (value: unknown) => WorkingHoursSchema.safeParse(value).error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(issues({ days: ['mon', 'funday'], start: '9:00', end: '17:00' })).toEqual([
      'days.1: expected a weekday: mon, tue, wed, thu, fri, sat, sun, got "funday"',
      'start: expected a time of day "HH:MM" from 00:00 to 23:59, such as "09:00", got "9:00"',
    ]);
    expect(issues({ days: ['mon', 'mon'], start: '17:00', end: '09:00' })).toEqual([
      'end: end "09:00" is not after start "17:00" (a working day ends later the same day)',
      'days: "mon" is listed twice',
    ]);
  });

  it('escalates to the manager or to an owner per CRM, and names a bad target', () => {
    expect(EscalationTargetSchema.parse('manager')).toBe('manager');
    expect(EscalationTargetSchema.parse({ crm_a: '51001' })).toEqual({ crm_a: '51001' });
    expect(EscalationTargetSchema.safeParse('queue').error!.issues[0]!.message).toBe('expected "manager" or an owner id per CRM such as { <provider>: "<owner id>" }, got "queue"');
    expect(EscalationTargetSchema.safeParse({ crm_a: ' ' }).error!.issues[0]).toMatchObject({ path: ['crm_a'], message: 'the owner id for "crm_a" is empty' });
  });

  it('says which assignment rule is wrong: a lower-case country, a rule of no kind, a repeated id, a territory with both owner and team', () => {
    const issues = AssignmentSchema.safeParse({
      rules: [
        { id: 'dach', territory: { countries: ['de'], team: 'Field Sales' } },
        { id: 'dach', round_robin: { team: 'Inside Sales' } },
        { id: 'empty' },
        { id: 'both', territory: { countries: ['US'], team: 'A', owner: { crm_a: '1' } } },
      ],
    }).error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(issues).toEqual(expect.arrayContaining([
      'rules.0.territory.countries.0: expected an ISO 3166-1 alpha-2 country code in capitals such as "DE", got "de"',
      'rules.2: rule "empty" needs exactly one of round_robin: { team } or territory: { countries, owner | team }',
      'rules.3.territory: territory "both" needs exactly one of owner (an owner id per CRM) or team (round robin within it)',
      'rules.1.id: rule id "dach" is used twice',
    ]));
  });
});

describe('the default rulebook', () => {
  const text = readFileSync(`${__dirname}/../../config/rulebook.default.yaml`, 'utf8');

  it('parses with its commented working hours, escalation owner and assignment example switched on', () => {
    const enabled = text
      .replace('  # working_hours: {', '  working_hours: {')
      .replace('  escalation: { after: 1d, to: manager }', '  escalation: { after: 1d, to: { hubspot: "51001", salesforce: manager } }')
      .replace(/^# assignment:\n#   rules:\n((?:#     - .*\n)+)/m, (_all, lines: string) => `assignment:\n  rules:\n${lines.replace(/^# {3}/gm, '')}`);
    expect(enabled).not.toBe(text);
    const rulebook = parseRulebook(enabled, 'default+example');
    expect(rulebook.sla.working_hours).toEqual({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' });
    expect(rulebook.assignment?.rules.map((rule) => rule.id)).toEqual(['dach', 'north_america', 'everyone_else']);
    expect(parseRulebook(text).assignment).toBeUndefined();
  });

  it('a bad value in the rulebook file is reported with its path and the value', () => {
    const broken = text.replace('  # working_hours: { days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00" }', '  working_hours: { days: [mon], start: "9am", end: "17:00" }');
    expect(() => parseRulebook(broken)).toThrow(/sla\.working_hours\.start.*got "9am"/);
  });
});
