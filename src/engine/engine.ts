import type { Decision, PreviousState, Priority, Reason, StageHistoryEntry } from '../model/decision';
import type { EngagementEvent } from '../model/event';
import type { Person } from '../model/person';
import type { Stage } from '../model/stage';
import type { Rulebook } from '../rulebook/schema';
import {
  compileRulebookParts,
  FIT_REASON,
  RULE_REASON,
  SIGNAL_REASON,
  type CompiledExclusion,
  type CompiledPriority,
  type CompiledRulebook,
  type CompiledStages,
  type CompiledTier,
  type RequiredField,
} from './compiled-rulebook';
import { decayClock } from './decay';
import { ruleContributions, type Contribution } from './engagement';
import { EVENT_LABELS } from './event-labels';
import { matchesAt, type CompiledMatch } from './event-matcher';
import { typeCodeOf } from './event-types';
import { countBant, type Facts } from './facts';
import { applyLifecycle, type StageTarget } from './lifecycle';
import { ReasonRanking } from './reasons';
import { signalContributions } from './signals';
import { isBlankText } from './text';
import { createTimelineBuilder, type Timeline, type TimelineBuilder } from './timeline';
import { isTimeZone } from '../util/time-zone.util';

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

/** How an engine is set up besides its rulebook. */
export interface EngineOptions {
  /**
   * The workspace's IANA time zone ("Europe/Berlin"): scores fade, the horizon moves and day counts
   * (`intent.hand_raise_age_days`, `engagement.days_since_last`) turn at its midnight. UTC by default.
   */
  timeZone?: string | undefined;
}

export interface Engine {
  readonly version: string;
  readonly rulebook: Rulebook;
  /** The time zone whose midnight scores fade at (EngineOptions.timeZone). */
  readonly timeZone: string;
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

/**
 * The scratch an engine's evaluations write, one per compiled engine and never shared with
 * another: evaluation is synchronous, so one engine's calls can reuse it, while an evaluation of
 * another engine (even one started from inside this one's, through a person's getter) has its own.
 */
interface Workspace {
  timeZone: string;
  /** Numbers this engine's evaluations, for its condition memo (condition-memo.ts); a double stays exact to 2^53. */
  evaluations: number;
  /** A batch is scored at one "now": the last one seen, formatted once rather than once per person. */
  lastNow: number;
  lastIso: string;
  /** The start of the day of the last "now" in the engine's time zone, computed once per batch too. */
  lastDayNow: number;
  lastDayStart: number;
  timelines: TimelineBuilder;
  /** Which fit rules matched, by index, for the reasons and `explain`. */
  fitMatched: Uint8Array;
  ranking: ReasonRanking;
}

/**
 * Compiles a validated rulebook once into a pure function
 * `(person, events, previousState, now) → decision`: no I/O, time passed in, events de-duplicated by
 * id, the same inputs always giving the same output. Engines share no state: any number may be
 * compiled and used side by side.
 */
export function compileRulebook(rulebook: Rulebook, options: EngineOptions = {}): Engine {
  const timeZone = options.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone)) {
    throw new Error(`invalid time zone ${JSON.stringify(timeZone)}: expected an IANA time zone name such as "Europe/Berlin" or "UTC"`);
  }
  const rules = compileRulebookParts(rulebook);
  const work = createWorkspace(rules, timeZone);
  return {
    version: rulebook.version,
    rulebook,
    timeZone,
    evaluate: (person, events, previous, now) => run(rules, work, person, events, previous, now, null),
    explain: (person, events, previous, now) => {
      const trace = {} as Trace;
      const decision = run(rules, work, person, events, previous, now, trace);
      return { decision, ...explainTrace(rules, trace) };
    },
  };
}

/** Scratch sized for this rulebook, so the hot path allocates no buffers. */
function createWorkspace(rules: CompiledRulebook, timeZone: string): Workspace {
  return {
    timeZone,
    evaluations: 0,
    lastNow: NaN,
    lastIso: '',
    lastDayNow: NaN,
    lastDayStart: NaN,
    timelines: createTimelineBuilder(),
    fitMatched: new Uint8Array(rules.fitRules.length),
    ranking: new ReasonRanking(),
  };
}

/**
 * One evaluation. The hot path renders no text beyond the top reasons; the breakdown is built
 * only when `explain` passes a trace to fill.
 */
