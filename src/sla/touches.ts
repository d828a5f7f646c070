import type { AnyEventType, EngagementEvent } from '../model/event';

/**
 * What counts as a sales touch (SPEC.md §3.10): calls, emails and meetings reps log in the CRM.
 * The connectors map them (rep-logged calls, emails, meetings and completed tasks) to these
 * types and never map a task Leadstage created and nobody has done yet, so a reminder is no touch.
 */
export const TOUCH_TYPES: ReadonlySet<AnyEventType> = new Set<AnyEventType>(['sales_call', 'sales_email', 'meeting_booked']);

/** The times (ms) of the touches at or after `startedAtMs`, earliest first. */
export function touchTimes(events: readonly EngagementEvent[], startedAtMs: number): number[] {
  const times: number[] = [];
  for (const event of events) {
    if (!TOUCH_TYPES.has(event.type)) continue;
    const at = Date.parse(event.occurredAt);
    if (!Number.isNaN(at) && at >= startedAtMs) times.push(at);
  }
  return times.sort((a, b) => a - b);
}
