/**
 * The sandbox clock: what the fake account believes "now" is. It stamps the modification dates of
 * writes and the creation dates of records made through the API, and decides which day a daily
 * limit counts. Seed data is laid out relative to the `now` option, not to this clock, so moving the
 * clock never changes the seeded account.
 *
 * Rate-limit windows use a separate monotonic time source (each vendor's limiter): a test may freeze
 * or jump the sandbox clock without breaking a ten-second window.
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

/** The `now` option of a sandbox (a Date, epoch ms or an ISO 8601 string) as epoch ms. */
export function parseNow(now: string | number | Date | undefined, defaultNow: string): number {
  const ms = now instanceof Date ? now.getTime() : typeof now === 'number' ? now : Date.parse(now ?? defaultNow);
  if (Number.isNaN(ms)) throw new Error(`now must be a date, epoch milliseconds or an ISO 8601 string, got ${String(now)}`);
  return ms;
}
