import type { Rulebook } from '../rulebook/schema';
import { parseDuration } from '../util/duration.util';
import { decayFactor, type Decay } from './decay';
import { compileEventMatch, type PropertyTest } from './event-matcher';
import { UNKNOWN_TYPE } from './event-types';
import { compileTemplate, type RenderTemplate } from './template';
import type { Timeline } from './timeline';

/** What one engagement rule or signal added, before rounding: the raw material of reasons. */
export interface Contribution {
  kind: 'rule' | 'signal';
  id: string;
  points: number;
  /** Events counted (after caps); for a signal, the events in the burst that fired it. */
  count: number;
  /** Events that matched but were cut by the rule's cap. */
  capped: number;
  reason: RenderTemplate;
  values: Record<string, string | number>;
}

export interface EngagementRuleInfo {
  id: string;
  reason: RenderTemplate;
}

/**
 * What the rules earned in one call, per rule in rulebook order. Scratch space: valid until the next
 * call, which is all an evaluation needs; `contributions` turns it into objects for whoever keeps it.
 */
export interface EngagementTally {
  count: Int32Array;
  capped: Int32Array;
  points: Float64Array;
}

export interface EngagementScorer {
  readonly rules: readonly EngagementRuleInfo[];
  /** Where `score` leaves its results: the same arrays every call. */
  readonly tally: EngagementTally;
  score(timeline: Timeline, now: number): void;
}

/** The rules that earned or were capped, as contributions in rulebook order. */
export function ruleContributions(rules: readonly EngagementRuleInfo[], tally: EngagementTally): Contribution[] {
  const out: Contribution[] = [];
  for (let r = 0; r < rules.length; r++) {
    if (tally.count[r] === 0 && tally.capped[r] === 0) continue;
    const count = tally.count[r]!;
    out.push({ kind: 'rule', id: rules[r]!.id, points: tally.points[r]!, count, capped: tally.capped[r]!, reason: rules[r]!.reason, values: { count } });
  }
  return out;
}

/** Points a rule has earned inside its cap window: a queue of (time, magnitude), oldest first. */
interface CapWindow {
  times: Float64Array;
  magnitudes: Float64Array;
  head: number;
  tail: number;
  sum: number;
}

/**
 * Engagement rules (SPEC.md §3.4): each event counts for the first rule that matches it, so a
 * specific rule (pricing page) listed before a general one (any page) wins. Caps limit the points a
 * rule can earn inside a rolling window, so refreshes and repeats cannot inflate a score; what is
 * counted then decays with its age.
 */
export function compileEngagementRules(rulebook: Rulebook, decayFor: (group?: string) => Decay): EngagementScorer {
  const source = rulebook.engagement.rules;
  const rules: EngagementRuleInfo[] = source.map((rule) => ({ id: rule.id, reason: compileTemplate(rule.reason) }));
  const matches = source.map((rule) => compileEventMatch(rule.match));
  const tests: Array<PropertyTest | null> = matches.map((match) => match.test);
  const earns = Float64Array.from(source, (rule) => rule.points);
  const decays: Decay[] = source.map((rule) => decayFor(rule.group));
  const capPoints = Float64Array.from(source, (rule) => rule.cap?.points ?? Infinity);
  const capWindows = Float64Array.from(source, (rule) => (rule.cap?.window ? parseDuration(rule.cap.window) : Infinity));

  // index rules by type code once: an event is only tested against the rules for its type, in
  // rulebook order; unknown types have no rules
  const byType: number[][] = Array.from({ length: UNKNOWN_TYPE + 1 }, () => []);
  matches.forEach(({ typeMask }, index) => {
    for (let code = 0; code < UNKNOWN_TYPE; code++) if ((typeMask >>> code) & 1) byType[code]!.push(index);
  });

  // scratch state reused across calls (evaluation is synchronous): nothing is allocated per event
  const tally: EngagementTally = {
    count: new Int32Array(rules.length),
    capped: new Int32Array(rules.length),
    points: new Float64Array(rules.length),
  };
  const windows: CapWindow[] = rules.map(() => ({ times: new Float64Array(0), magnitudes: new Float64Array(0), head: 0, tail: 0, sum: 0 }));
  let capacity = 0;

  return {
    rules,
    tally,
    score(timeline, now) {
      const { count, capped, points } = tally;
      // plain loops: TypedArray#fill is a call into the runtime, which costs more than it saves on a few dozen entries
      for (let r = 0; r < count.length; r++) {
        count[r] = 0;
        capped[r] = 0;
        points[r] = 0;
      }
      const { input, order, times, types, length } = timeline;
      if (length > capacity) {
        // a window never holds more entries than the person has events
        capacity = Math.max(length, 2 * capacity, 32);
        for (const window of windows) {
          window.times = new Float64Array(capacity);
          window.magnitudes = new Float64Array(capacity);
        }
      }
      for (let r = 0; r < windows.length; r++) {
        const window = windows[r]!;
        window.head = 0;
        window.tail = 0;
        window.sum = 0;
      }

      for (let i = 0; i < length; i++) {
        const candidates = byType[types[i]!]!;
        let ruleIndex = -1;
        for (let c = 0; c < candidates.length; c++) {
          const test = tests[candidates[c]!];
          if (!test || test(input[order[i]!]!)) {
            ruleIndex = candidates[c]!;
            break;
          }
        }
        if (ruleIndex === -1) continue;
        const t = times[i]!;
        let earned = earns[ruleIndex]!;
        const cap = capPoints[ruleIndex]!;
        if (cap !== Infinity) {
          const window = windows[ruleIndex]!;
          const capWindow = capWindows[ruleIndex]!;
          while (window.head < window.tail && window.times[window.head]! <= t - capWindow) {
            window.sum -= window.magnitudes[window.head]!;
            window.head++;
          }
          const magnitude = Math.min(Math.abs(earned), cap - window.sum);
          if (magnitude <= 0) {
            capped[ruleIndex]!++;
            continue;
          }
          earned = earned < 0 ? -magnitude : magnitude;
          window.times[window.tail] = t;
          window.magnitudes[window.tail] = magnitude;
          window.tail++;
          window.sum += magnitude;
        }
        count[ruleIndex]!++;
        points[ruleIndex]! += earned * decayFactor(decays[ruleIndex]!, now - t);
      }
    },
  };
}
