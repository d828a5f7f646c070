import type { Queryable } from '../store';
import { windowStart, type ReportWindow } from './report-period';

export interface RecycleReport {
  since: string;
  until: string;
  /**
   * Moves into nurture (recycled: rejected by sales, BANT failed, cadence ended, tier-2 fit) and into
   * disqualified, by the reason recorded with the transition, most frequent first.
   */
  reasons: Array<{ stage: 'nurture' | 'disqualified'; reason: string; transitions: number; people: number }>;
}

/** Recycle and nurture reasons in the window: a range read of the (workspace, to_stage, at) index. */
export async function recycleReport(db: Queryable, workspaceId: string, window: ReportWindow): Promise<RecycleReport> {
  const since = windowStart(window).toISOString();
  const until = window.now.toISOString();
  const { rows } = await db.query<{ stage: 'nurture' | 'disqualified'; reason: string; transitions: number; people: number }>(
    `SELECT to_stage AS stage, reason, count(*)::int AS transitions, count(DISTINCT person_id)::int AS people
       FROM stage_transitions
      WHERE workspace_id = $1 AND to_stage IN ('nurture', 'disqualified') AND at >= $2 AND at <= $3
      GROUP BY to_stage, reason
      ORDER BY to_stage DESC, transitions DESC, reason`,
    [workspaceId, since, until],
  );
  return { since, until, reasons: rows };
}
