import { Engine as RulesEngine } from 'json-rules-engine';
import { compileDomainMatcher } from '../src/engine/condition';
import { compileDecay, decayClock, type DecayFunction } from '../src/engine/decay';
import { emailDomainOf } from '../src/engine/facts';
import type { EngagementEvent } from '../src/model/event';
import type { Person } from '../src/model/person';
import type { Condition, Rulebook } from '../src/rulebook/schema';
import { parseDuration } from '../src/util/duration.util';
import { globsPattern } from '../src/util/glob.util';

/**
 * The peer in `npm run bench:engine`: the default rulebook's fit and engagement rules expressed
 * for json-rules-engine, which is what a team would reach for instead of a compiled engine. Caps
 * and decay are plain JavaScript on top, exactly as in Leadstage, so both produce the same scores.
 * Signals, exclusions, stages and reasons are left out: the peer does strictly less work.
 */
export function createRulesEnginePeer(rulebook: Rulebook) {
  const lists = rulebook.lists;
  const options = { allowUndefinedFacts: true };
  const fitEngine = new RulesEngine([], options);
  const engagementEngine = new RulesEngine([], options);
  for (const engine of [fitEngine, engagementEngine]) registerOperators(engine, lists);

  rulebook.fit.rules.forEach((rule, index) => {
    fitEngine.addRule({ conditions: { all: [toJre(rule.when, lists)] }, event: { type: rule.id, params: { index, points: rule.points } } });
  });
  rulebook.engagement.rules.forEach((rule, index) => {
    const all: any[] = [{ fact: 'type', operator: 'in', value: rule.match.types }];
    const globs: Array<[string, string[] | undefined]> = [
      ['url', rule.match.url],
      ['formName', rule.match.form_name],
      ['assetTitle', rule.match.asset_title],
    ];
    for (const [fact, patterns] of globs) if (patterns) all.push({ fact, operator: 'globMatch', value: patterns });
    if (rule.match.form_id) all.push({ fact: 'formId', operator: 'in', value: rule.match.form_id });
    if (rule.match.content_stage) all.push({ fact: 'contentStage', operator: 'in', value: rule.match.content_stage });
    engagementEngine.addRule({ conditions: { all }, event: { type: rule.id, params: { index } } });
  });

  const decayByGroup = new Map<string, DecayFunction>(Object.entries(rulebook.decay.groups).map(([k, v]) => [k, compileDecay(v)]));
  const defaultDecay = compileDecay(rulebook.decay.default);
  const horizon = parseDuration(rulebook.decay.horizon);
  const rules = rulebook.engagement.rules.map((rule) => ({
    points: rule.points,
    decay: rule.group ? decayByGroup.get(rule.group)! : defaultDecay,
    capPoints: rule.cap?.points ?? Infinity,
    capWindow: rule.cap?.window ? parseDuration(rule.cap.window) : Infinity,
  }));

  return async function evaluate(person: Person, events: readonly EngagementEvent[], now: number) {
    const facts: Record<string, unknown> = { ...person, emailDomain: emailDomainOf(person.email) };
    const fit = await fitEngine.run(facts);
    let fitTotal = 0;
    for (const event of fit.events) fitTotal += Number(event.params!.points);

    // de-duplicate, keep the horizon, order by time, fade as of the day's start: as the engine does
    const fadedAt = decayClock(now);
    const seen = new Set<string>();
    const timed = events
      .filter((event) => !seen.has(event.id) && seen.add(event.id))
      .map((event) => ({ event, t: Date.parse(event.occurredAt) }))
      .filter(({ t }) => t >= fadedAt - horizon && t <= now)
      .sort((a, b) => a.t - b.t);

    const matchedRules: number[] = [];
    const windows = new Map<number, Array<{ t: number; points: number }>>();
    let engagement = 0;
    for (const { event, t } of timed) {
      const result = await engagementEngine.run({ type: event.type, ...event.properties });
      // first matching rule in rulebook order wins, as in the rulebook's semantics
      const index = result.events.reduce((min, e) => Math.min(min, Number(e.params!.index)), Infinity);
      matchedRules.push(Number.isFinite(index) ? index : -1);
      if (!Number.isFinite(index)) continue;
      const rule = rules[index]!;
      let earned = rule.points;
      if (rule.capPoints !== Infinity) {
        const window = (windows.get(index) ?? []).filter((item) => item.t > t - rule.capWindow);
        const used = window.reduce((sum, item) => sum + item.points, 0);
        const magnitude = Math.min(Math.abs(earned), rule.capPoints - used);
        if (magnitude <= 0) continue;
        earned = Math.sign(earned) * magnitude;
        window.push({ t, points: magnitude });
        windows.set(index, window);
      }
      engagement += earned * rule.decay(fadedAt - t);
    }
    return {
      fitScore: Math.min(Math.max(Math.round(fitTotal), 0), rulebook.fit.max),
      engagementFromRules: engagement,
      matchedRules,
    };
  };
}

