/**
 * Salesforce's wire formats for time: datetimes as `2026-11-27T12:00:00.000+0000` (REST JSON),
 * dates as `2026-11-27`. Rows store these strings; the Bulk API's CSV writes datetimes with `Z`.
 *
 * Formatting is by hand into one buffer: seeding formats about a million timestamps, and
 * `toISOString().replace()` made that the slowest step of start-up (and doubled the strings' memory).
 */
const NativeDate = Date;
const floor = Math.floor;
const DAY = 86_400_000;

const dayPrefix = new Map<number, string>();

function datePart(day: number): string {
  let text = dayPrefix.get(day);
  if (text === undefined) {
    text = new NativeDate(day * DAY).toISOString().slice(0, 10);
    if (dayPrefix.size > 20_000) dayPrefix.clear();
    dayPrefix.set(day, text);
  }
  return text;
}

/** Two ASCII digits per number 0..99. */
const DIGITS = Array.from({ length: 100 }, (_, n) => [48 + floor(n / 10), 48 + (n % 10)] as const);
// One reusable buffer: toString('latin1') gives a flat 28-byte string, half the memory of a concatenated one.
const buffer = Buffer.from('2000-01-01T00:00:00.000+0000', 'latin1');
let bufferDay = Number.NaN;

function writeTwo(offset: number, n: number): void {
  const digits = DIGITS[n]!;
  buffer[offset] = digits[0];
  buffer[offset + 1] = digits[1];
}

export function sfDateTime(epochMs: number): string {
  const ms = floor(epochMs);
  const day = floor(ms / DAY);
  if (day !== bufferDay) {
    buffer.write(datePart(day), 0, 'latin1');
    bufferDay = day;
  }
  let rest = ms - day * DAY;
  const hours = floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = floor(rest / 1000);
  rest -= seconds * 1000;
  writeTwo(11, hours);
  writeTwo(14, minutes);
  writeTwo(17, seconds);
  buffer[20] = 48 + floor(rest / 100);
  buffer[21] = 48 + (floor(rest / 10) % 10);
  buffer[22] = 48 + (rest % 10);
  return buffer.toString('latin1', 0, 28);
}

/**
 * An audit stamp (CreatedDate, LastModifiedDate, SystemModstamp): Salesforce keeps these to the
 * second, so the milliseconds always read `.000`. Two writes within one second share a stamp, and a
 * window bound with milliseconds (`SystemModstamp <= 12:00:00.500Z`) still includes `12:00:00`.
 */
export function sfStamp(epochMs: number): string {
  return sfDateTime(floor(epochMs / 1000) * 1000);
}

export function sfDate(epochMs: number): string {
  return datePart(floor(epochMs / DAY));
}

/** Epoch ms of a stored datetime (`…+0000` or ISO) or date string, NaN when it is neither. */
export function parseSfTime(text: string): number {
  return NativeDate.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}
