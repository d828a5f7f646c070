import type { Decision, PreviousState, Priority, Reason } from '../model/decision';
import type { EngagementEvent } from '../model/event';
import type { Person } from '../model/person';
import type { Stage } from '../model/stage';
import type { Rulebook } from '../rulebook/schema';
import { parseDuration } from '../util/duration.util';
import { compileCondition, type Predicate } from './condition';
import { compileDecay, type DecayFunction } from './decay';
import { compileEngagementRules, type Contribution } from './engagement';
import { EVENT_LABELS } from './event-labels';
import { compileFullMatch } from './event-matcher';
import { countBant, emailDomainOf, type Facts } from './facts';
import { applyLifecycle, type StageTarget } from './lifecycle';
import { compileSignals } from './signals';
import { compileTemplate } from './template';
import { buildTimeline } from './timeline';

export type Clock = Date | number | string;

/** What `explain` shows beside the decision: every rule checked and what it gave. */
export interface Explanation {
  fitRules: Array<{ id: string; matched: boolean; points: number; reason: string }>;
  engagement: Array<{ kind: 'rule' | 'signal'; id: string; reason: string; count: number; capped: number; points: number }>;
  exclusionsChecked: Array<{ id: string; matched: boolean }>;
  target: StageTarget;
  sqlPath: string | null;
  eventsConsidered: number;
  eventsSince: string;
}

export interface Evaluation extends Explanation {
  decision: Decision;
}

export interface Engine {
  readonly version: string;
  readonly rulebook: Rulebook;
  evaluate(person: Person, events: readonly EngagementEvent[], previous: PreviousState | null | undefined, now: Clock): Decision;
  explain(person: Person, events: readonly EngagementEvent[], previous: PreviousState | null | undefined, now: Clock): Evaluation;
}

/**
 * Compiles a validated rulebook once into a pure function
 * `(person, events, previousState, now) → decision`: no I/O, time passed in, events de-duplicated by
 * id, the same inputs always giving the same output.
 */
