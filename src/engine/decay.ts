import type { DecayModel } from '../rulebook/schema';
import { parseDuration } from '../util/duration.util';
import { startOfZoneDay } from '../util/zone-day.util';

/** Multiplier for points earned `ageMs` ago (SPEC.md §3.6): old interest fades. */
export type DecayFunction = (ageMs: number) => number;

const NONE = 0;
const HALF_LIFE = 1;
const STEPPED = 2;

/**
 * A decay model reduced to its constants. The scoring loop calls `decayFactor` on these instead of
 * a closure per model: one call site then sees one function, which the compiler can inline.
 */
export interface Decay {
  kind: typeof NONE | typeof HALF_LIFE | typeof STEPPED;
  /** Half-life: ln 2 per millisecond of half-life. */
  rate: number;
  /** Stepped: the share kept per step, and the step length. */
  keep: number;
  every: number;
}

export function compileDecayModel(model: DecayModel): Decay {
  if (model === 'none') return { kind: NONE, rate: 0, keep: 1, every: 1 };
  if ('half_life' in model) return { kind: HALF_LIFE, rate: Math.LN2 / parseDuration(model.half_life), keep: 1, every: 1 };
  return { kind: STEPPED, rate: 0, keep: 1 - model.percent / 100, every: parseDuration(model.every) };
}

/**
 * The instant decay and the horizon are measured from: the start of the current day in the
 * workspace's time zone (`timeZone`, an IANA name; UTC when none is given). Scores fade once a day,
 * at the workspace's midnight, not every minute, so scoring the same person again later the same
 * day gives the same scores and reasons (an unchanged re-sync writes nothing), and the nightly decay
 * rescore, run after that midnight, writes what a day of fading changed. Engagement from today
 * counts in full.
 */
export function decayClock(now: number, timeZone = 'UTC'): number {
  return startOfZoneDay(now, timeZone);
}

/** The oldest engagement that still counts at `now`: the horizon moves with `decayClock`, once a day. */
export function horizonStart(now: number, horizonMs: number, timeZone = 'UTC'): number {
  return decayClock(now, timeZone) - horizonMs;
}

/** `ageMs` from `decayClock`: negative for today's engagement, which has not faded yet. */
export function decayFactor(decay: Decay, ageMs: number): number {
  if (ageMs <= 0) return 1;
  if (decay.kind === HALF_LIFE) return Math.exp(-decay.rate * ageMs);
  if (decay.kind === NONE) return 1;
  return decay.keep ** Math.floor(ageMs / decay.every);
}

export function compileDecay(model: DecayModel): DecayFunction {
  const decay = compileDecayModel(model);
  return (ageMs) => decayFactor(decay, ageMs);
}
