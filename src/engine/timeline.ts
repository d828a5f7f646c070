import type { EngagementEvent } from '../model/event';
import { parseIsoMillis } from '../util/iso-time.util';

/**
 * A person's events as the engine uses them: de-duplicated by id (connectors re-deliver), limited
 * to [from, now] (nothing from the future counts, which is also what makes back-tests honest), and
 * in time order. Parallel arrays keep the hot loop free of per-event allocations.
 */
export interface Timeline {
  events: EngagementEvent[];
  times: number[];
}

// reused across calls (evaluation is synchronous), so de-duplication allocates nothing per person
const seen = new Set<string>();

export function buildTimeline(input: readonly EngagementEvent[], from: number, now: number): Timeline {
  const events: EngagementEvent[] = [];
  const times: number[] = [];
  const dedupe = input.length > 1;
  if (dedupe) seen.clear();
  let sorted = true;
  for (const event of input) {
    if (dedupe) {
      if (seen.has(event.id)) continue;
      seen.add(event.id);
    }
    const t = parseIsoMillis(event.occurredAt);
    if (!(t >= from && t <= now)) continue;
    if (sorted && times.length > 0 && t < times[times.length - 1]!) sorted = false;
    events.push(event);
    times.push(t);
  }
  if (!sorted) sortByTime(events, times);
  return { events, times };
}

/**
 * Insertion sort on the two parallel arrays: people have tens of events, usually almost in order
 * already, where it beats Array#sort and allocates nothing.
 */
function sortByTime(events: EngagementEvent[], times: number[]): void {
  for (let i = 1; i < times.length; i++) {
    const t = times[i]!;
    const event = events[i]!;
    let j = i - 1;
    while (j >= 0 && (times[j]! > t || (times[j] === t && compareIds(events[j]!, event) > 0))) {
      times[j + 1] = times[j]!;
      events[j + 1] = events[j]!;
      j--;
    }
    times[j + 1] = t;
    events[j + 1] = event;
  }
}

/** Ties in time are broken by id so the result never depends on input order. */
function compareIds(a: EngagementEvent, b: EngagementEvent): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