function run(
  rules: CompiledRulebook,
  work: Workspace,
  person: Person,
  events: readonly EngagementEvent[],
  previous: PreviousState | null | undefined,
  clock: Clock,
  trace: Trace | null,
): Decision {
  const { rulebook } = rules;
  const now = toMillis(clock);
  const at = isoAt(work, now);
  const facts = startFacts(rules, work, person);
  // decay, the horizon and day counts move once a day, at the workspace's midnight (decay.ts);
  // everything else runs on the exact clock
  const today = dayStartOf(work, now);
  const since = countingSince(rules, previous, today);
  const timeline = work.timelines.build(events, since, now);
  facts.handRaiseAgeDays = daysSinceLast(timeline, today, rules.handRaise, rules.handRaiseTypeMask);
  facts.daysSinceEngagement = daysSinceLast(timeline, today, null, rules.engagementTypeMask);

  const exclusion = firstExclusion(rules.exclusions, facts);
  const excluded = exclusion ? { rule: exclusion.id, reason: exclusion.reason(facts) } : null;
  scoreFit(rules, work.fitMatched, facts);
  scoreEngagement(rules, facts, timeline, today);

  const tier = firstTier(rules.stages.tiers, facts);
  const sqlPath = tier ? findSqlPath(rules.stages, facts, timeline, now) : null;
  const missingForHandoff = missingFields(rules.requiredFields, facts);
  const held = sqlPath !== null && missingForHandoff.length > 0;
  const detour = exclusion ? { stage: exclusion.stage, reason: excluded!.reason } : null;
  const target = chooseTarget(rules, facts, previous, timeline, detour, tier, sqlPath, held, missingForHandoff);
  const lifecycle = applyLifecycle(previous, target, at, rulebook.version);

  // the evaluation that recycles someone already counts only engagement from now on, so the next
  // one (with nothing new) gives the same scores instead of dropping them then
  const engagementDropped = lifecycle.recycledAt === at && previous?.recycledAt !== at;
  if (engagementDropped) dropEngagement(rules, facts);
  const priority = priorityFor(lifecycle.stage, rules.priorities, facts);
  const reasons = listReasons(
    rules,
    work,
    facts,
    detourReasonFor(lifecycle.stage, excluded, target, lifecycle.history),
    held ? missingForHandoff : null,
    !engagementDropped,
    behavioursLead(rules, facts, lifecycle.stage, sqlPath),
  );

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
    heldForHandoff: held && lifecycle.stage === 'mql',
    transition: lifecycle.transition,
    rulebookVersion: rulebook.version,
    enteredAt: lifecycle.enteredAt,
    recycledAt: lifecycle.recycledAt,
    history: lifecycle.history,
    slaStartAt: slaStartFor(lifecycle.stage, lifecycle.transition?.to === 'sql', sqlPath, previous),
  };
  if (trace) fillTrace(trace, rules, work, facts, engagementDropped, target, sqlPath, timeline.length, since);
  return decision;
}

/** The facts conditions read, numbered for this engine's condition memo; scores are filled in as they are computed. */
function startFacts(rules: CompiledRulebook, work: Workspace, person: Person): Facts {
  return {
    evaluation: ++work.evaluations,
    person,
    emailDomain: rules.emailDomainOf(person.email),
    fitScore: 0,
    fitGrade: '',
    engagementScore: 0,
    score: 0,
    handRaiseAgeDays: null,
    daysSinceEngagement: null,
  };
}

/** The start of today in the engine's time zone, computed once per "now" (a batch shares one). */
function dayStartOf(work: Workspace, now: number): number {
  if (now !== work.lastDayNow) {
    work.lastDayNow = now;
    work.lastDayStart = decayClock(now, work.timeZone);
  }
  return work.lastDayStart;
}

/**
 * Whole days from the latest event whose type is in `typeMask` (and, given `matches`, that passes
 * one of them) to today: 0 for an event from today, days of 24 hours counted back from the start of
 * today in the workspace's zone; null when no such event counts. The mask is tested first, so most
 * events cost one bit test.
 */
