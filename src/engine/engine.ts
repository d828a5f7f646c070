import type { Decision, PreviousState, Priority, Reason } from '../model/decision';
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
import { decayClock, horizonStart } from './decay';
import { ruleContributions, type Contribution } from './engagement';
import { EVENT_LABELS } from './event-labels';
import { matchesAt } from './event-matcher';
import { countBant, type Facts } from './facts';
import { applyLifecycle, type StageTarget } from './lifecycle';
import { ReasonRanking } from './reasons';
import { signalContributions } from './signals';
import { isBlankText } from './text';
import { createTimelineBuilder, type Timeline, type TimelineBuilder } from './timeline';

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

/**
 * The scratch an engine's evaluations write, one per compiled engine and never shared with
 * another: evaluation is synchronous, so one engine's calls can reuse it, while an evaluation of
 * another engine (even one started from inside this one's, through a person's getter) has its own.
 */
interface Workspace {
  /** Numbers this engine's evaluations, for its condition memo (condition-memo.ts); a double stays exact to 2^53. */
  evaluations: number;
  /** A batch is scored at one "now": the last one seen, formatted once rather than once per person. */
  lastNow: number;
  lastIso: string;
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
export function compileRulebook(rulebook: Rulebook): Engine {
  const rules = compileRulebookParts(rulebook);
  const work = createWorkspace(rules);
  return {
    version: rulebook.version,
    rulebook,
    evaluate: (person, events, previous, now) => run(rules, work, person, events, previous, now, null),
    explain: (person, events, previous, now) => {
      const trace = {} as Trace;
      const decision = run(rules, work, person, events, previous, now, trace);
      return { decision, ...explainTrace(rules, trace) };
    },
  };
}

/** Scratch sized for this rulebook, so the hot path allocates no buffers. */
function createWorkspace(rules: CompiledRulebook): Workspace {
  return {
    evaluations: 0,
    lastNow: NaN,
    lastIso: '',
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
  const since = countingSince(rules, previous, now);
  const timeline = work.timelines.build(events, since, now);

  const exclusion = firstExclusion(rules.exclusions, facts);
  const excluded = exclusion ? { rule: exclusion.id, reason: exclusion.reason(facts) } : null;
  scoreFit(rules, work.fitMatched, facts);
  // decay and the horizon move once a day (decay.ts), everything else runs on the exact clock
  scoreEngagement(rules, facts, timeline, decayClock(now));

  const tier = firstTier(rules.stages.tiers, facts);
  const sqlPath = tier ? findSqlPath(rules.stages, facts, timeline, now) : null;
  const missingForHandoff = missingFields(rules.requiredFields, facts);
  const held = sqlPath !== null && missingForHandoff.length > 0;
  const detour = exclusion ? { stage: exclusion.stage, reason: excluded!.reason } : null;
  const target = chooseTarget(rules.stages, facts, detour, tier, sqlPath, held, missingForHandoff);
  const lifecycle = applyLifecycle(previous, target, at, rulebook.version);

  // the evaluation that recycles someone already counts only engagement from now on, so the next
  // one (with nothing new) gives the same scores instead of dropping them then
  const engagementDropped = lifecycle.recycledAt === at && previous?.recycledAt !== at;
  if (engagementDropped) dropEngagement(rules, facts);
  const priority: Priority = lifecycle.stage === 'disqualified' ? 'cold' : priorityOf(rules.priorities, facts);
  // a detour leads with why: the exclusion, or the recycle rule that sent the person to nurture
  const detourReason = excluded ? excluded.reason : lifecycle.stage === 'nurture' && target.recycle ? target.reason : null;
  const reasons = listReasons(rules, work, facts, detourReason, held ? missingForHandoff : null, !engagementDropped);

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
  };
}

/** The oldest moment engagement counts from: the horizon, or after a recycle only what came since. */
function countingSince(rules: CompiledRulebook, previous: PreviousState | null | undefined, now: number): number {
  const recycledAt = previous?.stage === 'nurture' && previous.recycledAt ? Date.parse(previous.recycledAt) : -Infinity;
  return Math.max(horizonStart(now, rules.horizon), recycledAt + 1);
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

/** The decision's reasons: the detour and the handoff hold first, then the ranked candidates up to the rulebook's limit. */
function listReasons(
  rules: CompiledRulebook,
  work: Workspace,
  facts: Facts,
  detourReason: string | null,
  heldFor: readonly string[] | null,
  withEngagement: boolean,
): Reason[] {
  const reasons: Reason[] = [];
  if (detourReason) reasons.push({ text: detourReason, points: 0 });
  if (heldFor) reasons.push({ text: `held for handoff: missing ${heldFor.join(', ')}`, points: 0 });
  offerReasons(rules, work, withEngagement);
  work.ranking.take(reasons, rules.rulebook.reasons.max, facts, rules.renderReason);
  return reasons;
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
        if (matchesAt(fastTrack.tests[k]!, timeline, i)) return { reason: `fast track: ${EVENT_LABELS[input[order[i]!]!.type]}`, at: times[i]! };
      }
    }
  }
  if (stages.salesAccepted?.(facts)) return { reason: 'accepted by sales', at: now };
  if (bant) {
    const yes = countBant(facts.person, true);
    if (yes >= bant.min_yes) return { reason: `BANT qualified (${yes} of 4)`, at: now };
  }
  if (threshold !== null && facts.engagementScore >= threshold) {
    return { reason: `engagement ${facts.engagementScore} reached the SQL threshold of ${threshold}`, at: now };
  }
  return null;
}

/** Where the facts put the person: CRM facts first, then exclusion, recycle, SQL, MQL, lead, contact. */
function chooseTarget(
  stages: CompiledStages,
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
  const { recycles } = stages;
  for (let i = 0; i < recycles.length; i++) {
    if (recycles[i]!.when(facts)) return { stage: 'nurture', reason: recycles[i]!.reason(facts), recycle: true };
  }
  if (sqlPath && !held) return { stage: 'sql', reason: sqlPath.reason };
  if (tier) return { stage: 'mql', reason: held ? `${tier.label}; held for handoff: missing ${missing.join(', ')}` : tier.label };
  if (stages.isLead(facts)) return { stage: 'lead', reason: 'not excluded and reachable' };
  return { stage: 'contact', reason: 'no lead criteria met' };
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
