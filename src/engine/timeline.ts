import type { EngagementEvent } from '../model/event';
import { parseIsoMillis } from '../util/iso-time.util';
import { typeCodeOf } from './event-types';
import { createIdSet } from './id-set';

/**
 * A person's events as the engine uses them: de-duplicated by id (connectors re-deliver), limited
 * to [from, now] (nothing from the future counts, which is also what makes back-tests honest), and
 * in time order. Parallel arrays keep the hot loop free of per-event allocations.
 *
 * The arrays are scratch space owned by one timeline builder (one per compiled engine) and reused
 * by every evaluation it runs: only the first `length` entries belong to the current call, and a
 * timeline must not be kept past it. Events are referred to by their position in `input` rather
 * than copied into a long-lived array: storing fresh objects into an old one costs a write barrier
 * per event.
 */
export interface Timeline {
  input: readonly EngagementEvent[];
  /** Position in `input` of each event kept, in time order. */
  order: Int32Array;
  times: Float64Array;
  /** Each event's type as a code (event-types.ts), looked up once here for every later pass. */
  types: Uint8Array;
  length: number;
}

/** Builds timelines into buffers of its own, so two engines never write into each other's. */
export interface TimelineBuilder {
  /** The timeline of `input` within [from, now]: valid until this builder's next call. */
  build(input: readonly EngagementEvent[], from: number, now: number): Timeline;
}

/** A builder with its own scratch arrays and id set, grown to the longest input it has seen. */
export function createTimelineBuilder(): TimelineBuilder {
  const scratch: Timeline = { input: [], order: new Int32Array(64), times: new Float64Array(64), types: new Uint8Array(64), length: 0 };
  const seen = createIdSet();
  // written so the compiler cannot drop the prefetch loop as unused
  let touched = 0;
  return {
    build(input, from, now) {
      const count = input.length;
      if (scratch.times.length < count) growScratch(scratch, count);
      const { order, times, types } = scratch;
      scratch.input = input;
      touched = touch(input, count);
      seen.reset(input, count);
      let length = 0;
      let sorted = true;
      for (let i = 0; i < count; i++) {
        const event = input[i]!;
        // the first occurrence in input order wins, even when it falls outside the window
        if (!seen.addFirst(i)) continue;
        const t = parseIsoMillis(event.occurredAt);
        if (!(t >= from && t <= now)) continue;
        if (sorted && length > 0 && t < times[length - 1]!) sorted = false;
        order[length] = i;
        times[length] = t;
        types[length] = typeCodeOf(event.type);
        length++;
      }
      scratch.length = length;
      if (!sorted) sortByTime(scratch);
      return scratch;
    },
  };
}

/** One timeline built with buffers of its own: for callers outside an engine (tests, tools). */
export function buildTimeline(input: readonly EngagementEvent[], from: number, now: number): Timeline {
  return createTimelineBuilder().build(input, from, now);
}

/** Room for `count` events, at least doubling so a growing batch reallocates rarely. */
function growScratch(scratch: Timeline, count: number): void {
  const size = Math.max(count, 2 * scratch.times.length);
  scratch.order = new Int32Array(size);
  scratch.times = new Float64Array(size);
  scratch.types = new Uint8Array(size);
}

/**
 * Reads what the build loop will read, in a loop so light that the processor has many events'
 * memory loads in flight at once: events fresh from a page of input are mostly not in cache, and
 * the dedupe-and-parse loop otherwise waits for them one at a time. Returns a sum for the caller
 * to keep.
 */
function touch(input: readonly EngagementEvent[], count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const event = input[i]!;
    sum += event.id.length + event.occurredAt.length;
  }
  return sum;
}

/**
 * Insertion sort on the parallel arrays: people have tens of events, usually almost in order
 * already, where it beats Array#sort and allocates nothing. Ties in time are broken by id so the
 * result never depends on input order.
 */
function sortByTime({ input, order, times, types, length }: Timeline): void {
  for (let i = 1; i < length; i++) {
    const t = times[i]!;
    const position = order[i]!;
    const type = types[i]!;
    const id = input[position]!.id;
    let j = i - 1;
    while (j >= 0 && (times[j]! > t || (times[j] === t && input[order[j]!]!.id > id))) {
      times[j + 1] = times[j]!;
      order[j + 1] = order[j]!;
      types[j + 1] = types[j]!;
      j--;
    }
    times[j + 1] = t;
    order[j + 1] = position;
    types[j + 1] = type;
  }
}
