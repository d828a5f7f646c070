import { parseDuration } from '../util/duration.util';
import { DERIVED_FIELDS, PERSON_FIELDS, isKnownField } from './fields';
import { PatternError, compileAnyPattern, compilePattern } from './pattern';
import type { Condition, Rulebook } from './schema';

/** A semantic problem found after the schema passed; `path` uses the same keys as the YAML. */
export interface ReferenceIssue {
  path: Array<string | number>;
  message: string;
}

type Path = Array<string | number>;

/** Placeholders a reason template may use besides person fields. */
const TEMPLATE_EXTRAS = ['count', 'window', 'tier'];
const TEMPLATE_PLACEHOLDER = /\{([^{}]*)\}/g;

/** What every check needs: the rulebook, where issues go, and which regexes were already compiled. */
interface Checker {
  rulebook: Rulebook;
  report(path: Path, message: string): void;
  /** Paths of regexes checked so far and whether each compiled: a list used by several conditions is reported once. */
  checkedRegexes: Map<string, boolean>;
}

/**
 * Checks what a schema cannot: that names refer to things that exist, regexes compile, ids are
 * unique and bands are ordered. Each issue carries the path of the offending value; issues come in
 * the order of the rulebook's sections.
 */
export function checkReferences(rulebook: Rulebook): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  const check: Checker = { rulebook, report: (path, message) => issues.push({ path, message }), checkedRegexes: new Map() };
  checkExclusions(check);
  checkFitRules(check);
  checkGradeBands(check);
  checkEngagement(check);
  checkStages(check);
  checkPriorityBands(check);
  checkHandoffFields(check);
  checkScoreWeights(check);
  return issues;
}

/** Exclusions test person fields only: fit and engagement are not known yet when they run. */
function checkExclusions(check: Checker): void {
  const { exclusions } = check.rulebook;
  exclusions.forEach((exclusion, i) => {
    checkCondition(check, exclusion.when, ['exclusions', i, 'when'], false);
    checkTemplate(check, exclusion.reason, ['exclusions', i, 'reason']);
  });
  checkUniqueIds(check, exclusions, ['exclusions']);
}

/** Fit rules, like exclusions, run before any score exists. */
function checkFitRules(check: Checker): void {
  const { rules } = check.rulebook.fit;
  rules.forEach((rule, i) => {
    checkCondition(check, rule.when, ['fit', 'rules', i, 'when'], false);
    checkTemplate(check, rule.reason, ['fit', 'rules', i, 'reason']);
  });
  checkUniqueIds(check, rules, ['fit', 'rules']);
}

/** Grades are the first band a score reaches: bands must go down, and the last must catch every score. */
function checkGradeBands(check: Checker): void {
  const { grades } = check.rulebook.fit;
  grades.forEach((band, i) => {
    const previous = grades[i - 1];
    if (previous && band.min >= previous.min) {
      check.report(['fit', 'grades', i, 'min'], `grade bands must be listed from the highest minimum down (${band.min} follows ${previous.min})`);
    }
  });
  const lowest = grades[grades.length - 1];
  if (lowest && lowest.min > 0) {
    check.report(['fit', 'grades', grades.length - 1, 'min'], 'the last grade band must start at 0 or below, so every fit score gets a grade');
  }
}

/** Engagement rules and signals name decay groups and render reasons. */
function checkEngagement(check: Checker): void {
  const { rules, signals } = check.rulebook.engagement;
  rules.forEach((rule, i) => {
    checkGroup(check, rule.group, ['engagement', 'rules', i, 'group']);
    checkTemplate(check, rule.reason, ['engagement', 'rules', i, 'reason']);
  });
  checkUniqueIds(check, rules, ['engagement', 'rules']);
  signals.forEach((signal, i) => {
    checkGroup(check, signal.group, ['engagement', 'signals', i, 'group']);
    checkTemplate(check, signal.reason, ['engagement', 'signals', i, 'reason']);
  });
  checkUniqueIds(check, signals, ['engagement', 'signals']);
}

