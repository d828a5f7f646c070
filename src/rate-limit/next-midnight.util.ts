/**
 * The first instant after `now` at which the calendar date in `timeZone` changes: a CRM's daily
 * limit resets at midnight in the account's timezone. Searched rather than computed from an offset,
 * so days of 23 or 25 hours and zones whose clocks skip midnight itself (DST at 00:00, e.g.
 * America/Santiago) come out right. Offsets are whole minutes in every current zone, so the date can
 * only change on a minute boundary: a binary search over minutes takes about 12 lookups.
 */
const MINUTE_MS = 60_000;
/** Long enough that the date has certainly changed (a day lasts at most 25 hours). */
const SEARCH_SPAN_MINUTES = 48 * 60;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Per zone, the last answer: every `now` in [from, resetsAt) has the same next midnight. */
const lastAnswer = new Map<string, { from: number; resetsAt: number }>();

export function nextMidnight(now: number, timeZone = 'UTC'): number {
  const cached = lastAnswer.get(timeZone);
  if (cached && now >= cached.from && now < cached.resetsAt) return cached.resetsAt;
  const dateOf = localDate(timeZone);
  const start = Math.floor(now / MINUTE_MS);
  const today = dateOf(start * MINUTE_MS);
  let sameDay = start;
  let nextDay = start + SEARCH_SPAN_MINUTES;
  while (nextDay - sameDay > 1) {
    const middle = Math.floor((sameDay + nextDay) / 2);
    if (dateOf(middle * MINUTE_MS) === today) sameDay = middle;
    else nextDay = middle;
  }
  const resetsAt = nextDay * MINUTE_MS;
  lastAnswer.set(timeZone, { from: now, resetsAt });
  return resetsAt;
}

function localDate(timeZone: string): (at: number) => string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // throws a RangeError naming the zone when it is not an IANA name
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  const format = formatter;
  return (at) => format.format(at);
}
