import type { Decision, PreviousState, Priority, Reason } from '../model/decision';
import type { EngagementEvent } from '../model/event';
import type { Person } from '../model/person';
import type { Stage } from '../model/stage';
import type { Rulebook } from '../rulebook/schema';
import { parseDuration } from '../util/duration.util';
import { compileCondition, type Predicate } from './condition';
import { createConditionMemo } from './condition-memo';
import { compileDecayModel, decayClock, horizonStart, type Decay } from './decay';
import { compileEngagementRules, ruleContributions, type Contribution } from './engagement';
import { EVENT_LABELS } from './event-labels';
import { compileEventMatch, matchesAt } from './event-matcher';
import { compilePersonFieldReader, countBant, createAddressSplitter, type Facts } from './facts';
import { applyLifecycle, type StageTarget } from './lifecycle';
import { describeCount, ReasonRanking, reuseByCount } from './reasons';
import { compileSignals, signalContributions } from './signals';
import { compileTemplate } from './template';
import { isBlankText } from './text';
import { createTimelineBuilder, type Timeline } from './timeline';

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

/** What an evaluation leaves behind for `explain`; `evaluate` asks for none of it. */
interface Trace {
  fitMatched: boolean[];
  contributions: Contribution[];
  target: StageTarget;
  sqlPath: SqlPath | null;
  eventsConsidered: number;
  since: number;
  facts: Facts;
}

// what a reason candidate is, for rendering the few that make the list
const FIT_REASON = 0;
const RULE_REASON = 1;
const SIGNAL_REASON = 2;

/**
 * Compiles a validated rulebook once into a pure function
 * `(person, events, previousState, now) → decision`: no I/O, time passed in, events de-duplicated by
 * id, the same inputs always giving the same output.
 */
