/** Retries of 5xx and network errors: capped exponential backoff with full jitter. */
import fc from 'fast-check';
import { backoffDelay } from '../../src/rate-limit';

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('backoffDelay', () => {
  it('stays in [0, min(maxMs, baseMs × 2^(attempt−1))) and is a whole number of ms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 0, max: 600_000 }), unit, (attempt, baseMs, extra, r) => {
        const maxMs = baseMs + extra;
        const delay = backoffDelay(attempt, { baseMs, maxMs, random: () => r });
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.min(maxMs, baseMs * 2 ** (attempt - 1)));
      }),
    );
  });

  it('spans the whole range: the jitter is full, not added on top of a floor', () => {
    const options = { baseMs: 100, maxMs: 30_000 };
    expect(backoffDelay(4, { ...options, random: () => 0 })).toBe(0);
    expect(backoffDelay(4, { ...options, random: () => 0.999_999 })).toBe(799);
    expect(backoffDelay(1, { ...options, random: () => 0.5 })).toBe(50);
    // capped: attempt 20 would be 52 million ms uncapped
    expect(backoffDelay(20, { ...options, random: () => 0.5 })).toBe(15_000);
  });

  it('grows its ceiling with each attempt until the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 1_000 }), (attempt, baseMs) => {
        const ceiling = (n: number) => backoffDelay(n, { baseMs, maxMs: 60_000, random: () => 0.999_999_999 });
        expect(ceiling(attempt + 1)).toBeGreaterThanOrEqual(ceiling(attempt));
      }),
    );
  });

  it('refuses an attempt that is not a retry number, and an inverted range', () => {
    const random = () => 0.5;
    expect(() => backoffDelay(0, { baseMs: 100, maxMs: 1_000, random })).toThrow(RangeError);
    expect(() => backoffDelay(1.5, { baseMs: 100, maxMs: 1_000, random })).toThrow(RangeError);
    expect(() => backoffDelay(1, { baseMs: 1_000, maxMs: 100, random })).toThrow(RangeError);
  });
});
