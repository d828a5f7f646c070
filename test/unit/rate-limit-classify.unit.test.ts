/** What a HubSpot 429 means (reference §1.10), and when "midnight in the account's timezone" is. */
import fc from 'fast-check';
import { classify429 } from '../../connectors/hubspot/classify-429.util';
import { nextMidnight, parseRetryAfter } from '../../src/rate-limit';

const NOW = Date.UTC(2026, 10, 27, 15, 30, 0);
const body = (policyName: string | undefined, message = 'You have reached your limit.') => ({
  status: 'error',
  message,
  errorType: 'RATE_LIMIT',
  correlationId: 'c0ffee',
  ...(policyName === undefined ? {} : { policyName }),
});

describe('classify429', () => {
  it('backs off one rolling window for TEN_SECONDLY_ROLLING, one second for SECONDLY', () => {
    expect(classify429(body('TEN_SECONDLY_ROLLING'), {}, NOW)).toEqual({ action: 'backoff', waitMs: 10_000 });
    expect(classify429(body('SECONDLY'), undefined, NOW)).toEqual({ action: 'backoff', waitMs: 1_000 });
  });

  it('recognises the secondly limit by its message when policyName is missing', () => {
    expect(classify429(body(undefined, 'You have reached your secondly limit.'), {}, NOW)).toEqual({ action: 'backoff', waitMs: 1_000 });
  });

  it('honours Retry-After, in seconds or as an HTTP date, whatever the header case', () => {
    expect(classify429(body('TEN_SECONDLY_ROLLING'), { 'Retry-After': '3' }, NOW)).toEqual({ action: 'backoff', waitMs: 3_000 });
    expect(classify429(body('SECONDLY'), { 'retry-after': ['0.5'] }, NOW)).toEqual({ action: 'backoff', waitMs: 500 });
    const inSevenSeconds = new Date(NOW + 7_000).toUTCString();
    expect(classify429(body('TEN_SECONDLY_ROLLING'), { 'retry-after': inSevenSeconds }, NOW)).toEqual({ action: 'backoff', waitMs: 7_000 });
  });

  it('treats an unknown or missing policy like the rolling window, and ignores a Retry-After it cannot read', () => {
    expect(classify429('Too Many Requests', { 'retry-after': 'soon' }, NOW)).toEqual({ action: 'backoff', waitMs: 10_000 });
    expect(classify429(null, undefined, NOW)).toEqual({ action: 'backoff', waitMs: 10_000 });
  });

  it('pauses a DAILY 429 until midnight, UTC by default or in the given timezone, even with a Retry-After', () => {
    expect(classify429(body('DAILY'), { 'retry-after': '1' }, NOW)).toEqual({ action: 'pause-daily', untilMs: Date.UTC(2026, 10, 28) });
    expect(classify429(body('DAILY'), {}, NOW, 'America/New_York')).toEqual({ action: 'pause-daily', untilMs: Date.UTC(2026, 10, 28, 5) });
    expect(classify429(body('DAILY'), {}, NOW, 'Asia/Tokyo')).toEqual({ action: 'pause-daily', untilMs: Date.UTC(2026, 10, 27, 15) + 86_400_000 });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and dates, clamps a past date to 0, and gives null for nothing usable', () => {
    expect(parseRetryAfter('10', NOW)).toBe(10_000);
    expect(parseRetryAfter(new Date(NOW - 5_000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter(undefined, NOW)).toBeNull();
    expect(parseRetryAfter('  ', NOW)).toBeNull();
    expect(parseRetryAfter('-1', NOW)).toBeNull();
  });
});

describe('nextMidnight', () => {
  it('finds midnight across daylight-saving changes', () => {
    // New York springs forward at 02:00 on 8 March 2026: a 23-hour day
    expect(nextMidnight(Date.UTC(2026, 2, 7, 12), 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 5));
    expect(nextMidnight(Date.UTC(2026, 2, 8, 12), 'America/New_York')).toBe(Date.UTC(2026, 2, 9, 4));
    // Chile skips from 00:00 to 01:00 on 6 September 2026: the day starts at 01:00 local, 04:00 UTC
    expect(nextMidnight(Date.UTC(2026, 8, 5, 12), 'America/Santiago')).toBe(Date.UTC(2026, 8, 6, 4));
  });

  it('is exact at the boundary: midnight itself belongs to the new day', () => {
    expect(nextMidnight(Date.UTC(2026, 10, 27, 23, 59, 59, 999))).toBe(Date.UTC(2026, 10, 28));
    expect(nextMidnight(Date.UTC(2026, 10, 28))).toBe(Date.UTC(2026, 10, 29));
  });

  it('names a bad timezone', () => {
    expect(() => nextMidnight(NOW, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });

  it('is always the first instant of the next local date, in any zone', () => {
    const zones = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Chatham'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }), fc.constantFrom(...zones), (now, timeZone) => {
        const date = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
        const resetsAt = nextMidnight(now, timeZone);
        expect(resetsAt).toBeGreaterThan(now);
        expect(resetsAt - now).toBeLessThanOrEqual(25 * 3_600_000);
        expect(date.format(resetsAt)).not.toBe(date.format(now));
        expect(date.format(resetsAt - 1)).toBe(date.format(now));
      }),
      { numRuns: 500 },
    );
  });
});
