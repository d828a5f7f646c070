import { CONTENT_STAGES } from '../model/event';
import type { Rulebook, Signal } from '../rulebook/schema';
import { describeDuration, parseDuration } from '../util/duration.util';
import { decayFactor, type Decay } from './decay';
import type { Contribution } from './engagement';
import { compileEventMatch, matchesAt, type CompiledMatch } from './event-matcher';
import { compileTemplate, type RenderTemplate } from './template';
import type { Timeline } from './timeline';

const DAY_MS = 86_400_000;

/** A content stage's place in CONTENT_STAGES, or -1 for anything else: three comparisons, no hashing. */
function stageRank(stage: string): number {
  for (let rank = 0; rank < CONTENT_STAGES.length; rank++) if (CONTENT_STAGES[rank] === stage) return rank;
  return -1;
}

export interface SignalInfo {
  id: string;
  reason: RenderTemplate;
  /** The window in words, for the `{window}` placeholder. */
  window: string;
}

/**
 * Which signals fired in one call, per signal in rulebook order, with their decayed points and the
 * events that made them fire. Scratch space, valid until the next call.
 */
export interface SignalTally {
  fired: Uint8Array;
  points: Float64Array;
  count: Int32Array;
}

export interface SignalDetector {
  readonly signals: readonly SignalInfo[];
  /** Where `detect` leaves its results: the same arrays every call. */
  readonly tally: SignalTally;
  detect(timeline: Timeline, now: number): void;
}

/** When a signal last fired and how many events made it fire; written by the detector that fired. */
interface Firing {
  at: number;
  count: number;
}
type Detector = (timeline: Timeline, firing: Firing) => boolean;

/** The signals that fired, as contributions in rulebook order. */
export function signalContributions(signals: readonly SignalInfo[], tally: SignalTally): Contribution[] {
  const out: Contribution[] = [];
  for (let s = 0; s < signals.length; s++) {
    if (tally.fired[s] === 0) continue;
    const { id, reason, window } = signals[s]!;
    const count = tally.count[s]!;
    out.push({ kind: 'signal', id, points: tally.points[s]!, count, capped: 0, reason, values: { count, window } });
  }
  return out;
}

/**
 * Signals from the SQL checklist (SPEC.md §3.5). Each finds the latest moment its pattern
 * completed; its points then decay from that moment like any other engagement, so a burst of
 * downloads last week counts and one from last year does not.
 */
export function compileSignals(rulebook: Rulebook, decayFor: (group?: string) => Decay): SignalDetector {
  const source = rulebook.engagement.signals;
  const signals: SignalInfo[] = source.map((signal) => ({
    id: signal.id,
    reason: compileTemplate(signal.reason),
    window: describeDuration(parseDuration(signal.window)),
  }));
  // one scratch for this engine's detectors: they run one after another
  const scratch = createDetectorScratch();
  const detectors = source.map((signal) => compileDetector(signal, scratch));
  const decays = source.map((signal) => decayFor(signal.group));
  const earns = source.map((signal) => signal.points);
  const tally: SignalTally = { fired: new Uint8Array(source.length), points: new Float64Array(source.length), count: new Int32Array(source.length) };
  const firing: Firing = { at: 0, count: 0 };

  return {
    signals,
    tally,
    detect(timeline, now) {
      for (let s = 0; s < detectors.length; s++) {
        const fired = detectors[s]!(timeline, firing);
        tally.fired[s] = fired ? 1 : 0;
        tally.points[s] = fired ? earns[s]! * decayFactor(decays[s]!, now - firing.at) : 0;
        tally.count[s] = fired ? firing.count : 0;
      }
    },
  };
}

function compileDetector(signal: Signal, scratch: DetectorScratch): Detector {
  const window = parseDuration(signal.window);
  switch (signal.kind) {
    case 'velocity':
      return velocity(compileEventMatch(signal.match), signal.count, window, scratch);
    case 'repeat_visits':
      return repeatVisits(compileEventMatch(signal.match), signal.days, window, scratch);
    case 'content_progression':
      return contentProgression(stageRank(signal.reach), window);
  }
}

