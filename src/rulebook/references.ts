import { parseDuration } from '../util/duration.util';
import { PERSON_FIELDS, isKnownField } from './fields';
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

/**
 * Checks what a schema cannot: that names refer to things that exist, regexes compile, ids are
 * unique and bands are ordered. Each issue carries the path of the offending value.
 */
export function checkReferences(rulebook: Rulebook): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  const report = (path: Path, message: string) => issues.push({ path, message });

  const checkCondition = (condition: Condition, path: Path, allowDerived: boolean): void => {
    if (condition.all) condition.all.forEach((child, i) => checkCondition(child, [...path, 'all', i], allowDerived));
    if (condition.any) condition.any.forEach((child, i) => checkCondition(child, [...path, 'any', i], allowDerived));
    if (condition.not) checkCondition(condition.not, [...path, 'not'], allowDerived);
    if (condition.field !== undefined && !isKnownField(condition.field, allowDerived)) {
      const hint = allowDerived ? '' : ' (fit.*, engagement.* and score are only known in stages and priority)';
      report([...path, 'field'], `unknown field "${condition.field}"${hint}`);
    }
    for (const key of ['in_list', 'not_in_list', 'matches_list', 'domain_in_list'] as const) {
      const name = condition[key];
      if (name !== undefined && !(name in rulebook.lists)) {
        report([...path, key], `no list named "${name}" in lists (defined: ${Object.keys(rulebook.lists).join(', ') || 'none'})`);
      }
    }
    if (condition.matches !== undefined) checkRegex(condition.matches, [...path, 'matches']);
    if (condition.matches_list !== undefined && rulebook.lists[condition.matches_list]) {
      rulebook.lists[condition.matches_list]!.forEach((pattern, i) => checkRegex(pattern, ['lists', condition.matches_list!, i]));
    }
  };

  const checkedRegexes = new Set<string>();
  const checkRegex = (pattern: string, path: Path): void => {
    const key = path.join('.');
    if (checkedRegexes.has(key)) return;
    checkedRegexes.add(key);
    try {
      new RegExp(pattern, 'i');
    } catch (error) {
      report(path, `not a valid regular expression: ${(error as Error).message}`);
    }
  };

  const checkTemplate = (template: string, path: Path): void => {
    for (const match of template.matchAll(TEMPLATE_PLACEHOLDER)) {
      const name = match[1]!;
      if (!TEMPLATE_EXTRAS.includes(name) && !isKnownField(name, false)) {
        report(path, `unknown placeholder {${name}} (use a person field such as {title}, or {count}, {window})`);
      }
    }
  };

  const checkUniqueIds = (items: ReadonlyArray<{ id: string }>, path: Path): void => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const first = seen.get(item.id);
      if (first !== undefined) report([...path, i, 'id'], `duplicate id "${item.id}" (first used at ${path.join('.')}[${first}])`);
      else seen.set(item.id, i);
    });
  };

  const checkGroup = (group: string | undefined, path: Path): void => {
    if (group !== undefined && !(group in rulebook.decay.groups)) {
      report(path, `no decay group "${group}" in decay.groups (defined: ${Object.keys(rulebook.decay.groups).join(', ') || 'none'})`);
    }
  };

  rulebook.exclusions.forEach((exclusion, i) => {
    checkCondition(exclusion.when, ['exclusions', i, 'when'], false);
    checkTemplate(exclusion.reason, ['exclusions', i, 'reason']);
  });
  checkUniqueIds(rulebook.exclusions, ['exclusions']);

  rulebook.fit.rules.forEach((rule, i) => {
    checkCondition(rule.when, ['fit', 'rules', i, 'when'], false);
    checkTemplate(rule.reason, ['fit', 'rules', i, 'reason']);
  });
  checkUniqueIds(rulebook.fit.rules, ['fit', 'rules']);
  rulebook.fit.grades.forEach((band, i) => {
    const previous = rulebook.fit.grades[i - 1];
    if (previous && band.min >= previous.min) {
      report(['fit', 'grades', i, 'min'], `grade bands must be listed from the highest minimum down (${band.min} follows ${previous.min})`);
    }
  });
  const lowest = rulebook.fit.grades[rulebook.fit.grades.length - 1];
  if (lowest && lowest.min > 0) {
    report(['fit', 'grades', rulebook.fit.grades.length - 1, 'min'], 'the last grade band must start at 0 or below, so every fit score gets a grade');
  }

  rulebook.engagement.rules.forEach((rule, i) => {
    checkGroup(rule.group, ['engagement', 'rules', i, 'group']);
    checkTemplate(rule.reason, ['engagement', 'rules', i, 'reason']);
  });
  checkUniqueIds(rulebook.engagement.rules, ['engagement', 'rules']);
  rulebook.engagement.signals.forEach((signal, i) => {
    checkGroup(signal.group, ['engagement', 'signals', i, 'group']);
    checkTemplate(signal.reason, ['engagement', 'signals', i, 'reason']);
  });
  checkUniqueIds(rulebook.engagement.signals, ['engagement', 'signals']);

  const { stages } = rulebook;
  checkCondition(stages.lead.when, ['stages', 'lead', 'when'], false);
  stages.mql.tiers.forEach((tier, i) => checkCondition(tier.when, ['stages', 'mql', 'tiers', i, 'when'], true));
  checkUniqueIds(stages.mql.tiers, ['stages', 'mql', 'tiers']);
  const sql = stages.sql;
  if (sql.engagement_threshold === undefined && !sql.fast_track && !sql.bant && !sql.sales_accepted) {
    report(['stages', 'sql'], 'no way to reach SQL: set engagement_threshold, fast_track, bant or sales_accepted');
  }
  if (sql.fast_track && parseDuration(sql.fast_track.within) > parseDuration(rulebook.decay.horizon)) {
    report(['stages', 'sql', 'fast_track', 'within'], `must not be longer than decay.horizon (${rulebook.decay.horizon}): older events are not considered`);
  }
  if (sql.sales_accepted) checkCondition(sql.sales_accepted, ['stages', 'sql', 'sales_accepted'], true);
  stages.recycle.forEach((rule, i) => {
    checkCondition(rule.when, ['stages', 'recycle', i, 'when'], true);
    checkTemplate(rule.reason, ['stages', 'recycle', i, 'reason']);
  });
  checkUniqueIds(stages.recycle, ['stages', 'recycle']);

  rulebook.priority.forEach((band, i) => {
    const isLast = i === rulebook.priority.length - 1;
    if (band.when) checkCondition(band.when, ['priority', i, 'when'], true);
    if (isLast && band.when) report(['priority', i], 'the last priority band must have no "when": it is the default');
    if (!isLast && !band.when) report(['priority', i], 'only the last priority band may omit "when"');
  });

  rulebook.handoff.required_fields.forEach((field, i) => {
    if (!(PERSON_FIELDS as readonly string[]).includes(field)) {
      report(['handoff', 'required_fields', i], `unknown person field "${field}" (known: ${PERSON_FIELDS.join(', ')})`);
    }
  });

  if (rulebook.score.fit_weight + rulebook.score.engagement_weight <= 0) {
    report(['score'], 'fit_weight and engagement_weight cannot both be 0');
  }
  return issues;
}
