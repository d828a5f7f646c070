/**
 * The sandbox clock: what the fake portal believes "now" is. It stamps `lastmodifieddate` on writes
 * and `createdAt` on tasks, and decides the DAILY rate-limit day. Seed data is laid out relative to
 * the `now` option, not to this clock, so moving the clock never changes the seeded portal.
 *
 * Rate-limit windows use a separate monotonic time source (see rate-limit.ts): a test may freeze or
 * jump the portal clock without breaking the ten-second window.
 */
export interface SandboxClock {
  now(): number;
  /** Sets the clock; a running clock keeps ticking from the new value. */
  set(epochMs: number): void;
  advance(ms: number): void;
  readonly mode: ClockMode;
}

/** `running` ticks with wall time from its start value; `frozen` only moves when set/advanced. */
export type ClockMode = 'running' | 'frozen';

export function createClock(
  startMs: number,
  mode: ClockMode,
  wallTime: () => number = Date.now,
): SandboxClock {
  let base = startMs;
  let wallAtBase = wallTime();
  return {
    mode,
    now: () => (mode === 'running' ? base + (wallTime() - wallAtBase) : base),
    set(epochMs: number) {
      base = epochMs;
      wallAtBase = wallTime();
    },
    advance(ms: number) {
      base += ms;
    },
  };
}