function daysSinceLast(timeline: Timeline, today: number, matches: readonly CompiledMatch[] | null, typeMask: number): number | null {
  const { times, types } = timeline;
  for (let i = timeline.length - 1; i >= 0; i--) {
    if (((typeMask >>> types[i]!) & 1) === 0) continue;
    let found = matches === null;
    for (let k = 0; !found && k < matches!.length; k++) found = matchesAt(matches![k]!, timeline, i);
    if (found) return times[i]! >= today ? 0 : Math.ceil((today - times[i]!) / DAY_MS);
  }
  return null;
}

/** The oldest moment engagement counts from: the horizon (from the start of today), or after a recycle only what came since. */
function countingSince(rules: CompiledRulebook, previous: PreviousState | null | undefined, today: number): number {
  const recycledAt = previous?.stage === 'nurture' && previous.recycledAt ? Date.parse(previous.recycledAt) : -Infinity;
  return Math.max(today - rules.horizon, recycledAt + 1);
}

/** The first exclusion that matches decides the detour; later ones are not tested. */
function firstExclusion(exclusions: readonly CompiledExclusion[], facts: Facts): CompiledExclusion | null {
  for (let i = 0; i < exclusions.length; i++) if (exclusions[i]!.when(facts)) return exclusions[i]!;
  return null;
}

/** Fit score and grade into the facts, and which rules matched into `fitMatched` for the reasons. */
function scoreFit(rules: CompiledRulebook, fitMatched: Uint8Array, facts: Facts): void {
  const { fitRules } = rules;
  let fitTotal = 0;
  for (let r = 0; r < fitRules.length; r++) {
    const rule = fitRules[r]!;
    const matched = rule.when(facts);
    fitMatched[r] = matched ? 1 : 0;
    if (matched) fitTotal += rule.points;
  }
  facts.fitScore = clamp(Math.round(fitTotal), 0, rules.rulebook.fit.max);
  facts.fitGrade = gradeOf(rules.rulebook.fit.grades, facts.fitScore);
}

/** Engagement rules and signals over the timeline into their tallies, and the engagement and total scores into the facts. */
function scoreEngagement(rules: CompiledRulebook, facts: Facts, timeline: Timeline, fadedAt: number): void {
  rules.engagement.score(timeline, fadedAt);
  rules.signals.detect(timeline, fadedAt);
  const { score, engagement } = rules.rulebook;
  facts.engagementScore = clamp(Math.round(engagementTotal(rules)), 0, engagement.max);
  facts.score = Math.round(facts.fitScore * score.fit_weight + facts.engagementScore * score.engagement_weight);
}

/** A recycle counts no engagement from before it: the scores fall back to fit alone. */
function dropEngagement(rules: CompiledRulebook, facts: Facts): void {
  facts.engagementScore = 0;
  facts.score = Math.round(facts.fitScore * rules.rulebook.score.fit_weight);
}

/** The engagement total before rounding, summed in the order contributions are listed: rules, then signals. */
function engagementTotal(rules: CompiledRulebook): number {
  const engagementTally = rules.engagement.tally;
  const signalTally = rules.signals.tally;
  let total = 0;
  for (let r = 0; r < engagementTally.count.length; r++) {
    if (engagementTally.count[r] !== 0 || engagementTally.capped[r] !== 0) total += engagementTally.points[r]!;
  }
  for (let s = 0; s < signalTally.fired.length; s++) if (signalTally.fired[s] === 1) total += signalTally.points[s]!;
  return total;
}

/** The first MQL tier that matches, or null: tiers are listed from the best down. */
function firstTier(tiers: readonly CompiledTier[], facts: Facts): CompiledTier | null {
  for (let i = 0; i < tiers.length; i++) if (tiers[i]!.when(facts)) return tiers[i]!;
  return null;
}

/** The required fields that are blank: sales gets no lead it cannot work. */
function missingFields(requiredFields: readonly RequiredField[], facts: Facts): string[] {
  const missing: string[] = [];
  for (let i = 0; i < requiredFields.length; i++) if (isBlank(requiredFields[i]!.read(facts))) missing.push(requiredFields[i]!.field);
  return missing;
}

const FIT_KINDS = 1 << FIT_REASON;
const BEHAVIOUR_KINDS = (1 << RULE_REASON) | (1 << SIGNAL_REASON);

/**
 * The decision's reasons: the detour and the handoff hold first, then fit and behaviour sharing the
 * rest of the rulebook's limit, each its best by points: the group that explains the stage first
 * (`behavioursFirst`) and with the larger half; a group with fewer candidates leaves its room to
 * the other.
 */