export function compileRulebook(rulebook: Rulebook): Engine {
  const lists = rulebook.lists;
  const memo = createConditionMemo();
  // the engine's own: the last address split is never another engine's
  const addresses = createAddressSplitter();
  const condition = (c: Parameters<typeof compileCondition>[0]): Predicate => compileCondition(c, lists, memo, addresses.domainOf);

  const decayByGroup = new Map<string, Decay>(Object.entries(rulebook.decay.groups).map(([name, model]) => [name, compileDecayModel(model)]));
  const defaultDecay = compileDecayModel(rulebook.decay.default);
  const decayFor = (group?: string): Decay => (group ? decayByGroup.get(group)! : defaultDecay);
  const horizon = parseDuration(rulebook.decay.horizon);

  const exclusions = rulebook.exclusions.map((exclusion) => ({
    id: exclusion.id,
    when: condition(exclusion.when),
    stage: (exclusion.outcome === 'disqualify' ? 'disqualified' : 'nurture') as Stage,
    // the tier a nurture exclusion shows, as the decision spells it
    mqlTier: exclusion.outcome === 'nurture' ? `tier${exclusion.tier ?? 2}` : null,
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
    ? { tests: stages.sql.fast_track.events.map((match) => compileEventMatch(match)), within: parseDuration(stages.sql.fast_track.within) }
    : null;
  const salesAccepted = stages.sql.sales_accepted ? condition(stages.sql.sales_accepted) : null;
  const priorities = rulebook.priority.map((band) => ({ priority: band.priority as Priority, when: band.when ? condition(band.when) : null }));
  const requiredFields = (rulebook.handoff.required_fields as Array<keyof Person>).map((field) => ({ field, read: compilePersonFieldReader(field) }));
  const { fit_weight: fitWeight, engagement_weight: engagementWeight } = rulebook.score;

  // per-evaluation scratch, this engine's alone, reused because evaluation is synchronous
  const timelines = createTimelineBuilder();
  // numbers this engine's evaluations, for its condition memo (condition-memo.ts); a double stays exact to 2^53
  let evaluations = 0;
  // a batch is scored at one "now": format it once, not once per person
  let lastNow = NaN;
  let lastIso = '';
  const isoAt = (now: number): string => {
    if (now !== lastNow) {
      lastNow = now;
      lastIso = new Date(now).toISOString();
    }
    return lastIso;
  };
  const fitMatched = new Uint8Array(fitRules.length);
  const engagementTally = scoreEngagement.tally;
  const signalTally = detectSignals.tally;
  const ranking = new ReasonRanking();
  const ruleReasons = scoreEngagement.rules.map(({ reason }, r) =>
    reuseByCount(rulebook.engagement.rules[r]!.reason, ['count'], (facts, count) => describeCount(reason(facts, { count }), count)),
  );
  const signalReasons = detectSignals.signals.map(({ reason, window }, s) =>
    reuseByCount(rulebook.engagement.signals[s]!.reason, ['count', 'window'], (facts, count) => reason(facts, { count, window })),
  );
  const renderReason = (kind: number, index: number, facts: Facts): string => {
    if (kind === FIT_REASON) return fitRules[index]!.reason(facts);
    if (kind === RULE_REASON) return ruleReasons[index]!(facts, engagementTally.count[index]!);
    return signalReasons[index]!(facts, signalTally.count[index]!);
  };

  /**
   * One evaluation. The hot path renders no text beyond the top reasons; the breakdown is built
   * only when `explain` passes a trace to fill.
   */
  function run(person: Person, events: readonly EngagementEvent[], previous: PreviousState | null | undefined, clock: Clock, trace: Trace | null): Decision {
    const now = toMillis(clock);
    const at = isoAt(now);
    const facts: Facts = {
      evaluation: ++evaluations,
      person,
      emailDomain: addresses.emailDomainOf(person.email),
      fitScore: 0,
      fitGrade: '',
      engagementScore: 0,
      score: 0,
    };

    // after a recycle, only engagement since then can re-qualify the person
    const recycledAt = previous?.stage === 'nurture' && previous.recycledAt ? Date.parse(previous.recycledAt) : -Infinity;
    // decay and the horizon move once a day (decay.ts), everything else runs on the exact clock
    const fadedAt = decayClock(now);
    const since = Math.max(horizonStart(now, horizon), recycledAt + 1);
    const timeline = timelines.build(events, since, now);
    const eventsConsidered = timeline.length;

    let exclusion: (typeof exclusions)[number] | null = null;
    for (let i = 0; i < exclusions.length; i++) {
      if (exclusions[i]!.when(facts)) {
        exclusion = exclusions[i]!;
        break;
      }
    }
    const excluded = exclusion ? { rule: exclusion.id, reason: exclusion.reason(facts) } : null;

    let fitTotal = 0;
    for (let r = 0; r < fitRules.length; r++) {
      const rule = fitRules[r]!;
      const matched = rule.when(facts);
      fitMatched[r] = matched ? 1 : 0;
      if (matched) fitTotal += rule.points;
    }
    facts.fitScore = clamp(Math.round(fitTotal), 0, rulebook.fit.max);
    facts.fitGrade = gradeOf(facts.fitScore);

    scoreEngagement.score(timeline, fadedAt);
    detectSignals.detect(timeline, fadedAt);
    facts.engagementScore = clamp(Math.round(engagementTotal()), 0, rulebook.engagement.max);
    facts.score = Math.round(facts.fitScore * fitWeight + facts.engagementScore * engagementWeight);

    let tier: (typeof tiers)[number] | null = null;
    for (let i = 0; i < tiers.length; i++) {
      if (tiers[i]!.when(facts)) {
        tier = tiers[i]!;
        break;
      }
    }
    const sqlPath = tier ? findSqlPath(facts, timeline, now) : null;
    const missingForHandoff: string[] = [];
    for (let i = 0; i < requiredFields.length; i++) if (isBlank(requiredFields[i]!.read(facts))) missingForHandoff.push(requiredFields[i]!.field);
    const held = sqlPath !== null && missingForHandoff.length > 0;

    const target = chooseTarget(facts, exclusion ? { stage: exclusion.stage, reason: excluded!.reason } : null, tier, sqlPath, held, missingForHandoff);
    const lifecycle = applyLifecycle(previous, target, at, rulebook.version);

    // the evaluation that recycles someone already counts only engagement from now on, so the next
    // one (with nothing new) gives the same scores instead of dropping them then
    const engagementDropped = lifecycle.recycledAt === at && previous?.recycledAt !== at;
    if (engagementDropped) {
      facts.engagementScore = 0;
      facts.score = Math.round(facts.fitScore * fitWeight);
    }
    const priority: Priority = lifecycle.stage === 'disqualified' ? 'cold' : priorityOf(facts);

    // a detour leads with why: the exclusion, or the recycle rule that sent the person to nurture
    const detourReason = excluded ? excluded.reason : lifecycle.stage === 'nurture' && target.recycle ? target.reason : null;
    const reasons: Reason[] = [];
    if (detourReason) reasons.push({ text: detourReason, points: 0 });
    if (held) reasons.push({ text: `held for handoff: missing ${missingForHandoff.join(', ')}`, points: 0 });
    rankReasons(!engagementDropped);
    ranking.take(reasons, rulebook.reasons.max, facts, renderReason);

    const decision: Decision = {
      personId: person.id,
      stage: lifecycle.stage,
      mqlTier: mqlTierFor(lifecycle.stage, exclusion?.mqlTier ?? null, tier?.id ?? null),
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
    if (trace) {
      trace.fitMatched = Array.from(fitMatched, (flag) => flag === 1);
      trace.contributions = engagementDropped
        ? []
        : [...ruleContributions(scoreEngagement.rules, engagementTally), ...signalContributions(detectSignals.signals, signalTally)];
      trace.target = target;
      trace.sqlPath = sqlPath;
      trace.eventsConsidered = eventsConsidered;
      trace.since = since;
      trace.facts = facts;
    }
    return decision;
  }

  /** The engagement total before rounding, summed in the order contributions are listed: rules, then signals. */
  function engagementTotal(): number {
    let total = 0;
    for (let r = 0; r < engagementTally.count.length; r++) {
      if (engagementTally.count[r] !== 0 || engagementTally.capped[r] !== 0) total += engagementTally.points[r]!;
    }
    for (let s = 0; s < signalTally.fired.length; s++) if (signalTally.fired[s] === 1) total += signalTally.points[s]!;
    return total;
  }

  /** Offers the reason candidates: matched fit rules, then (unless dropped) what engagement earned, rounded. */
  function rankReasons(withEngagement: boolean): void {
    ranking.reset();
    for (let r = 0; r < fitRules.length; r++) if (fitMatched[r] === 1 && fitRules[r]!.points !== 0) ranking.offer(FIT_REASON, r, fitRules[r]!.points);
    if (!withEngagement) return;
    for (let r = 0; r < engagementTally.count.length; r++) {
      if (engagementTally.count[r] === 0 && engagementTally.capped[r] === 0) continue;
      const points = Math.round(engagementTally.points[r]!);
      if (points !== 0) ranking.offer(RULE_REASON, r, points);
    }
    for (let s = 0; s < signalTally.fired.length; s++) {
      if (signalTally.fired[s] === 0) continue;
      const points = Math.round(signalTally.points[s]!);
      if (points !== 0) ranking.offer(SIGNAL_REASON, s, points);
    }
  }

  function explain(trace: Trace): Explanation {
    const { facts } = trace;
    return {
      fitRules: fitRules.map((rule, r) => {
        const matched = trace.fitMatched[r]!;
        return { id: rule.id, matched, points: matched ? rule.points : 0, reason: matched ? rule.reason(facts) : '' };
      }),
      engagement: trace.contributions.map((c) => ({ kind: c.kind, id: c.id, reason: c.reason(facts, c.values), count: c.count, capped: c.capped, points: round1(c.points) })),
      exclusionsChecked: exclusions.map((candidate) => ({ id: candidate.id, matched: candidate.when(facts) })),
      target: trace.target,
      sqlPath: trace.sqlPath?.reason ?? null,
      eventsConsidered: trace.eventsConsidered,
      eventsSince: new Date(Math.max(trace.since, 0)).toISOString(),
    };
  }

  function gradeOf(fitScore: number): string {
    for (let i = 0; i < grades.length; i++) if (fitScore >= grades[i]!.min) return grades[i]!.grade;
    return grades[grades.length - 1]!.grade;
  }

  /** The first priority band that matches; the last has no condition (checked on load). */
  function priorityOf(facts: Facts): Priority {
    let i = 0;
    while (priorities[i]!.when !== null && !priorities[i]!.when!(facts)) i++;
    return priorities[i]!.priority;
  }

  /** Why an MQL is sales-ready, or null: fast track first, then sales acceptance, BANT, threshold. */
  function findSqlPath(facts: Facts, timeline: Timeline, now: number): SqlPath | null {
    if (fastTrack) {
      const { input, order, times } = timeline;
      for (let i = timeline.length - 1; i >= 0 && times[i]! >= now - fastTrack.within; i--) {
        for (let k = 0; k < fastTrack.tests.length; k++) {
          // the SLA clock starts at the request itself, not when we noticed it
          if (matchesAt(fastTrack.tests[k]!, timeline, i)) return { reason: `fast track: ${EVENT_LABELS[input[order[i]!]!.type]}`, at: times[i]! };
        }
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
    for (let i = 0; i < recycles.length; i++) {
      if (recycles[i]!.when(facts)) return { stage: 'nurture', reason: recycles[i]!.reason(facts), recycle: true };
    }
    if (sqlPath && !held) return { stage: 'sql', reason: sqlPath.reason };
    if (tier) return { stage: 'mql', reason: held ? `${tier.label}; held for handoff: missing ${missing.join(', ')}` : tier.label };
    if (isLead(facts)) return { stage: 'lead', reason: 'not excluded and reachable' };
    return { stage: 'contact', reason: 'no lead criteria met' };
  }

  return {
    version: rulebook.version,
    rulebook,
    evaluate: (person, events, previous, now) => run(person, events, previous, now, null),
    explain: (person, events, previous, now) => {
      const trace = {} as Trace;
      const decision = run(person, events, previous, now, trace);
      return { decision, ...explain(trace) };
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

/**
 * The MQL tier shown for the stage the person is in: the tier matched for MQL and beyond, the
 * exclusion's tier for a tier-2 nurture, and none for leads, contacts and the disqualified.
 */
function mqlTierFor(stage: Stage, nurtureTier: string | null, matchedTier: string | null): string | null {
  if (stage === 'nurture') return nurtureTier ?? matchedTier;
  if (stage === 'disqualified' || stage === 'contact' || stage === 'lead') return null;
  return matchedTier;
}

function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && isBlankText(value));
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

export function toMillis(clock: Clock): number {
  const ms = clock instanceof Date ? clock.getTime() : typeof clock === 'number' ? clock : Date.parse(clock);
  if (!Number.isFinite(ms)) throw new Error(`invalid "now": ${String(clock)}`);
  return ms;
}
