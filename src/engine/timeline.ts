import type { EngagementEvent } from '../model/event';

/**
 * A person's events as the engine uses them: de-duplicated by id (connectors re-deliver), limited
 * to [from, now] (nothing from the future counts, which is also what makes back-tests honest), and
 * in time order. Parallel arrays keep the hot loop free of per-event allocations.
 */
export interface Timeline {
  events: EngagementEvent[];
  times: number[];
}

export function buildTimeline(input: readonly EngagementEvent[], from: number, now: number): Timeline {
  const events: EngagementEvent[] = [];
  const times: number[] = [];
  const seen = input.length > 1 ? new Set<string>() : null;
  let sorted = true;
  for (const event of input) {
    if (seen) {
      if (seen.has(event.id)) continue;
      seen.add(event.id);
    }
    const t = Date.parse(event.occurredAt);
    if (!(t >= from && t <= now)) continue;
    if (sorted && times.length > 0 && t < times[times.length - 1]!) sorted = false;
    events.push(event);
    times.push(t);
  }
  if (sorted) return { events, times };
  const order = times.map((_, i) => i).sort((a, b) => times[a]! - times[b]! || compareIds(events[a]!, events[b]!));
  return { events: order.map((i) => events[i]!), times: order.map((i) => times[i]!) };
}

/** Ties in time are broken by id so the result never depends on input order. */
function compareIds(a: EngagementEvent, b: EngagementEvent): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