function listReasons(
  rules: CompiledRulebook,
  work: Workspace,
  facts: Facts,
  detourReason: string | null,
  heldFor: readonly string[] | null,
  withEngagement: boolean,
  behavioursFirst: boolean,
): Reason[] {
  const reasons: Reason[] = [];
  if (detourReason) reasons.push({ text: detourReason, points: 0 });
  if (heldFor) reasons.push({ text: `held for handoff: missing ${heldFor.join(', ')}`, points: 0 });
  offerReasons(rules, work, withEngagement);
  const { ranking } = work;
  const room = rules.rulebook.reasons.max - reasons.length;
  if (room <= 0) return reasons;
  const first = behavioursFirst ? BEHAVIOUR_KINDS : FIT_KINDS;
  const second = behavioursFirst ? FIT_KINDS : BEHAVIOUR_KINDS;
  const secondTake = Math.min(ranking.count(second), room - Math.min(ranking.count(first), Math.ceil(room / 2)));
  const firstTake = Math.min(ranking.count(first), room - secondTake);
  ranking.take(reasons, reasons.length + firstTake, facts, rules.renderReason, first);
  ranking.take(reasons, reasons.length + secondTake, facts, rules.renderReason, second);
  return reasons;
}

/**
 * Behaviour explains the stage when engagement made the SQL (fast track or threshold), or, short of
 * that, when it weighs more in the total score than fit does.
 */
function behavioursLead(rules: CompiledRulebook, facts: Facts, stage: Stage, sqlPath: SqlPath | null): boolean {
  if (stage === 'sql' && sqlPath !== null) return sqlPath.byEngagement;
  const { score } = rules.rulebook;
  return facts.engagementScore * score.engagement_weight > facts.fitScore * score.fit_weight;
}

/**
 * Why a person sits in a detour, as their first reason: the exclusion, the recycle that sent them
 * to nurture now, or (when they stay) the reason recorded when they entered it.
 */
function detourReasonFor(
  stage: Stage,
  excluded: { reason: string } | null,
  target: StageTarget,
  history: readonly StageHistoryEntry[],
): string | null {
  if (excluded) return excluded.reason;
  if (stage !== 'nurture' && stage !== 'disqualified') return null;
  if (target.stage === stage) return target.reason;
  for (let i = history.length - 1; i >= 0; i--) if (history[i]!.stage === stage) return history[i]!.reason;
  return null;
}

/**
 * Priority ranks the people sales should act on now: the first band that matches, except that a
 * person in nurture is at most warm (marketing's, not sales' today) and a disqualified one cold.
 */
function priorityFor(stage: Stage, priorities: readonly CompiledPriority[], facts: Facts): Priority {
  if (stage === 'disqualified') return 'cold';
  const priority = priorityOf(priorities, facts);
  return stage === 'nurture' && priority === 'hot' ? 'warm' : priority;
}

/** Offers the reason candidates: matched fit rules, then (unless dropped) what engagement earned, rounded. */
function offerReasons(rules: CompiledRulebook, work: Workspace, withEngagement: boolean): void {
  const { ranking, fitMatched } = work;
  const { fitRules } = rules;
  ranking.reset();
  for (let r = 0; r < fitRules.length; r++) if (fitMatched[r] === 1 && fitRules[r]!.points !== 0) ranking.offer(FIT_REASON, r, fitRules[r]!.points);
  if (!withEngagement) return;
  const engagementTally = rules.engagement.tally;
  for (let r = 0; r < engagementTally.count.length; r++) {
    if (engagementTally.count[r] === 0 && engagementTally.capped[r] === 0) continue;
    const points = Math.round(engagementTally.points[r]!);
    if (points !== 0) ranking.offer(RULE_REASON, r, points);
  }
  const signalTally = rules.signals.tally;
  for (let s = 0; s < signalTally.fired.length; s++) {
    if (signalTally.fired[s] === 0) continue;
    const points = Math.round(signalTally.points[s]!);
    if (points !== 0) ranking.offer(SIGNAL_REASON, s, points);
  }
}

