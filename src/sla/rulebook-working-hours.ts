import { minuteOfDay, WEEKDAY_NAMES } from '../rulebook/assignment-schema';
import type { Rulebook } from '../rulebook/schema';
import { DEFAULT_WORKING_HOURS, type Weekday, type WorkingHours } from './working-hours';

/** The rulebook's `sla.working_hours` as the calendar reads them; Monday to Friday, 09:00 to 17:00 when it says none. */
export function workingHoursOf(rulebook: Pick<Rulebook, 'sla'>): WorkingHours {
  const config = rulebook.sla.working_hours;
  if (!config) return DEFAULT_WORKING_HOURS;
  return {
    days: config.days.map((day) => (WEEKDAY_NAMES.indexOf(day) + 1) as Weekday),
    startMinute: minuteOfDay(config.start),
    endMinute: minuteOfDay(config.end),
  };
}
