import type { EventType } from '../model/event';
import type { Rulebook } from '../rulebook/schema';
import { parseDuration } from '../util/duration.util';
import type { DecayFunction } from './decay';
import { compileEventMatch, type PropertyTest } from './event-matcher';
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

interface CompiledEngagementRule {
  id: string;
  points: number;
  test: PropertyTest;
  decay: DecayFunction;
  capPoints: number;
  capWindow: number;
  reason: RenderTemplate;
}

export interface EngagementScorer {
  /** Scores the timeline's events at `now`; `rules` contributions come in rulebook order. */
  score(timeline: Timeline, now: number): Contribution[];
}

/**
 * Engagement rules (SPEC.md §3.4): each event counts for the first rule that matches it, so a
 * specific rule (pricing page) listed before a general one (any page) wins. Caps limit the points a
 * rule can earn inside a rolling window, so refreshes and repeats cannot inflate a score; what is
 * counted then decays with its age.
 */
export function compileEngagementRules(rulebook: Rulebook, decayFor: (group?: string) => DecayFunction): EngagementScorer {
  const rules: CompiledEngagementRule[] = rulebook.engagement.rules.map((rule) => {
    const { test } = compileEventMatch(rule.match);
    return {
      id: rule.id,
      points: rule.points,
      test,
      decay: decayFor(rule.group),
      capPoints: rule.cap?.points ?? Infinity,
      capWindow: rule.cap?.window ? parseDuration(rule.cap.window) : Infinity,
      reason: compileTemplate(rule.reason),
    };
  });

  // index rules by event type once: an event is only tested against the rules for its type
  const byType = new Map<EventType, number[]>();
  rulebook.engagement.rules.forEach((rule, index) => {
    for (const type of rule.match.types) {
      const list = byType.get(type) ?? [];
      list.push(index);
      byType.set(type, list);
    }
  });

  // scratch state reused across calls (evaluation is synchronous): nothing is allocated per event
  const count = new Int32Array(rules.length);
  const capped = new Int32Array(rules.length);
  const points = new Float64Array(rules.length);
  const windows = rules.map(() => ({ times: [] as number[], points: [] as number[], head: 0, sum: 0, run: 0 }));
  let run = 0;

  return {
    score(timeline, now) {
      count.fill(0);
      capped.fill(0);
      points.fill(0);
      run++;

      const { events, times } = timeline;
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        const candidates = byType.get(event.type);
        if (candidates === undefined) continue;
        let ruleIndex = -1;
        for (let c = 0; c < candidates.length; c++) {
          if (rules[candidates[c]!]!.test(event)) {
            ruleIndex = candidates[c]!;
            break;
          }
        }
        if (ruleIndex === -1) continue;
        const rule = rules[ruleIndex]!;
        const t = times[i]!;
        let earned = rule.points;
        if (rule.capPoints !== Infinity) {
          const window = windows[ruleIndex]!;
          if (window.run !== run) {
            // first use in this call: start the window empty (reset lazily, only for rules that fire)
            window.run = run;
            window.times.length = 0;
            window.points.length = 0;
            window.head = 0;
            window.sum = 0;
          }
          while (window.head < window.times.length && window.times[window.head]! <= t - rule.capWindow) {
            window.sum -= window.points[window.head]!;
            window.head++;
          }
          const magnitude = Math.min(Math.abs(earned), rule.capPoints - window.sum);
          if (magnitude <= 0) {
            capped[ruleIndex]!++;
            continue;
          }
          earned = earned < 0 ? -magnitude : magnitude;
          window.times.push(t);
          window.points.push(magnitude);
          window.sum += magnitude;
        }
        count[ruleIndex]!++;
        points[ruleIndex]! += earned * rule.decay(now - t);
      }

      const contributions: Contribution[] = [];
      for (let r = 0; r < rules.length; r++) {
        if (count[r] === 0 && capped[r] === 0) continue;
        const rule = rules[r]!;
        contributions.push({
          kind: 'rule',
          id: rule.id,
          points: points[r]!,
          count: count[r]!,
          capped: capped[r]!,
          reason: rule.reason,
          values: { count: count[r]! },
        });
      }
      return contributions;
    },
  };
}