/** Copies out of the scratch what `explain` shows, before the next evaluation overwrites it. */
function fillTrace(
  trace: Trace,
  rules: CompiledRulebook,
  work: Workspace,
  facts: Facts,
  engagementDropped: boolean,
  target: StageTarget,
  sqlPath: SqlPath | null,
  eventsConsidered: number,
  since: number,
): void {
  trace.fitMatched = Array.from(work.fitMatched, (flag) => flag === 1);
  trace.contributions = engagementDropped
    ? []
    : [...ruleContributions(rules.engagement.rules, rules.engagement.tally), ...signalContributions(rules.signals.signals, rules.signals.tally)];
  trace.target = target;
  trace.sqlPath = sqlPath;
  trace.eventsConsidered = eventsConsidered;
  trace.since = since;
  trace.facts = facts;
}

/** The breakdown beside the decision: every rule checked and what it gave. */
function explainTrace(rules: CompiledRulebook, trace: Trace): Explanation {
  const { facts } = trace;
  return {
    fitRules: rules.fitRules.map((rule, r) => {
      const matched = trace.fitMatched[r]!;
      return { id: rule.id, matched, points: matched ? rule.points : 0, reason: matched ? rule.reason(facts) : '' };
    }),
    engagement: trace.contributions.map((c) => ({ kind: c.kind, id: c.id, reason: c.reason(facts, c.values), count: c.count, capped: c.capped, points: round1(c.points) })),
    exclusionsChecked: rules.exclusions.map((candidate) => ({ id: candidate.id, matched: candidate.when(facts) })),
    target: trace.target,
    sqlPath: trace.sqlPath?.reason ?? null,
    eventsConsidered: trace.eventsConsidered,
    eventsSince: new Date(Math.max(trace.since, 0)).toISOString(),
  };
}

/** The first grade band the fit score reaches; the last catches the rest. */
function gradeOf(grades: Rulebook['fit']['grades'], fitScore: number): string {
  for (let i = 0; i < grades.length; i++) if (fitScore >= grades[i]!.min) return grades[i]!.grade;
  return grades[grades.length - 1]!.grade;
}

/** The first priority band that matches; the last has no condition (checked on load). */
function priorityOf(priorities: readonly CompiledPriority[], facts: Facts): Priority {
  let i = 0;
  while (priorities[i]!.when !== null && !priorities[i]!.when!(facts)) i++;
  return priorities[i]!.priority;
}

/** Why an MQL is sales-ready, or null: fast track first, then sales acceptance, BANT, threshold. */
function findSqlPath(stages: CompiledStages, facts: Facts, timeline: Timeline, now: number): SqlPath | null {
  const { fastTrack, bant, engagementThreshold: threshold } = stages;
  if (fastTrack) {
    const { input, order, times } = timeline;
    for (let i = timeline.length - 1; i >= 0 && times[i]! >= now - fastTrack.within; i--) {
      for (let k = 0; k < fastTrack.tests.length; k++) {
        // the SLA clock starts at the request itself, not when we noticed it
        if (matchesAt(fastTrack.tests[k]!, timeline, i)) {
          return { reason: `fast track: ${EVENT_LABELS[input[order[i]!]!.type]}`, at: times[i]!, byEngagement: true };
        }
      }
    }
  }
  if (stages.salesAccepted?.(facts)) return { reason: 'accepted by sales', at: now, byEngagement: false };
  if (bant) {
    const yes = countBant(facts.person, true);
    if (yes >= bant.min_yes) return { reason: `BANT qualified (${yes} of 4)`, at: now, byEngagement: false };
  }
  if (threshold !== null && facts.engagementScore >= threshold) {
    return { reason: `engagement ${facts.engagementScore} reached the SQL threshold of ${threshold}`, at: now, byEngagement: true };
  }
  return null;
}

/**
 * Where the facts put the person: CRM facts first, then exclusion, recycle (a recycle rule, or the
 * SLA cadence that ended with no outcome), SQL, MQL, lead, contact.
 *
 * A recycle is the rep's verdict on the person as they were: it holds while nothing new happens,
 * and later engagement can qualify them again. So a recycle rule that still matches does not keep
 * someone in nurture once engagement since the recycle qualifies them, nor sends them back once
 * they have re-qualified (until the rep gives another verdict); and a person recycled by the SLA
 * stays in nurture until engagement since the recycle qualifies them.
 */
