import type { Facts } from './facts';

/**
 * Results of condition tests, remembered for one evaluation. The default rulebook asks the same
 * question of a person several times (is the country served? for an exclusion, a fit rule and the
 * MQL tier; does the title match a persona? for a fit rule and the tier), and the string work
 * behind each answer (trimming, lower-casing, hashing, regular expressions) dominated condition
 * time. Tests with the same key share a slot; a slot is valid while its stamp equals the
 * evaluation number in the facts, so nothing is cleared between evaluations.
 *
 * Only tests of person fields are memoised: fit and engagement scores change during an evaluation.
 */
export interface ConditionMemo {
  slotFor(key: string): number;
  /** The remembered result for `slot` in this evaluation, or -1. */
  get(slot: number, facts: Facts): number;
  set(slot: number, facts: Facts, result: number): number;
}

export function createConditionMemo(): ConditionMemo {
  const slots = new Map<string, number>();
  let stamps = new Float64Array(16).fill(-1);
  let results = new Int32Array(16);

  return {
    slotFor(key) {
      let slot = slots.get(key);
      if (slot === undefined) {
        slot = slots.size;
        slots.set(key, slot);
        if (slot >= stamps.length) {
          const grownStamps = new Float64Array(2 * stamps.length).fill(-1);
          grownStamps.set(stamps);
          stamps = grownStamps;
          const grownResults = new Int32Array(2 * results.length);
          grownResults.set(results);
          results = grownResults;
        }
      }
      return slot;
    },
    get(slot, facts) {
      return stamps[slot] === facts.evaluation ? results[slot]! : -1;
    },
    set(slot, facts, result) {
      stamps[slot] = facts.evaluation;
      results[slot] = result;
      return result;
    },
  };
}
