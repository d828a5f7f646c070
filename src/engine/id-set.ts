import type { EngagementEvent } from '../model/event';

/** Which event ids of one person's input have been seen: the de-duplication behind the timeline. */
export interface IdSet {
  /** Starts over for `input`, whose first `count` events will be offered in order. */
  reset(input: readonly EngagementEvent[], count: number): void;
  /** True the first time an id is offered, false for a repeat of an id offered before. */
  addFirst(index: number): boolean;
}

/** A run of occupied slots this long means the quick hash is failing these ids. */
const LONG_PROBE = 8;

/**
 * An open-addressing hash table of input positions, reused across evaluations. A JavaScript Set
 * allocated and re-grew its table for every person (clear, then 4 → 8 → 16 → 32 entries), which
 * made de-duplication the largest cost of the engine. Slots carry the number of the evaluation
 * that filled them, so starting over clears nothing. Ids are compared in full: the hash only picks
 * the slot, so a collision costs time, never a wrong answer.
 *
 * The hash first reads four characters of an id (a third of the cost of reading them all); ids
 * that differ only elsewhere pile up in one run of slots, and once a probe gets that long the
 * table is rebuilt for this person with a hash of the whole id.
 */
export function createIdSet(): IdSet {
  let slots = new Int32Array(128);
  let stamps = new Int32Array(128);
  let mask = 127;
  let stamp = 0;
  let events: readonly EngagementEvent[] = [];
  let whole = false;

  const nextStamp = () => {
    stamp++;
    if (stamp === 0x7fffffff) {
      stamps.fill(0);
      stamp = 1;
    }
  };

  /** Rehashes the ids kept so far with the whole-id hash, for the rest of this person. */
  const rehashWhole = () => {
    const kept: number[] = [];
    for (let slot = 0; slot < slots.length; slot++) if (stamps[slot] === stamp) kept.push(slots[slot]!);
    whole = true;
    nextStamp();
    for (const index of kept) {
      let slot = wholeHash(textOf(events[index]!.id)) & mask;
      while (stamps[slot] === stamp) slot = (slot + 1) & mask;
      stamps[slot] = stamp;
      slots[slot] = index;
    }
  };

  const addFirst = (index: number): boolean => {
    const id = events[index]!.id;
    const text = textOf(id);
    let slot = (whole ? wholeHash(text) : quickHash(text)) & mask;
    let probes = 0;
    while (stamps[slot] === stamp) {
      if (events[slots[slot]!]!.id === id) return false;
      slot = (slot + 1) & mask;
      if (++probes === LONG_PROBE && !whole) {
        rehashWhole();
        return addFirst(index);
      }
    }
    stamps[slot] = stamp;
    slots[slot] = index;
    return true;
  };

  return {
    reset(input, count) {
      events = input;
      whole = false;
      // at most half full, so probes stay short
      if (2 * count > slots.length) {
        let size = slots.length;
        while (size < 2 * count) size *= 2;
        slots = new Int32Array(size);
        stamps = new Int32Array(size);
        mask = size - 1;
        stamp = 0;
      }
      nextStamp();
    },
    addFirst,
  };
}

function textOf(id: unknown): string {
  return typeof id === 'string' ? id : String(id);
}

/** Length, first, middle and last two characters: what tells ids apart in the usual formats. */
function quickHash(id: string): number {
  const length = id.length;
  let h = length;
  h = (Math.imul(h, 31) + id.charCodeAt(0)) | 0;
  h = (Math.imul(h, 31) + id.charCodeAt(length >> 1)) | 0;
  h = (Math.imul(h, 31) + id.charCodeAt(length - 2)) | 0;
  h = (Math.imul(h, 31) + id.charCodeAt(length - 1)) | 0;
  return mix(h);
}

/** Every character (long ids sampled at both ends, where sequence numbers and random parts sit). */
function wholeHash(id: string): number {
  const length = id.length;
  let h = length;
  if (length <= 32) {
    for (let i = 0; i < length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  } else {
    for (let i = 0; i < 8; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
    for (let i = length - 24; i < length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  }
  return mix(h);
}

function mix(h: number): number {
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}
