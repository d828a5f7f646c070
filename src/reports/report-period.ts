/**
 * The window a report looks at: `weeks` whole weeks ending with the week of `now`. Volume counts
 * week by week in the workspace's time zone; SLA and recycle reports count what started in the
 * last `weeks` × 7 days up to `now`. Thirteen weeks is a quarter, the period marketing commits to.
 */
export interface ReportWindow {
  /** The report's "now" (injected: tests, reproducible CLI output). */
  now: Date;
  weeks: number;
}

export const DEFAULT_WEEKS = 13;
export const MAX_WEEKS = 104;
/** A quarter in weeks: a per-quarter target is this many weekly targets. */
export const WEEKS_PER_QUARTER = 13;

/** The window's first instant for reports that count by start time (SLA, recycle). */
export function windowStart(window: ReportWindow): Date {
  return new Date(window.now.getTime() - window.weeks * 7 * 24 * 3_600_000);
}

/** A count over a total, or null when there is nothing to divide by (never a made-up 0 %). */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}
