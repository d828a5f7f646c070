import fc from 'fast-check';
import { parseIsoMillis } from '../../src/util/iso-time.util';

describe('parseIsoMillis', () => {
  it('agrees with Date.parse on every UTC timestamp, with and without milliseconds', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01'), max: new Date('2200-12-31'), noInvalidDate: true }), (date) => {
        const withMillis = date.toISOString();
        const withoutMillis = withMillis.replace(/\.\d{3}Z$/, 'Z');
        expect(parseIsoMillis(withMillis)).toBe(Date.parse(withMillis));
        expect(parseIsoMillis(withoutMillis)).toBe(Date.parse(withoutMillis));
      }),
      { numRuns: 2000, seed: 1 },
    );
  });

  it('falls back to Date.parse for other forms and rejects garbage', () => {
    expect(parseIsoMillis('2026-11-27T12:00:00+02:00')).toBe(Date.parse('2026-11-27T12:00:00+02:00'));
    expect(parseIsoMillis('2026-11-27')).toBe(Date.parse('2026-11-27'));
    expect(parseIsoMillis('2026-1x-27T12:00:00Z')).toBeNaN();
  });
});
