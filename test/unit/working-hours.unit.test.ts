import fc from 'fast-check';
import { addWorkingTime, DEFAULT_WORKING_HOURS, isWorkingMoment, nextWorkingMoment, type Weekday, type WorkingHours } from '../../src/sla/working-hours';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('working-hours calendar: examples', () => {
  it('a short duration inside the working day is plain elapsed time', () => {
    // Tuesday 2026-03-03 10:00 in New York (EST, -05:00)
    expect(iso(addWorkingTime(at('2026-03-03T15:00:00Z'), 30 * MINUTE, 'America/New_York'))).toBe('2026-03-03T15:30:00.000Z');
  });

  it('working time stops at the end of the day and resumes the next working morning (Friday → Monday)', () => {
    // Friday 2026-02-06 16:50 EST + 30m = Monday 09:20 EST
    expect(iso(addWorkingTime(at('2026-02-06T21:50:00Z'), 30 * MINUTE, 'America/New_York'))).toBe('2026-02-09T14:20:00.000Z');
  });

  it('a start outside working hours begins at the next working moment', () => {
    // Saturday 2026-03-07 12:00 in Berlin + 2h = Monday 11:00 CET
    expect(iso(addWorkingTime(at('2026-03-07T11:00:00Z'), 2 * HOUR, 'Europe/Berlin'))).toBe('2026-03-09T10:00:00.000Z');
  });

  it('runs in the zone it is given: the same instant is working time in Tokyo and night in Los Angeles', () => {
    const start = at('2026-03-04T01:00:00Z'); // Wed 10:00 in Tokyo, Tue 17:00 in Los Angeles
    expect(iso(addWorkingTime(start, HOUR, 'Asia/Tokyo'))).toBe('2026-03-04T02:00:00.000Z');
    expect(iso(addWorkingTime(start, HOUR, 'America/Los_Angeles'))).toBe('2026-03-04T18:00:00.000Z'); // Wed 10:00 PST
  });

  it('follows daylight saving: the morning after the US clocks change starts at 09:00 EDT, an hour earlier in UTC', () => {
    // Friday 2026-03-06 16:30 EST + 1h: 30m on Friday, 30m on Monday 2026-03-09 (EDT, -04:00)
    expect(iso(addWorkingTime(at('2026-03-06T21:30:00Z'), HOUR, 'America/New_York'))).toBe('2026-03-09T13:30:00.000Z');
  });

  it('a day or more counts calendar days on the wall clock, rolled to the next working moment', () => {
    // Tuesday 10:00 EST + 2d = Thursday 10:00
    expect(iso(addWorkingTime(at('2026-03-03T15:00:00Z'), 2 * DAY, 'America/New_York'))).toBe('2026-03-05T15:00:00.000Z');
    // Friday 10:00 + 1d = Saturday 10:00, rolled to Monday 09:00 (EDT by then)
    expect(iso(addWorkingTime(at('2026-03-06T15:00:00Z'), DAY, 'America/New_York'))).toBe('2026-03-09T13:00:00.000Z');
    // across the spring change a day stays a wall-clock day: Sunday 2026-03-08 is 23 hours long
    expect(iso(addWorkingTime(at('2026-03-06T15:00:00Z'), 4 * DAY, 'America/New_York'))).toBe('2026-03-10T14:00:00.000Z');
  });

  it('honours custom days and hours', () => {
    const hours: WorkingHours = { days: [7, 1, 2, 3, 4], startMinute: 8 * 60, endMinute: 16 * 60 + 30 }; // Sun–Thu 08:00–16:30
    // Friday 2026-03-06 10:00 in Dubai (+04:00) is a day off: 1h → Sunday 09:00
    expect(iso(addWorkingTime(at('2026-03-06T06:00:00Z'), HOUR, 'Asia/Dubai', hours))).toBe('2026-03-08T05:00:00.000Z');
  });

  it('refuses a negative duration and hours that end before they start', () => {
    expect(() => addWorkingTime(0, -1, 'UTC')).toThrow(/-1 ms/);
    expect(() => nextWorkingMoment(0, 'UTC', { days: [1], startMinute: 600, endMinute: 540 })).toThrow(/start minute 600 and end minute 540/);
    expect(() => nextWorkingMoment(0, 'UTC', { days: [], startMinute: 540, endMinute: 600 })).toThrow(/days is empty/);
  });
});

describe('working-hours calendar: properties', () => {
  const zones = fc.constantFrom('UTC', 'America/New_York', 'America/Los_Angeles', 'Europe/Berlin', 'Europe/London', 'Asia/Tokyo', 'Asia/Kolkata', 'Australia/Sydney', 'America/Sao_Paulo');
  // 2020–2030, to the millisecond
  const instants = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) });
  const durations = fc.oneof(fc.integer({ min: 0, max: DAY - 1 }), fc.integer({ min: DAY, max: 30 * DAY }));
  const hoursArb: fc.Arbitrary<WorkingHours> = fc
    .record({
      days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
      // daytime hours: no zone in the list changes its clock between 05:00 and 23:00
      start: fc.integer({ min: 5 * 60, max: 20 * 60 }),
      length: fc.integer({ min: 1, max: 3 * 60 }),
    })
    .map(({ days, start, length }) => ({ days: days as Weekday[], startMinute: start, endMinute: Math.min(start + length, 23 * 60) }));
  const hoursOrDefault = fc.oneof(fc.constant(DEFAULT_WORKING_HOURS), hoursArb);

  it('is never before the start', () => {
    fc.assert(fc.property(instants, durations, zones, hoursOrDefault, (start, duration, zone, hours) => addWorkingTime(start, duration, zone, hours) >= start), { numRuns: 300 });
  });

  it('always lands inside working hours', () => {
    fc.assert(fc.property(instants, durations, zones, hoursOrDefault, (start, duration, zone, hours) => isWorkingMoment(addWorkingTime(start, duration, zone, hours), zone, hours)), { numRuns: 300 });
  });

  it('is monotone in the start: a later start is never due earlier', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 10 * DAY }), durations, zones, hoursOrDefault, (start, later, duration, zone, hours) =>
        addWorkingTime(start, duration, zone, hours) <= addWorkingTime(start + later, duration, zone, hours)),
      { numRuns: 300 },
    );
  });

  it('is monotone in the duration within each regime, and adds exactly the duration in working time under a day', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: DAY - 1 }), fc.integer({ min: 0, max: DAY - 1 }), zones, (start, a, b, zone) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        return addWorkingTime(start, short, zone) <= addWorkingTime(start, long, zone);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(instants, fc.integer({ min: DAY, max: 60 * DAY }), fc.integer({ min: DAY, max: 60 * DAY }), zones, (start, a, b, zone) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        return addWorkingTime(start, short, zone) <= addWorkingTime(start, long, zone);
      }),
      { numRuns: 300 },
    );
  });

  it('a start inside working hours plus a duration that fits the day is elapsed time', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 8 * HOUR }), zones, (raw, duration, zone) => {
        const start = nextWorkingMoment(raw, zone);
        const due = addWorkingTime(start, duration, zone);
        // either the same day (elapsed) or spilled past the day's end: never less than the duration
        return due - start >= duration;
      }),
      { numRuns: 300 },
    );
  });
});
