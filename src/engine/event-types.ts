import { ALL_EVENT_TYPES as EVENT_TYPES } from '../model/event';

/**
 * Event types as small integers, looked up once per event when the timeline is built: rule and
 * signal tests then compare codes and bit masks instead of hashing the type string again in every
 * pass over the events.
 */

/**
 * The code of a type outside the model (input that skipped validation). No mask has this bit, so
 * such an event matches nothing, as before.
 */
export const UNKNOWN_TYPE = 31;

if (EVENT_TYPES.length >= UNKNOWN_TYPE) throw new Error('event type masks hold at most 31 types');

/**
 * A perfect hash of the type names on their length and first and last characters, found when the
 * module loads: a few integer operations per event instead of a Map lookup, which showed up in the
 * engine profile. The name is still compared in full, so an unknown type can never pass as a known
 * one.
 */
const SLOTS = 64;
const { multiplier, table } = findPerfectHash(EVENT_TYPES);

function slotOf(type: string, multiplier: number): number {
  const length = type.length;
  return (Math.imul(length, multiplier) + Math.imul(type.charCodeAt(0), 31) + type.charCodeAt(length - 1)) & (SLOTS - 1);
}

function findPerfectHash(names: readonly string[]): { multiplier: number; table: Int8Array } {
  search: for (let multiplier = 1; multiplier < 1024; multiplier++) {
    const table = new Int8Array(SLOTS).fill(-1);
    for (let code = 0; code < names.length; code++) {
      const slot = slotOf(names[code]!, multiplier);
      if (table[slot] !== -1) continue search;
      table[slot] = code;
    }
    return { multiplier, table };
  }
  throw new Error('no perfect hash for the event types: widen the search in event-types.ts');
}

export function typeCodeOf(type: string): number {
  if (typeof type !== 'string' || type.length === 0) return UNKNOWN_TYPE;
  const code = table[slotOf(type, multiplier)]!;
  return code !== -1 && EVENT_TYPES[code] === type ? code : UNKNOWN_TYPE;
}

/** One bit per type code: `(mask >>> code) & 1` says whether a type is in the list. */
export function typeMaskOf(types: readonly string[]): number {
  let mask = 0;
  for (const type of types) {
    const code = typeCodeOf(type);
    if (code !== UNKNOWN_TYPE) mask |= 1 << code;
  }
  return mask;
}