function chooseTarget(
  rules: CompiledRulebook,
  facts: Facts,
  previous: PreviousState | null | undefined,
  timeline: Timeline,
  exclusion: { stage: Stage; reason: string } | null,
  tier: { id: string; label: string } | null,
  sqlPath: SqlPath | null,
  held: boolean,
  missing: string[],
): StageTarget {
  const crm = crmStageOf(facts.person);
  if (crm) return crm;
  if (exclusion) return exclusion;
  const { stages, slaExpiry } = rules;
  const recycledFor = previous?.stage === 'nurture' && previous.recycledAt ? lastReasonIn(previous.history, 'nurture') : null;
  // engagement since the recycle (the timeline holds nothing older) qualifies them for MQL or better
  const engagedSince = recycledFor !== null && facts.daysSinceEngagement !== null && (tier !== null || sqlPath !== null);
  const { recycles } = stages;
  for (let i = 0; i < recycles.length; i++) {
    if (!recycles[i]!.when(facts)) continue;
    const reason = recycles[i]!.reason(facts);
    if (reason === recycledFor && engagedSince) continue;
    if (recycledFor === null && verdictSpent(previous, reason)) continue;
    return { stage: 'nurture', reason, recycle: true };
  }
  if (recycledFor === slaExpiry.reason && !engagedSince) return { stage: slaExpiry.stage, reason: slaExpiry.reason, recycle: true };
  if (slaExpired(previous, timeline) && !repQualified(stages, facts)) return { stage: slaExpiry.stage, reason: slaExpiry.reason, recycle: true };
  if (sqlPath && !held) return { stage: 'sql', reason: sqlPath.reason };
  if (tier) return { stage: 'mql', reason: held ? `${tier.label}; held for handoff: missing ${missing.join(', ')}` : tier.label };
  if (stages.isLead(facts)) return { stage: 'lead', reason: 'not excluded and reachable' };
  return { stage: 'contact', reason: 'no lead criteria met' };
}

const SLA_EXPIRED = typeCodeOf('sla_expired');

/** An SQL whose SLA cadence ended with no outcome: an `sla_expired` event after their SLA started. */
function slaExpired(previous: PreviousState | null | undefined, timeline: Timeline): boolean {
  if (previous?.stage !== 'sql') return false;
  const started = previous.slaStartAt ?? previous.enteredAt?.sql;
  if (!started) return false;
  const startMs = Date.parse(started);
  const { times, types } = timeline;
  for (let i = timeline.length - 1; i >= 0 && times[i]! > startMs; i--) if (types[i] === SLA_EXPIRED) return true;
  return false;
}

/** The reason of the latest history entry for `stage`, or null. */
function lastReasonIn(history: readonly StageHistoryEntry[] | undefined, stage: Stage): string | null {
  if (!history) return null;
  for (let i = history.length - 1; i >= 0; i--) if (history[i]!.stage === stage) return history[i]!.reason;
  return null;
}

/** Whether the person was recycled for `reason` and has re-qualified since: that verdict was spent. */
function verdictSpent(previous: PreviousState | null | undefined, reason: string): boolean {
  const history = previous?.history;
  if (!history) return false;
  let leftSince = false;
  for (let i = history.length - 1; i >= 0; i--) {
    const entry = history[i]!;
    if (entry.stage !== 'nurture') leftSince = true;
    else if (entry.reason === reason) return leftSince;
  }
  return false;
}

/** Why a person is sales-ready, and since when (the SLA clock starts there). */
interface SqlPath {
  reason: string;
  at: number;
  /** Engagement made the SQL (fast track or threshold): behaviours explain it. */
  byEngagement: boolean;
}

/** The rep's outcome says qualified (sales accepted it, or BANT): it outranks an SLA expiry. */
function repQualified(stages: CompiledStages, facts: Facts): boolean {
  if (stages.salesAccepted?.(facts)) return true;
  return stages.bant !== null && countBant(facts.person, true) >= stages.bant.min_yes;
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

const DAY_MS = 86_400_000;

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** `now` as ISO text, formatted once per batch: the workspace keeps the last one. */
function isoAt(work: Workspace, now: number): string {
  if (now !== work.lastNow) {
    work.lastNow = now;
    work.lastIso = new Date(now).toISOString();
  }
  return work.lastIso;
}

export function toMillis(clock: Clock): number {
  const ms = clock instanceof Date ? clock.getTime() : typeof clock === 'number' ? clock : Date.parse(clock);
  if (!Number.isFinite(ms)) throw new Error(`invalid "now": ${String(clock)}`);
  return ms;
}