export function compileRulebook(rulebook: Rulebook): Engine {
  const lists = rulebook.lists;
  const condition = (c: Parameters<typeof compileCondition>[0]): Predicate => compileCondition(c, lists);

  const decayByGroup = new Map<string, DecayFunction>(Object.entries(rulebook.decay.groups).map(([name, model]) => [name, compileDecay(model)]));
  const defaultDecay = compileDecay(rulebook.decay.default);
  const decayFor = (group?: string): DecayFunction => (group ? decayByGroup.get(group)! : defaultDecay);
  const horizon = parseDuration(rulebook.decay.horizon);

  const exclusions = rulebook.exclusions.map((exclusion) => ({
    id: exclusion.id,
    when: condition(exclusion.when),
    stage: (exclusion.outcome === 'disqualify' ? 'disqualified' : 'nurture') as Stage,
    tier: exclusion.outcome === 'nurture' ? (exclusion.tier ?? 2) : null,
    reason: compileTemplate(exclusion.reason),
  }));
  const fitRules = rulebook.fit.rules.map((rule) => ({ id: rule.id, when: condition(rule.when), points: rule.points, reason: compileTemplate(rule.reason) }));
  const grades = rulebook.fit.grades;
  const scoreEngagement = compileEngagementRules(rulebook, decayFor);
  const detectSignals = compileSignals(rulebook, decayFor);

  const stages = rulebook.stages;
  const isLead = condition(stages.lead.when);
  const tiers = stages.mql.tiers.map((tier) => ({ id: tier.id, label: tier.label, when: condition(tier.when) }));
  const recycles = stages.recycle.map((rule) => ({ id: rule.id, when: condition(rule.when), reason: compileTemplate(rule.reason) }));
  const fastTrack = stages.sql.fast_track
    ? { tests: stages.sql.fast_track.events.map(compileFullMatch), within: parseDuration(stages.sql.fast_track.within) }
    : null;
  const salesAccepted = stages.sql.sales_accepted ? condition(stages.sql.sales_accepted) : null;
  const priorities = rulebook.priority.map((band) => ({ priority: band.priority as Priority, when: band.when ? condition(band.when) : null }));
  const requiredFields = rulebook.handoff.required_fields as Array<keyof Person>;
  const { fit_weight: fitWeight, engagement_weight: engagementWeight } = rulebook.score;

  /**
   * One evaluation. The hot path renders no text beyond the top reasons; the breakdown is built
   * only when `explain` asks for it.
   */
  function run(
    person: Person,
    events: readonly EngagementEvent[],
    previous: PreviousState | null | undefined,
    clock: Clock,
  ): { decision: Decision; explain: () => Explanation } {
    const now = toMillis(clock);
    const at = isoAt(now);
    const facts: Facts = { person, emailDomain: emailDomainOf(person.email), fitScore: 0, fitGrade: '', engagementScore: 0, score: 0 };

    // after a recycle, only engagement since then can re-qualify the person
    const recycledAt = previous?.stage === 'nurture' && previous.recycledAt ? Date.parse(previous.recycledAt) : -Infinity;
    const since = Math.max(now - horizon, recycledAt + 1);
    const timeline = buildTimeline(events, since, now);

    let exclusion: (typeof exclusions)[number] | null = null;
    for (const candidate of exclusions) {
      if (candidate.when(facts)) {
        exclusion = candidate;
        break;
      }
    }
    const excluded = exclusion ? { rule: exclusion.id, reason: exclusion.reason(facts) } : null;

    let fitTotal = 0;
    const fitMatched: Array<(typeof fitRules)[number]> = [];
    for (const rule of fitRules) {
      if (!rule.when(facts)) continue;
      fitTotal += rule.points;
      fitMatched.push(rule);
    }
    facts.fitScore = clamp(Math.round(fitTotal), 0, rulebook.fit.max);
    facts.fitGrade = grades.find((band) => facts.fitScore >= band.min)?.grade ?? grades[grades.length - 1]!.grade;

    const contributions = scoreEngagement.score(timeline, now);
    for (const signal of detectSignals(timeline, now)) contributions.push(signal);
    let engagementTotal = 0;
    for (const contribution of contributions) engagementTotal += contribution.points;
    facts.engagementScore = clamp(Math.round(engagementTotal), 0, rulebook.engagement.max);
    facts.score = Math.round(facts.fitScore * fitWeight + facts.engagementScore * engagementWeight);

    const tier = tiers.find((candidate) => candidate.when(facts)) ?? null;
    const sqlPath = tier ? findSqlPath(facts, timeline.events, timeline.times, now) : null;
    const missingForHandoff = requiredFields.filter((field) => isBlank(person[field]));
    const held = sqlPath !== null && missingForHandoff.length > 0;

    const target = chooseTarget(facts, exclusion ? { stage: exclusion.stage, reason: excluded!.reason } : null, tier, sqlPath, held, missingForHandoff);
    const lifecycle = applyLifecycle(previous, target, at, rulebook.version);

    // the evaluation that recycles someone already counts only engagement from now on, so the next
    // one (with nothing new) gives the same scores instead of dropping them then
    if (lifecycle.recycledAt === at && previous?.recycledAt !== at) {
      contributions.length = 0;
      facts.engagementScore = 0;
      facts.score = Math.round(facts.fitScore * fitWeight);
    }
    const priority: Priority = lifecycle.stage === 'disqualified' ? 'cold' : priorities.find((band) => band.when === null || band.when(facts))!.priority;

    // a detour leads with why: the exclusion, or the recycle rule that sent the person to nurture
    const detourReason = excluded ? excluded.reason : lifecycle.stage === 'nurture' && target.recycle ? target.reason : null;
    const reasons = buildReasons(
      detourReason,
      held ? `held for handoff: missing ${missingForHandoff.join(', ')}` : null,
      fitMatched,
      contributions,
      facts,
      rulebook.reasons.max,
    );

    const decision: Decision = {
      personId: person.id,
      stage: lifecycle.stage,
      mqlTier: mqlTierFor(lifecycle.stage, exclusion?.tier ?? null, tier?.id ?? null),
      excluded,
      fit: { score: facts.fitScore, grade: facts.fitGrade },
      engagement: { score: facts.engagementScore },
      score: facts.score,
      priority,
      reasons,
      missingForHandoff,
      transition: lifecycle.transition,
      rulebookVersion: rulebook.version,
      enteredAt: lifecycle.enteredAt,
      recycledAt: lifecycle.recycledAt,
      history: lifecycle.history,
      slaStartAt: slaStartFor(lifecycle.stage, lifecycle.transition?.to === 'sql', sqlPath, previous),
    };
    const explain = (): Explanation => ({
      fitRules: fitRules.map((rule) => {
        const matched = fitMatched.includes(rule);
        return { id: rule.id, matched, points: matched ? rule.points : 0, reason: matched ? rule.reason(facts) : '' };
      }),
      engagement: contributions.map((c) => ({ kind: c.kind, id: c.id, reason: c.reason(facts, c.values), count: c.count, capped: c.capped, points: round1(c.points) })),
      exclusionsChecked: exclusions.map((candidate) => ({ id: candidate.id, matched: candidate.when(facts) })),
      target,
      sqlPath: sqlPath?.reason ?? null,
      eventsConsidered: timeline.events.length,
      eventsSince: new Date(Math.max(since, 0)).toISOString(),
    });
    return { decision, explain };
  }

  /** Why an MQL is sales-ready, or null: fast track first, then sales acceptance, BANT, threshold. */
  function findSqlPath(facts: Facts, events: readonly EngagementEvent[], times: readonly number[], now: number): SqlPath | null {
    if (fastTrack) {
      for (let i = events.length - 1; i >= 0 && times[i]! >= now - fastTrack.within; i--) {
        const event = events[i]!;
        // the SLA clock starts at the request itself, not when we noticed it
        if (fastTrack.tests.some((test) => test(event))) return { reason: `fast track: ${EVENT_LABELS[event.type]}`, at: times[i]! };
      }
    }
    if (salesAccepted?.(facts)) return { reason: 'accepted by sales', at: now };
    const bant = stages.sql.bant;
    if (bant) {
      const yes = countBant(facts.person, true);
      if (yes >= bant.min_yes) return { reason: `BANT qualified (${yes} of 4)`, at: now };
    }
    const threshold = stages.sql.engagement_threshold;
    if (threshold !== undefined && facts.engagementScore >= threshold) {
      return { reason: `engagement ${facts.engagementScore} reached the SQL threshold of ${threshold}`, at: now };
    }
    return null;
  }

  function chooseTarget(
    facts: Facts,
    exclusion: { stage: Stage; reason: string } | null,
    tier: { id: string; label: string } | null,
    sqlPath: SqlPath | null,
    held: boolean,
    missing: string[],
  ): StageTarget {
    const crm = crmStageOf(facts.person);
    if (crm) return crm;
    if (exclusion) return exclusion;
    for (const rule of recycles) if (rule.when(facts)) return { stage: 'nurture', reason: rule.reason(facts), recycle: true };
    if (sqlPath && !held) return { stage: 'sql', reason: sqlPath.reason };
    if (tier) return { stage: 'mql', reason: held ? `${tier.label}; held for handoff: missing ${missing.join(', ')}` : tier.label };
    if (isLead(facts)) return { stage: 'lead', reason: 'not excluded and reachable' };
    return { stage: 'contact', reason: 'no lead criteria met' };
  }

  return {
    version: rulebook.version,
    rulebook,
    evaluate: (person, events, previous, now) => run(person, events, previous, now).decision,
    explain: (person, events, previous, now) => {
      const result = run(person, events, previous, now);
      return { decision: result.decision, ...result.explain() };
    },
  };
}

