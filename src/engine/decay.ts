import type { DecayModel } from '../rulebook/schema';
import { parseDuration } from '../util/duration.util';

/** Multiplier for points earned `ageMs` ago (SPEC.md §3.6): old interest fades. */
export type DecayFunction = (ageMs: number) => number;

export function compileDecay(model: DecayModel): DecayFunction {
  if (model === 'none') return () => 1;
  if ('half_life' in model) {
    const rate = Math.LN2 / parseDuration(model.half_life);
    return (ageMs) => Math.exp(-rate * ageMs);
  }
  const keep = 1 - model.percent / 100;
  const every = parseDuration(model.every);
  return (ageMs) => keep ** Math.floor(ageMs / every);
}