/** Stage conditions after the lead's may read the scores; SQL must be reachable somehow. */
function checkStages(check: Checker): void {
  const { stages } = check.rulebook;
  checkCondition(check, stages.lead.when, ['stages', 'lead', 'when'], false);
  stages.mql.tiers.forEach((tier, i) => checkCondition(check, tier.when, ['stages', 'mql', 'tiers', i, 'when'], true));
  checkUniqueIds(check, stages.mql.tiers, ['stages', 'mql', 'tiers']);
  checkSqlPaths(check);
  stages.recycle.forEach((rule, i) => {
    checkCondition(check, rule.when, ['stages', 'recycle', i, 'when'], true);
    checkTemplate(check, rule.reason, ['stages', 'recycle', i, 'reason']);
  });
  checkUniqueIds(check, stages.recycle, ['stages', 'recycle']);
}

/** An SQL needs at least one path, and a fast track cannot look further back than the events kept. */
function checkSqlPaths(check: Checker): void {
  const { rulebook } = check;
  const sql = rulebook.stages.sql;
  if (sql.engagement_threshold === undefined && !sql.fast_track && !sql.bant && !sql.sales_accepted) {
    check.report(['stages', 'sql'], 'no way to reach SQL: set engagement_threshold, fast_track, bant or sales_accepted');
  }
  if (sql.fast_track && parseDuration(sql.fast_track.within) > parseDuration(rulebook.decay.horizon)) {
    check.report(['stages', 'sql', 'fast_track', 'within'], `must not be longer than decay.horizon (${rulebook.decay.horizon}): older events are not considered`);
  }
  if (sql.sales_accepted) checkCondition(check, sql.sales_accepted, ['stages', 'sql', 'sales_accepted'], true);
}

/** Priority is the first band that matches, so exactly the last band is the unconditional default. */
function checkPriorityBands(check: Checker): void {
  const { priority } = check.rulebook;
  priority.forEach((band, i) => {
    const isLast = i === priority.length - 1;
    if (band.when) checkCondition(check, band.when, ['priority', i, 'when'], true);
    if (isLast && band.when) check.report(['priority', i], 'the last priority band must have no "when": it is the default');
    if (!isLast && !band.when) check.report(['priority', i], 'only the last priority band may omit "when"');
  });
}

/** Handoff fields are read from the person as named, so each must be a person field. */
function checkHandoffFields(check: Checker): void {
  check.rulebook.handoff.required_fields.forEach((field, i) => {
    if (!(PERSON_FIELDS as readonly string[]).includes(field)) {
      check.report(['handoff', 'required_fields', i], `unknown person field "${field}" (known: ${PERSON_FIELDS.join(', ')})`);
    }
  });
}

/** With both weights at 0 every total score would be 0. */
function checkScoreWeights(check: Checker): void {
  const { score } = check.rulebook;
  if (score.fit_weight + score.engagement_weight <= 0) {
    check.report(['score'], 'fit_weight and engagement_weight cannot both be 0');
  }
}

/** A condition and its children: fields known where it runs, lists defined, regexes valid. */
function checkCondition(check: Checker, condition: Condition, path: Path, allowDerived: boolean): void {
  if (condition.all) condition.all.forEach((child, i) => checkCondition(check, child, [...path, 'all', i], allowDerived));
  if (condition.any) condition.any.forEach((child, i) => checkCondition(check, child, [...path, 'any', i], allowDerived));
  if (condition.not) checkCondition(check, condition.not, [...path, 'not'], allowDerived);
  checkConditionField(check, condition, path, allowDerived);
  checkListNames(check, condition, path);
  checkConditionRegexes(check, condition, path);
}

/** Scores are derived during an evaluation, so only stages and priority may read them. */
function checkConditionField(check: Checker, condition: Condition, path: Path, allowDerived: boolean): void {
  if (condition.field !== undefined && !isKnownField(condition.field, allowDerived)) {
    const hint = allowDerived ? '' : ' (fit.*, engagement.*, intent.* and score are only known in stages and priority)';
    check.report([...path, 'field'], `unknown field "${condition.field}"${hint} (known: ${knownFieldsText(allowDerived)})`);
    return;
  }
  if (condition.field !== undefined && (DAY_COUNT_FIELDS as readonly string[]).includes(condition.field)) {
    for (const key of TEXT_OPERATORS) {
      if (condition[key] !== undefined) {
        check.report(
          [...path, key],
          `"${condition.field}" is a number of whole days (0 = today, empty when none): compare it with gte, gt, lte or lt (e.g. lte: 7), or test present; got ${key}: ${JSON.stringify(condition[key])}`,
        );
      }
    }
  }
}