/** Why a person is sales-ready, and since when (the SLA clock starts there). */
interface SqlPath {
  reason: string;
  at: number;
}

/**
 * When the follow-up SLA started: for a person who just became SQL, the moment of the request that
 * fast-tracked them (or now); carried forward while they stay SQL; none otherwise.
 */
function slaStartFor(stage: Stage, enteredSqlNow: boolean, sqlPath: SqlPath | null, previous: PreviousState | null | undefined): string | null {
  if (stage !== 'sql') return null;
  if (enteredSqlNow && sqlPath) return new Date(sqlPath.at).toISOString();
  return previous?.slaStartAt ?? previous?.enteredAt?.sql ?? null;
}

/** Opportunity and customer come only from CRM facts (SPEC.md §2): deals and the CRM's own stage. */
function crmStageOf(person: Person): StageTarget | null {
  const crmStage = person.crmStage?.toLowerCase();
  const deals = person.deals;
  if (crmStage === 'evangelist') return { stage: 'evangelist', reason: 'the CRM marks this person as an evangelist' };
  if ((deals?.won ?? 0) > 0) return { stage: 'customer', reason: 'a deal was won' };
  if (crmStage === 'customer') return { stage: 'customer', reason: 'the CRM marks this person as a customer' };
  if ((deals?.open ?? 0) > 0) return { stage: 'opportunity', reason: 'an open deal exists' };
  if (crmStage === 'opportunity') return { stage: 'opportunity', reason: 'the CRM marks this person as an opportunity' };
  return null;
}

