/**
 * The SLA's working-hours calendar (SPEC.md §3.10): when a first touch promised "within 30 minutes"
 * is due for a rep who works Monday to Friday, 09:00 to 17:00, in their own zone. Pure: time comes
 * in as milliseconds, zones are IANA names read through Intl, so daylight saving is the runtime's
 * own tz data and nothing here reads the clock.
 *
 * The rule, in two regimes:
 * - A duration under a day is **working time**: the clock starts at the first working moment at or
 *   after the start and only runs inside working hours. 30m from Friday 16:50 is Monday 09:20.
 * - A duration of a day or more is **calendar days**: whole days are added on the local wall clock
 *   (a 23- or 25-hour daylight-saving day still counts as one day), the part under a day is added
 *   as elapsed time, and the result is rolled forward to the next working moment. 1d from Friday
 *   10:00 is Monday 09:00 (Saturday 10:00, rolled), 2d from Tuesday 10:00 is Thursday 10:00.
 * Both regimes give a moment inside working hours (the end of the day included) that is never
 * before the start and never earlier for a later start (as long as no clock change falls inside
 * working hours, which holds for every zone's daytime hours in use today). Across the one-day boundary the two
 * regimes are not ordered: 20h of working time runs into the third working day, 1d of calendar
 * time into the next; that is what "a day" means to whoever writes an SLA of `1d`.
 */

/** ISO weekdays: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface WorkingHours {
  days: readonly Weekday[];
  /** Minutes after local midnight the working day starts (09:00 = 540). */
  startMinute: number;
  /** Minutes after local midnight it ends, after the start and before midnight (17:00 = 1020). */
  endMinute: number;
}

export const DEFAULT_WORKING_HOURS: WorkingHours = { days: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 17 * 60 };

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

interface LocalParts extends LocalDate {
  hour: number;
  minute: number;
  second: number;
  weekday: Weekday;
}

const WEEKDAYS: Record<string, Weekday> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall clock in `timeZone` at `ms` (seconds precision). */
function localParts(ms: number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) parts[part.type] = part.value;
  return {
    year: Number(parts.year), month: Number(parts.month), day: Number(parts.day),
    hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday!]!,
  };
}

/** Local time minus UTC at `ms`, in ms (+02:00 → 7_200_000). */
function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const p = localParts(whole, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/**
 * The instant a local date and minute of day names in `timeZone`. A time that falls in a
 * spring-forward gap maps to the moment after the gap; a repeated fall-back time to its first pass.
 */
function zonedInstant(date: LocalDate, minuteOfDay: number, timeZone: string): number {
  const local = Date.UTC(date.year, date.month - 1, date.day, 0, minuteOfDay);
  const first = offsetAt(local, timeZone);
  let guess = local - first;
  const second = offsetAt(guess, timeZone);
  if (second === first) return guess;
  guess = local - second;
  const third = offsetAt(guess, timeZone);
  if (third === second) return guess;
  return local - Math.min(second, third);
}

function addDays(date: LocalDate, days: number): LocalDate & { weekday: Weekday } {
  const utc = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  const weekday = (((utc.getUTCDay() + 6) % 7) + 1) as Weekday;
  return { year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate(), weekday };
}

/** The working window (start and end instants) of a local date, or null on a day off. */
function windowOf(date: LocalDate & { weekday: Weekday }, timeZone: string, hours: WorkingHours): { start: number; end: number } | null {
  if (!hours.days.includes(date.weekday)) return null;
  return { start: zonedInstant(date, hours.startMinute, timeZone), end: zonedInstant(date, hours.endMinute, timeZone) };
}

/** Throws on hours no calendar can run: no working day, or a day that ends before it starts. */
export function assertWorkingHours(hours: WorkingHours): void {
  if (hours.days.length === 0) throw new Error('working hours: days is empty (expected at least one weekday)');
  if (!(hours.startMinute >= 0 && hours.endMinute < 24 * 60 && hours.startMinute < hours.endMinute)) {
    throw new Error(`working hours: start minute ${hours.startMinute} and end minute ${hours.endMinute} (expected 0 ≤ start < end < 1440)`);
  }
}

/** `ms` itself if it is inside working hours (start and end included), else the next working day's start. */
export function nextWorkingMoment(ms: number, timeZone: string, hours: WorkingHours = DEFAULT_WORKING_HOURS): number {
  assertWorkingHours(hours);
  const today = localParts(ms, timeZone);
  // a week and a day covers every pattern of working days, whatever day it is now
  for (let offset = 0; offset <= 8; offset++) {
    const window = windowOf(addDays(today, offset), timeZone, hours);
    if (!window) continue;
    if (ms < window.start) return window.start;
    if (ms <= window.end) return ms;
  }
  throw new Error(`working hours: no working moment within 8 days of ${new Date(ms).toISOString()} in ${timeZone}`);
}

/** Whether `ms` is inside working hours in `timeZone` (the end of the day included). */
export function isWorkingMoment(ms: number, timeZone: string, hours: WorkingHours = DEFAULT_WORKING_HOURS): boolean {
  return nextWorkingMoment(ms, timeZone, hours) === ms;
}

/** `startMs` plus `durationMs` under the rule above (working time under a day, calendar days from a day on). */
export function addWorkingTime(startMs: number, durationMs: number, timeZone: string, hours: WorkingHours = DEFAULT_WORKING_HOURS): number {
  if (!Number.isFinite(startMs) || !Number.isFinite(durationMs) || durationMs < 0) {
    throw new Error(`working hours: cannot add ${durationMs} ms to ${startMs} (expected finite numbers, a duration ≥ 0)`);
  }
  return durationMs >= DAY_MS ? addCalendarDays(startMs, durationMs, timeZone, hours) : addWithinHours(startMs, durationMs, timeZone, hours);
}

function addWithinHours(startMs: number, durationMs: number, timeZone: string, hours: WorkingHours): number {
  let cursor = nextWorkingMoment(startMs, timeZone, hours);
  let left = durationMs;
  for (;;) {
    const today = localParts(cursor, timeZone);
    const window = windowOf(addDays(today, 0), timeZone, hours)!;
    const available = window.end - cursor;
    if (left <= available) return cursor + left;
    left -= available;
    // the next working day's start (a minute past today's end is outside today's window)
    cursor = nextWorkingMoment(window.end + MINUTE_MS, timeZone, hours);
  }
}

function addCalendarDays(startMs: number, durationMs: number, timeZone: string, hours: WorkingHours): number {
  const days = Math.floor(durationMs / DAY_MS);
  const rest = durationMs - days * DAY_MS;
  const start = localParts(startMs, timeZone);
  const minuteOfDay = start.hour * 60 + start.minute;
  // the same wall-clock minute `days` later; seconds and milliseconds carried as elapsed time
  const subMinute = start.second * 1000 + (((startMs % 1000) + 1000) % 1000);
  const shifted = zonedInstant(addDays(start, days), minuteOfDay, timeZone) + subMinute;
  return nextWorkingMoment(Math.max(shifted, startMs) + rest, timeZone, hours);
}