/**
 * Leadstage's condition operators as json-rules-engine custom operators. Regexes and matchers are
 * compiled once and cached, as a careful team would, so the comparison is about the engine.
 */
function registerOperators(engine: RulesEngine, lists: Record<string, string[]>): void {
  const norm = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
  const empty = (value: unknown) => value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
  const cache = new Map<string, (text: string) => boolean>();
  const cached = (key: string, build: () => (text: string) => boolean) => {
    let test = cache.get(key);
    if (!test) cache.set(key, (test = build()));
    return test;
  };
  engine.addOperator('ciEqual', (fact: unknown, value: unknown) => !empty(fact) && norm(fact) === norm(value));
  engine.addOperator('ciIn', (fact: unknown, value: unknown[]) => !empty(fact) && value.map(norm).includes(norm(fact)));
  engine.addOperator('ciNotIn', (fact: unknown, value: unknown[]) => !empty(fact) && !value.map(norm).includes(norm(fact)));
  engine.addOperator('present', (fact: unknown, value: boolean) => empty(fact) !== value);
  engine.addOperator('num', (fact: unknown, value: [string, number]) => {
    if (typeof fact !== 'number') return false;
    const [op, bound] = value;
    return op === 'gte' ? fact >= bound : op === 'gt' ? fact > bound : op === 'lte' ? fact <= bound : fact < bound;
  });
  engine.addOperator('matchesList', (fact: unknown, value: string) => {
    if (typeof fact !== 'string') return false;
    return cached(`list:${value}`, () => {
      const regex = new RegExp((lists[value] ?? []).map((p) => `(?:${p})`).join('|') || '(?!)', 'i');
      return (text) => regex.test(text);
    })(fact);
  });
  engine.addOperator('matchesPattern', (fact: unknown, value: string) => {
    if (typeof fact !== 'string') return false;
    return cached(`re:${value}`, () => {
      const regex = new RegExp(value, 'i');
      return (text) => regex.test(text);
    })(fact);
  });
  engine.addOperator('domainIn', (fact: unknown, value: string) => typeof fact === 'string' && cached(`domain:${value}`, () => compileDomainMatcher(lists[value] ?? []))(fact));
  engine.addOperator('globMatch', (fact: unknown, value: string[]) => {
    if (typeof fact !== 'string') return false;
    return cached(`glob:${value.join('|')}`, () => {
      const pattern = globsPattern(value);
      return (text) => pattern.test(text);
    })(fact);
  });
}

/** Translates a rulebook condition into json-rules-engine's condition tree. */
function toJre(condition: Condition, lists: Record<string, string[]>): any {
  if (condition.all) return { all: condition.all.map((c) => toJre(c, lists)) };
  if (condition.any) return { any: condition.any.map((c) => toJre(c, lists)) };
  if (condition.not) return { not: toJre(condition.not, lists) };
  const fact = condition.field!;
  const parts: any[] = [];
  if (condition.present !== undefined) parts.push({ fact, operator: 'present', value: condition.present });
  if (condition.equals !== undefined) parts.push({ fact, operator: 'ciEqual', value: condition.equals });
  if (condition.in) parts.push({ fact, operator: 'ciIn', value: condition.in });
  if (condition.not_in) parts.push({ fact, operator: 'ciNotIn', value: condition.not_in });
  if (condition.in_list) parts.push({ fact, operator: 'ciIn', value: lists[condition.in_list] ?? [] });
  if (condition.not_in_list) parts.push({ fact, operator: 'ciNotIn', value: lists[condition.not_in_list] ?? [] });
  for (const op of ['gte', 'gt', 'lte', 'lt'] as const) if (condition[op] !== undefined) parts.push({ fact, operator: 'num', value: [op, condition[op]] });
  if (condition.matches) parts.push({ fact, operator: 'matchesPattern', value: condition.matches });
  if (condition.matches_list) parts.push({ fact, operator: 'matchesList', value: condition.matches_list });
  if (condition.domain_in_list) parts.push({ fact, operator: 'domainIn', value: condition.domain_in_list });
  return parts.length === 1 ? parts[0] : { all: parts };
}
