/**
 * Dates and datetimes as numbers, so comparisons are integer comparisons: a date is days since
 * 1970-01-01, a datetime epoch milliseconds. Rows store Salesforce's text (`2026-11-27T12:00:00.000+0000`),
 * parsed here with integer arithmetic because the evaluator reads one per row per filter or sort key.
 * The sandbox's user time zone is UTC, so TODAY is the UTC day of `now`.
 */
import type { SoqlDateKeyword } from './ast';

export const DAY_MS = 86_400_000;

// Salesforce's valid dates; the range also keeps Date.UTC away from its 0–99 → 1900s mapping
const MIN_YEAR = 1700;
const MAX_YEAR = 4000;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The value of `count` digits at `start`, or -1 if any is not a digit. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** `YYYY-MM-DD` (what follows position 10 is ignored) as days since the epoch; NaN if not a real date. */
export function parseDateDay(text: string): number {
  if (text.length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.sss](Z|±HH:MM|±HHMM)` as epoch milliseconds; NaN for anything else. Covers both
 * the literals SOQL accepts and the stored form Salesforce returns.
 */
export function parseDateTimeMillis(text: string): number {
  if (text.length < 20 || text.charCodeAt(10) !== 84 /* T */ || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return NaN;
  const day = parseDateDay(text);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (Number.isNaN(day) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN;
  let index = 19;
  let millis = 0;
  if (text.charCodeAt(index) === 46 /* . */) {
    let fractionDigits = 0;
    index++;
    while (fractionDigits < 3 && text.charCodeAt(index) >= 48 && text.charCodeAt(index) <= 57) {
      millis = millis * 10 + (text.charCodeAt(index) - 48);
      index++;
      fractionDigits++;
    }
    if (fractionDigits === 0) return NaN;
    millis *= fractionDigits === 1 ? 100 : fractionDigits === 2 ? 10 : 1;
  }
  const offsetMinutes = parseZone(text, index);
  if (Number.isNaN(offsetMinutes)) return NaN;
  return day * DAY_MS + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis - offsetMinutes * 60_000;
}

/** `Z`, `±HH:MM` or `±HHMM` ending the text at `index`, in minutes east of UTC. */
function parseZone(text: string, index: number): number {
  const sign = text[index];
  if (sign === 'Z') return index + 1 === text.length ? 0 : NaN;
  if (sign !== '+' && sign !== '-') return NaN;
  const hours = digits(text, index + 1, 2);
  const colon = text[index + 3] === ':' ? 1 : 0;
  const minutes = digits(text, index + 3 + colon, 2);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || index + 5 + colon !== text.length) return NaN;
  return (sign === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** The days a date keyword covers: `[fromDay, toDay)`, relative to the UTC day of `now`. */
export function dateKeywordDays(keyword: SoqlDateKeyword, n: number, now: number): { fromDay: number; toDay: number } {
  const today = Math.floor(now / DAY_MS);
  switch (keyword) {
    case 'TODAY':
      return { fromDay: today, toDay: today + 1 };
    case 'YESTERDAY':
      return { fromDay: today - 1, toDay: today };
    case 'TOMORROW':
      return { fromDay: today + 1, toDay: today + 2 };
    case 'LAST_N_DAYS': // today and the n days before it (LAST_N_DAYS:1 is yesterday and today)
      return { fromDay: today - n, toDay: today + 1 };
    case 'NEXT_N_DAYS': // the n days after today, not today
      return { fromDay: today + 1, toDay: today + 1 + n };
  }
}
