import type { Priority } from '../model/decision';
import type { Person } from '../model/person';
import type { Stage } from '../model/stage';
import type { Condition, Rulebook } from '../rulebook/schema';
import { parseDuration } from '../util/duration.util';
import { compileCondition, type Predicate } from './condition';
import { createConditionMemo } from './condition-memo';
import { compileDecayModel, type Decay } from './decay';
import { compileEngagementRules, type EngagementScorer } from './engagement';
import { EVENT_TYPES } from '../model/event';
import { compileEventMatch, type CompiledMatch } from './event-matcher';
import { typeMaskOf } from './event-types';
import { compilePersonFieldReader, createAddressSplitter, type AddressSplitter, type Facts, type FieldReader } from './facts';
import { describeCount, reuseByCount, type CountedReason } from './reasons';
import { compileSignals, type SignalDetector } from './signals';
import { compileTemplate, type RenderTemplate } from './template';

/**
 * A rulebook compiled once into closures and arrays, for one engine. Nothing here is shared with
 * another engine: the parts that keep scratch between calls (the condition memo, the address
 * splitter, the engagement and signal tallies) are created afresh by each `compileRulebookParts`.
 */
export interface CompiledRulebook {
  rulebook: Rulebook;
  /** How far back engagement counts, in milliseconds. */
  horizon: number;
  exclusions: CompiledExclusion[];
  fitRules: CompiledFitRule[];
  engagement: EngagementScorer;
  signals: SignalDetector;
  stages: CompiledStages;
  priorities: CompiledPriority[];
  requiredFields: RequiredField[];
  /** What counts as a hand-raise for `intent.hand_raise_age_days`: the fast-track events, or the usual requests. */
  handRaise: CompiledMatch[];
  /** Every type any hand-raise match names: a quick test before the matches. */
  handRaiseTypeMask: number;
  /** Type codes that count as engagement for `engagement.days_since_last`: not the negative signs, not internal events. */
  engagementTypeMask: number;
  /** Where an SQL goes when its SLA cadence ended with no outcome (`sla.on_expiry`). */
  slaExpiry: { stage: Stage; reason: string };
  /** The person's email domain for the facts, split by this engine's address splitter. */
  emailDomainOf: AddressSplitter['emailDomainOf'];
  /** Renders a ranked reason candidate (FIT_REASON, RULE_REASON, SIGNAL_REASON) from this evaluation's tallies. */
  renderReason: (kind: number, index: number, facts: Facts) => string;
}

export interface CompiledExclusion {
  id: string;
  when: Predicate;
  stage: Stage;
  /** The tier a nurture exclusion shows, as the decision spells it. */
  mqlTier: string | null;
  reason: RenderTemplate;
}

export interface CompiledFitRule {
  id: string;
  when: Predicate;
  points: number;
  reason: RenderTemplate;
}

export interface CompiledTier {
  id: string;
  label: string;
  when: Predicate;
}

export interface CompiledRecycle {
  id: string;
  when: Predicate;
  reason: RenderTemplate;
}

/** Fast-track events and how recent they must be. */
export interface FastTrack {
  tests: CompiledMatch[];
  within: number;
}

export interface CompiledStages {
  isLead: Predicate;
  tiers: CompiledTier[];
  recycles: CompiledRecycle[];
  fastTrack: FastTrack | null;
  salesAccepted: Predicate | null;
  bant: { min_yes: number } | null;
  engagementThreshold: number | null;
}

export interface CompiledPriority {
  priority: Priority;
  /** Null for the last band, the default (checked on load). */
  when: Predicate | null;
}

export interface RequiredField {
  field: keyof Person;
  read: FieldReader;
}

/** A hand-raise when the rulebook has no fast track: asked for a demo, trial, consultation or quote, or for sales to get in touch. */
const HAND_RAISE_TYPES = ['demo_request', 'trial_signup', 'consultation_request', 'quote_request', 'contact_sales'] as const;
/** Signs of no intent: they are no engagement to be recent about. */
const NOT_ENGAGEMENT_TYPES: readonly string[] = ['unsubscribe', 'hard_bounce', 'spam_complaint'];

// what a reason candidate is, for rendering the few that make the list
export const FIT_REASON = 0;
export const RULE_REASON = 1;
export const SIGNAL_REASON = 2;

type CompileCondition = (condition: Condition) => Predicate;
type DecayFor = (group?: string) => Decay;