function buildReasons(
  detour: string | null,
  held: string | null,
  fit: ReadonlyArray<{ reason: (facts: Facts) => string; points: number }>,
  contributions: readonly Contribution[],
  facts: Facts,
  limit: number,
): Reason[] {
  const ranked: Array<{ render: () => string; points: number }> = [];
  for (const rule of fit) if (rule.points !== 0) ranked.push({ render: () => rule.reason(facts), points: rule.points });
  for (const contribution of contributions) {
    const points = Math.round(contribution.points);
    if (points === 0) continue;
    ranked.push({ render: () => describeContribution(contribution, facts), points });
  }
  ranked.sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
  const reasons: Reason[] = [];
  if (detour) reasons.push({ text: detour, points: 0 });
  if (held) reasons.push({ text: held, points: 0 });
  for (const item of ranked) {
    if (reasons.length >= limit) break;
    reasons.push({ text: item.render(), points: item.points });
  }
  return reasons;
}

function describeContribution(contribution: Contribution, facts: Facts): string {
  const text = contribution.reason(facts, contribution.values);
  // a rule's reason names the activity; the count says how often it was counted
  if (contribution.kind === 'rule' && contribution.count > 1 && !/\{count\}/.test(text)) return `${text} (${contribution.count}×)`;
  return text;
}

/**
 * The MQL tier shown for the stage the person is in: the tier matched for MQL and beyond, the
 * exclusion's tier for a tier-2 nurture, and none for leads, contacts and the disqualified.
 */
function mqlTierFor(stage: Stage, nurtureTier: number | null, matchedTier: string | null): string | null {
  if (stage === 'nurture') return nurtureTier !== null ? `tier${nurtureTier}` : matchedTier;
  if (stage === 'disqualified' || stage === 'contact' || stage === 'lead') return null;
  return matchedTier;
}

function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

// a batch is scored at one "now": format it once, not once per person
let lastNow = NaN;
let lastIso = '';
function isoAt(now: number): string {
  if (now !== lastNow) {
    lastNow = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

export function toMillis(clock: Clock): number {
  const ms = clock instanceof Date ? clock.getTime() : typeof clock === 'number' ? clock : Date.parse(clock);
  if (!Number.isFinite(ms)) throw new Error(`invalid "now": ${String(clock)}`);
  return ms;
}
