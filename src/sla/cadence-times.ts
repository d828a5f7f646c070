import type { Rulebook } from '../rulebook/schema';
import { parseDuration } from '../util/duration.util';
import type { HandoffPlanner } from './handoff-planner';
import { workingHoursOf } from './rulebook-working-hours';

/**
 * When each step of a handoff's cadence is due and when an untouched first touch is escalated,
 * through the planner's calendar (the owner's working hours in their zone). Step 0 is the first
 * touch (`sla.first_touch`); step n > 0 is `sla.cadence[n].after` from the start.
 */
export interface CadenceTimes {
  stepDue: number[];
  escalationAt: number;
}

export function cadenceTimes(rulebook: Rulebook, planner: Pick<HandoffPlanner, 'dueAt'>, startMs: number, firstTouchDueMs: number, timeZone: string): CadenceTimes {
  const hours = workingHoursOf(rulebook);
  const stepDue = rulebook.sla.cadence.map((step, index) => (index === 0 ? firstTouchDueMs : planner.dueAt(startMs, parseDuration(step.after), timeZone, hours)));
  const escalationAt = planner.dueAt(firstTouchDueMs, parseDuration(rulebook.sla.escalation.after), timeZone, hours);
  return { stepDue, escalationAt };
}