/** Fields that count days: text operators on them can never match. */
const DAY_COUNT_FIELDS = ['intent.hand_raise_age_days', 'engagement.days_since_last'] as const;
const TEXT_OPERATORS = ['equals', 'in', 'not_in', 'in_list', 'not_in_list', 'matches', 'matches_list', 'domain_in_list'] as const;

function knownFieldsText(allowDerived: boolean): string {
  const names: string[] = [...PERSON_FIELDS];
  if (allowDerived) names.push(...DERIVED_FIELDS);
  return `${names.join(', ')}, attributes.<name>`;
}

/**
 * A list named by a condition must exist, or the condition would silently test an empty list. Only
 * the lists the rulebook defines count: `toString` or `constructor` is no list, whatever
 * JavaScript objects inherit.
 */
function checkListNames(check: Checker, condition: Condition, path: Path): void {
  const { lists } = check.rulebook;
  for (const key of ['in_list', 'not_in_list', 'matches_list', 'domain_in_list'] as const) {
    const name = condition[key];
    if (name !== undefined && !Object.hasOwn(lists, name)) {
      check.report([...path, key], `no list named "${name}" in lists (defined: ${Object.keys(lists).join(', ') || 'none'})`);
    }
  }
}

/**
 * Patterns are compiled on load as the engine compiles them (RE2, case-insensitive: pattern.ts), so
 * a bad one, or one that needs backtracking (lookaround, backreferences), is reported with its path
 * instead of failing an evaluation. A list's items are checked one by one, then together.
 */
function checkConditionRegexes(check: Checker, condition: Condition, path: Path): void {
  if (condition.matches !== undefined) checkRegex(check, [...path, 'matches'], () => compilePattern(condition.matches!));
  const listName = condition.matches_list;
  if (listName === undefined || !Object.hasOwn(check.rulebook.lists, listName)) return;
  const patterns = check.rulebook.lists[listName]!;
  const itemsValid = patterns.map((pattern, i) => checkRegex(check, ['lists', listName, i], () => compilePattern(pattern)));
  if (itemsValid.every(Boolean)) checkRegex(check, [...path, 'matches_list'], () => compileAnyPattern(patterns));
}

/** Compiles a pattern once per path; reports why it cannot be used. Returns whether it compiled. */
function checkRegex(check: Checker, path: Path, compile: () => unknown): boolean {
  const key = path.join('.');
  if (check.checkedRegexes.has(key)) return check.checkedRegexes.get(key)!;
  let valid = true;
  try {
    compile();
  } catch (error) {
    if (!(error instanceof PatternError)) throw error;
    check.report(path, error.message);
    valid = false;
  }
  check.checkedRegexes.set(key, valid);
  return valid;
}

/** Placeholders must name a person field or a value the engine supplies, or the reason would read "unknown". */
function checkTemplate(check: Checker, template: string, path: Path): void {
  for (const match of template.matchAll(TEMPLATE_PLACEHOLDER)) {
    const name = match[1]!;
    if (!TEMPLATE_EXTRAS.includes(name) && !isKnownField(name, false)) {
      check.report(path, `unknown placeholder {${name}} (use a person field such as {title}, or {count}, {window})`);
    }
  }
}

/** Ids name rules in decisions and explanations, so within a section each must be unique. */
function checkUniqueIds(check: Checker, items: ReadonlyArray<{ id: string }>, path: Path): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const first = seen.get(item.id);
    if (first !== undefined) check.report([...path, i, 'id'], `duplicate id "${item.id}" (first used at ${path.join('.')}[${first}])`);
    else seen.set(item.id, i);
  });
}

/** A group names a decay model; an unknown one would have no decay to apply (an own key: `constructor` is no group). */
function checkGroup(check: Checker, group: string | undefined, path: Path): void {
  const { groups } = check.rulebook.decay;
  if (group !== undefined && !Object.hasOwn(groups, group)) {
    check.report(path, `no decay group "${group}" in decay.groups (defined: ${Object.keys(groups).join(', ') || 'none'})`);
  }
}
