/**
 * Calendar days in an IANA time zone, for things that change once a day where the workspace lives
 * (scores fade at the workspace's midnight, not UTC's). Days of 23 or 25 hours and zones whose clocks
 * skip midnight itself (DST at 00:00, e.g. America/Santiago) are handled: a day starts at the first
 * instant whose local date is that day.
 */
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // throws a RangeError naming the zone when it is not an IANA name
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock time in `timeZone` at `at`, read as if it were UTC: `at` plus the zone's offset then. */
function wallClock(at: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
}

/** The local calendar date at `at`, as a day number (days since 1970-01-01 on that zone's calendar). */
export function localDayNumber(at: number, timeZone: string): number {
  if (timeZone === 'UTC') return Math.floor(at / DAY_MS);
  return Math.floor(wallClock(at, timeZone) / DAY_MS);
}

/**
 * The first instant of the local calendar day that contains `at`. Usually the wall-clock midnight
 * minus the offset; when a DST change falls between midnight and `at` (or midnight does not exist),
 * the first minute of the day is searched instead.
 */
export function startOfZoneDay(at: number, timeZone: string): number {
  if (timeZone === 'UTC') return Math.floor(at / DAY_MS) * DAY_MS;
  const day = localDayNumber(at, timeZone);
  const guess = day * DAY_MS - (wallClock(at, timeZone) - at);
  const guessMinute = Math.floor(guess / MINUTE_MS) * MINUTE_MS;
  if (guessMinute <= at && localDayNumber(guessMinute, timeZone) === day && localDayNumber(guessMinute - MINUTE_MS, timeZone) !== day) {
    return guessMinute;
  }
  // binary search for the first minute of `day`: a day lasts at most 25 hours
  let before = Math.floor((at - 26 * 3_600_000) / MINUTE_MS);
  let inside = Math.floor(at / MINUTE_MS);
  while (inside - before > 1) {
    const middle = Math.floor((before + inside) / 2);
    if (localDayNumber(middle * MINUTE_MS, timeZone) === day) inside = middle;
    else before = middle;
  }
  return inside * MINUTE_MS;
}

/** Whole calendar days in `timeZone` from `from` to `to` (0 the same local day, 1 the day before, …). */
export function zoneDaysBetween(from: number, to: number, timeZone: string): number {
  return localDayNumber(to, timeZone) - localDayNumber(from, timeZone);
}
