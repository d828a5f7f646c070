import type { Queryable } from '../store';
import { WEEKS_PER_QUARTER, type ReportWindow } from './report-period';

/** The rulebook's commitment (sla.targets), per quarter as written there. */
export interface QuarterTargets {
  mqlPerQuarter: number;
  sqlPerQuarter: number;
}

export interface VolumeReport {
  /** Per quarter / 13, or null when the published rulebook sets no target. */
  target: { mqlPerWeek: number; sqlPerWeek: number } | null;
  /** The workspace's time zone: weeks start on Monday 00:00 there. */
  timeZone: string;
  /**
   * One row per week, oldest first, zeros included: the people who entered MQL and SQL that week
   * (a person entering twice in one week counts once). `week` is the Monday, YYYY-MM-DD.
   */
  weeks: Array<{ week: string; mql: number; sql: number; mqlVsTarget: number | null; sqlVsTarget: number | null }>;
}

/**
 * MQL and SQL volume per week against the committed target (SPEC.md §3.10: "a number of qualified
 * leads per quarter, tracked weekly"). Each week is two range reads of the (workspace, to_stage, at)
 * index, never a scan of the transitions.
 */
export async function volumeReport(db: Queryable, workspaceId: string, window: ReportWindow, targets: QuarterTargets | null): Promise<VolumeReport> {
  const { rows } = await db.query<{ week: string; mql: number; sql: number; time_zone: string }>(
    `WITH tz AS (SELECT time_zone FROM workspaces WHERE id = $1),
     weeks AS (
       SELECT w AS local_start, tz.time_zone,
              w AT TIME ZONE tz.time_zone AS starts, (w + interval '1 week') AT TIME ZONE tz.time_zone AS ends
         FROM tz, generate_series(date_trunc('week', $2::timestamptz AT TIME ZONE tz.time_zone) - ($3::int - 1) * interval '1 week',
                                  date_trunc('week', $2::timestamptz AT TIME ZONE tz.time_zone), interval '1 week') AS w
     )
     SELECT to_char(local_start, 'YYYY-MM-DD') AS week, time_zone,
            (SELECT count(DISTINCT t.person_id) FROM stage_transitions t
              WHERE t.workspace_id = $1 AND t.to_stage = 'mql' AND t.at >= weeks.starts AND t.at < weeks.ends AND t.at <= $2)::int AS mql,
            (SELECT count(DISTINCT t.person_id) FROM stage_transitions t
              WHERE t.workspace_id = $1 AND t.to_stage = 'sql' AND t.at >= weeks.starts AND t.at < weeks.ends AND t.at <= $2)::int AS sql
       FROM weeks ORDER BY local_start`,
    [workspaceId, window.now.toISOString(), window.weeks],
  );
  const target = targets ? { mqlPerWeek: targets.mqlPerQuarter / WEEKS_PER_QUARTER, sqlPerWeek: targets.sqlPerQuarter / WEEKS_PER_QUARTER } : null;
  return {
    target,
    timeZone: rows[0]?.time_zone ?? 'UTC',
    weeks: rows.map((r) => ({
      week: r.week,
      mql: r.mql,
      sql: r.sql,
      mqlVsTarget: target && target.mqlPerWeek > 0 ? r.mql / target.mqlPerWeek : null,
      sqlVsTarget: target && target.sqlPerWeek > 0 ? r.sql / target.sqlPerWeek : null,
    })),
  };
}