/**
 * Scratch arrays for the detectors of one engine, grown to the longest timeline seen: a detector
 * fills and reads them within one call, and an engine's detectors run one after another.
 */
interface DetectorScratch {
  a: Float64Array;
  b: Float64Array;
}

/** Starts at 64 entries: most people have tens of events, so it rarely grows. */
function createDetectorScratch(): DetectorScratch {
  return { a: new Float64Array(64), b: new Float64Array(64) };
}

/** Room for `length` entries in both arrays. */
function ensureScratch(scratch: DetectorScratch, length: number): void {
  if (scratch.a.length >= length) return;
  scratch.a = new Float64Array(Math.max(length, 2 * scratch.a.length));
  scratch.b = new Float64Array(scratch.a.length);
}

/** N matching events within a window ("several content offers in a short time"). */
function velocity(match: CompiledMatch, needed: number, window: number, scratch: DetectorScratch): Detector {
  return (timeline, firing) => {
    const { times, length } = timeline;
    ensureScratch(scratch, length);
    const matched = scratch.a;
    let n = 0;
    let fired = false;
    for (let i = 0; i < length; i++) {
      if (!matchesAt(match, timeline, i)) continue;
      matched[n++] = times[i]!;
      if (n >= needed && matched[n - 1]! - matched[n - needed]! <= window) {
        let count = needed;
        while (count < n && matched[n - 1]! - matched[n - 1 - count]! <= window) count++;
        firing.at = matched[n - 1]!;
        firing.count = count;
        fired = true;
      }
    }
    return fired;
  };
}

/** Matching activity on N distinct days within a window ("repeat visits"). */
function repeatVisits(match: CompiledMatch, days: number, window: number, scratch: DetectorScratch): Detector {
  const windowDays = Math.max(1, Math.floor(window / DAY_MS));
  return (timeline, firing) => {
    const { times, length } = timeline;
    ensureScratch(scratch, length);
    const dayNumbers = scratch.a;
    const dayLastTime = scratch.b;
    let n = 0;
    for (let i = 0; i < length; i++) {
      if (!matchesAt(match, timeline, i)) continue;
      const day = Math.floor(times[i]! / DAY_MS);
      if (n > 0 && dayNumbers[n - 1] === day) dayLastTime[n - 1] = times[i]!;
      else {
        dayNumbers[n] = day;
        dayLastTime[n] = times[i]!;
        n++;
      }
    }
    let fired = false;
    let start = 0;
    for (let j = 0; j < n; j++) {
      while (dayNumbers[j]! - dayNumbers[start]! >= windowDays) start++;
      const distinct = j - start + 1;
      if (distinct >= days) {
        firing.at = dayLastTime[j]!;
        firing.count = distinct;
        fired = true;
      }
    }
    return fired;
  };
}

/** Content that gets more advanced (awareness → consideration → decision) within a window. */
function contentProgression(reach: number, window: number): Detector {
  // latest time each content stage was seen: a lower stage seen within the window before a
  // higher one is progress
  const lastSeen = new Float64Array(CONTENT_STAGES.length);
  return (timeline, firing) => {
    const { input, order, times, length } = timeline;
    for (let rank = 0; rank < lastSeen.length; rank++) lastSeen[rank] = -Infinity;
    let fired = false;
    for (let i = 0; i < length; i++) {
      const stage = input[order[i]!]!.properties.contentStage;
      if (stage === undefined) continue;
      const rank = stageRank(stage);
      // a value outside the model is no stage at all
      if (rank === -1) continue;
      const t = times[i]!;
      if (rank >= reach) {
        let stages = 1;
        for (let lower = 0; lower < rank; lower++) if (lastSeen[lower]! >= t - window) stages++;
        if (stages > 1) {
          firing.at = t;
          firing.count = stages;
          fired = true;
        }
      }
      lastSeen[rank] = t;
    }
    return fired;
  };
}