/** Compiles every part of a validated rulebook once, so an evaluation only calls closures and reads arrays. */
export function compileRulebookParts(rulebook: Rulebook): CompiledRulebook {
  const addresses = createAddressSplitter();
  const condition = conditionCompiler(rulebook.lists, addresses);
  const decayFor = compileDecayGroups(rulebook.decay);
  // compiled in rulebook order, as before the split: the memo numbers its slots in this order
  const exclusions = compileExclusions(rulebook.exclusions, condition);
  const fitRules = compileFitRules(rulebook.fit.rules, condition);
  const engagement = compileEngagementRules(rulebook, decayFor);
  const signals = compileSignals(rulebook, decayFor);
  const handRaise = (rulebook.stages.sql.fast_track?.events ?? [{ types: [...HAND_RAISE_TYPES] }]).map((match) => compileEventMatch(match));
  return {
    rulebook,
    horizon: parseDuration(rulebook.decay.horizon),
    exclusions,
    fitRules,
    engagement,
    signals,
    stages: compileStages(rulebook.stages, condition),
    priorities: compilePriorities(rulebook.priority, condition),
    requiredFields: compileRequiredFields(rulebook.handoff.required_fields),
    handRaise,
    handRaiseTypeMask: handRaise.reduce((mask, match) => mask | match.typeMask, 0),
    engagementTypeMask: typeMaskOf(EVENT_TYPES.filter((type) => !NOT_ENGAGEMENT_TYPES.includes(type))),
    slaExpiry: { stage: rulebook.sla.on_expiry.stage, reason: rulebook.sla.on_expiry.reason },
    emailDomainOf: addresses.emailDomainOf,
    renderReason: compileReasonRenderer(rulebook, fitRules, engagement, signals),
  };
}

/** All of an engine's conditions share one memo and one address splitter, so they share string work within an evaluation. */
function conditionCompiler(lists: Rulebook['lists'], addresses: AddressSplitter): CompileCondition {
  const memo = createConditionMemo();
  return (condition) => compileCondition(condition, lists, memo, addresses.domainOf);
}

/** Decay models reduced to constants once, looked up by group name while rules and signals compile. */
function compileDecayGroups(decay: Rulebook['decay']): DecayFor {
  const byGroup = new Map<string, Decay>(Object.entries(decay.groups).map(([name, model]) => [name, compileDecayModel(model)]));
  const fallback = compileDecayModel(decay.default);
  return (group) => (group ? byGroup.get(group)! : fallback);
}

/** Exclusions carry the detour's stage and tier ready-made, so a match needs no further lookup. */
function compileExclusions(exclusions: Rulebook['exclusions'], condition: CompileCondition): CompiledExclusion[] {
  return exclusions.map((exclusion) => ({
    id: exclusion.id,
    when: condition(exclusion.when),
    stage: exclusion.outcome === 'disqualify' ? 'disqualified' : 'nurture',
    mqlTier: exclusion.outcome === 'nurture' ? `tier${exclusion.tier ?? 2}` : null,
    reason: compileTemplate(exclusion.reason),
  }));
}

/** Fit rules with their reasons compiled, rendered only for the rules that make the reason list. */
function compileFitRules(rules: Rulebook['fit']['rules'], condition: CompileCondition): CompiledFitRule[] {
  return rules.map((rule) => ({ id: rule.id, when: condition(rule.when), points: rule.points, reason: compileTemplate(rule.reason) }));
}

/** The stage conditions, with the optional SQL paths as null or a number so evaluation tests them cheaply. */
function compileStages(stages: Rulebook['stages'], condition: CompileCondition): CompiledStages {
  const { sql } = stages;
  return {
    isLead: condition(stages.lead.when),
    tiers: stages.mql.tiers.map((tier) => ({ id: tier.id, label: tier.label, when: condition(tier.when) })),
    recycles: stages.recycle.map((rule) => ({ id: rule.id, when: condition(rule.when), reason: compileTemplate(rule.reason) })),
    fastTrack: sql.fast_track ? { tests: sql.fast_track.events.map((match) => compileEventMatch(match)), within: parseDuration(sql.fast_track.within) } : null,
    salesAccepted: sql.sales_accepted ? condition(sql.sales_accepted) : null,
    bant: sql.bant ?? null,
    engagementThreshold: sql.engagement_threshold ?? null,
  };
}

/** Priority bands in order; the last has no condition. */
function compilePriorities(bands: Rulebook['priority'], condition: CompileCondition): CompiledPriority[] {
  return bands.map((band) => ({ priority: band.priority as Priority, when: band.when ? condition(band.when) : null }));
}

/** A reader per handoff field, so the check does no lookup by name per person. */
function compileRequiredFields(fields: Rulebook['handoff']['required_fields']): RequiredField[] {
  return (fields as Array<keyof Person>).map((field) => ({ field, read: compilePersonFieldReader(field) }));
}

/**
 * Renders the few reason candidates that make the list, reusing the text of engagement reasons
 * that depend on the count alone; counts are read from the tallies of the evaluation under way.
 */
function compileReasonRenderer(
  rulebook: Rulebook,
  fitRules: readonly CompiledFitRule[],
  engagement: EngagementScorer,
  signals: SignalDetector,
): CompiledRulebook['renderReason'] {
  const ruleReasons: CountedReason[] = engagement.rules.map(({ reason }, r) =>
    reuseByCount(rulebook.engagement.rules[r]!.reason, ['count'], (facts, count) => describeCount(reason(facts, { count }), count)),
  );
  const signalReasons: CountedReason[] = signals.signals.map(({ reason, window }, s) =>
    reuseByCount(rulebook.engagement.signals[s]!.reason, ['count', 'window'], (facts, count) => reason(facts, { count, window })),
  );
  const engagementTally = engagement.tally;
  const signalTally = signals.tally;
  return (kind, index, facts) => {
    if (kind === FIT_REASON) return fitRules[index]!.reason(facts);
    if (kind === RULE_REASON) return ruleReasons[index]!(facts, engagementTally.count[index]!);
    return signalReasons[index]!(facts, signalTally.count[index]!);
  };
}
