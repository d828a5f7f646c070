import { CONTENT_STAGES, type EngagementEvent } from '../model/event';
import type { Rulebook, Signal } from '../rulebook/schema';
import { describeDuration, parseDuration } from '../util/duration.util';
import type { DecayFunction } from './decay';
import type { Contribution } from './engagement';
import { compileFullMatch, type PropertyTest } from './event-matcher';
import { compileTemplate } from './template';
import type { Timeline } from './timeline';

const DAY_MS = 86_400_000;
const STAGE_RANK: Record<string, number> = Object.fromEntries(CONTENT_STAGES.map((stage, i) => [stage, i]));

/** When a signal last fired and how many events made it fire. */
interface Firing {
  at: number;
  count: number;
}
type Detector = (events: readonly EngagementEvent[], times: readonly number[]) => Firing | null;

/**
 * Signals from the SQL checklist (SPEC.md §3.5). Each finds the latest moment its pattern
 * completed; its points then decay from that moment like any other engagement, so a burst of
 * downloads last week counts and one from last year does not.
 */
export function compileSignals(rulebook: Rulebook, decayFor: (group?: string) => DecayFunction) {
  const compiled = rulebook.engagement.signals.map((signal) => ({
    signal,
    detect: compileDetector(signal),
    decay: decayFor(signal.group),
    reason: compileTemplate(signal.reason),
    window: describeDuration(parseDuration(signal.window)),
  }));

  return (timeline: Timeline, now: number): Contribution[] => {
    const out: Contribution[] = [];
    for (const { signal, detect, decay, reason, window } of compiled) {
      const firing = detect(timeline.events, timeline.times);
      if (!firing) continue;
      out.push({
        kind: 'signal',
        id: signal.id,
        points: signal.points * decay(now - firing.at),
        count: firing.count,
        capped: 0,
        reason,
        values: { count: firing.count, window },
      });
    }
    return out;
  };
}

function compileDetector(signal: Signal): Detector {
  const window = parseDuration(signal.window);
  switch (signal.kind) {
    case 'velocity':
      return velocity(compileFullMatch(signal.match), signal.count, window);
    case 'repeat_visits':
      return repeatVisits(compileFullMatch(signal.match), signal.days, window);
    case 'content_progression':
      return contentProgression(STAGE_RANK[signal.reach]!, window);
  }
}

/** N matching events within a window ("several content offers in a short time"). */
function velocity(test: PropertyTest, needed: number, window: number): Detector {
  return (events, times) => {
    const matched: number[] = [];
    let firing: Firing | null = null;
    for (let i = 0; i < events.length; i++) {
      if (!test(events[i]!)) continue;
      matched.push(times[i]!);
      const n = matched.length;
      if (n >= needed && matched[n - 1]! - matched[n - needed]! <= window) {
        let count = needed;
        while (count < n && matched[n - 1]! - matched[n - 1 - count]! <= window) count++;
        firing = { at: matched[n - 1]!, count };
      }
    }
    return firing;
  };
}

/** Matching activity on N distinct days within a window ("repeat visits"). */
function repeatVisits(test: PropertyTest, days: number, window: number): Detector {
  return (events, times) => {
    const dayNumbers: number[] = [];
    const dayLastTime: number[] = [];
    for (let i = 0; i < events.length; i++) {
      if (!test(events[i]!)) continue;
      const day = Math.floor(times[i]! / DAY_MS);
      if (dayNumbers.length > 0 && dayNumbers[dayNumbers.length - 1] === day) dayLastTime[dayLastTime.length - 1] = times[i]!;
      else {
        dayNumbers.push(day);
        dayLastTime.push(times[i]!);
      }
    }
    const windowDays = Math.max(1, Math.floor(window / DAY_MS));
    let firing: Firing | null = null;
    let start = 0;
    for (let j = 0; j < dayNumbers.length; j++) {
      while (dayNumbers[j]! - dayNumbers[start]! >= windowDays) start++;
      const distinct = j - start + 1;
      if (distinct >= days) firing = { at: dayLastTime[j]!, count: distinct };
    }
    return firing;
  };
}

/** Content that gets more advanced (awareness → consideration → decision) within a window. */
function contentProgression(reach: number, window: number): Detector {
  return (events, times) => {
    let firing: Firing | null = null;
    // latest time each content stage was seen: a lower stage seen within the window before a
    // higher one is progress
    const lastSeen = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < events.length; i++) {
      const stage = events[i]!.properties.contentStage;
      if (stage === undefined) continue;
      const rank = STAGE_RANK[stage]!;
      const t = times[i]!;
      if (rank >= reach) {
        let stages = 1;
        for (let lower = 0; lower < rank; lower++) if (lastSeen[lower]! >= t - window) stages++;
        if (stages > 1) firing = { at: t, count: stages };
      }
      lastSeen[rank] = t;
    }
    return firing;
  };
}
