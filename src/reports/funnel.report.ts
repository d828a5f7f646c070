import { STAGES, type FunnelStage, type Stage } from '../model/stage';
import type { Queryable } from '../store';
import { FUNNEL_ORDER, TOPS_CTE } from './funnel-ranks';
import { ratio } from './report-period';

/** The funnel SPEC.md §5 names: lead → MQL → SQL → opportunity → customer. */
export const CONVERSION_STAGES: readonly FunnelStage[] = ['lead', 'mql', 'sql', 'opportunity', 'customer'];

export interface FunnelReport {
  /** People in each stage now (person_state), every stage listed, zeros included. */
  stages: Array<{ stage: Stage; people: number }>;
  /** Between consecutive funnel stages: of the people who reached `from`, the share who reached `to`. */
  conversions: Array<{ from: FunnelStage; to: FunnelStage; reachedFrom: number; reachedTo: number; rate: number | null }>;
  /**
   * Time spent in a stage, over the stays that ended (the next transition of the same person left
   * it): median and 90th percentile in seconds. A stay still running is not counted.
   */
  timeInStage: Array<{ stage: Stage; stays: number; medianSeconds: number | null; p90Seconds: number | null }>;
}

/** The funnel of one workspace, aggregated in the database. */
export async function funnelReport(db: Queryable, workspaceId: string): Promise<FunnelReport> {
  const [now, reached, stays] = await Promise.all([
    db.query<{ stage: string; people: number }>(
      'SELECT stage, count(*)::int AS people FROM person_state WHERE workspace_id = $1 GROUP BY stage',
      [workspaceId],
    ),
    db.query<{ stage: string; reached: number }>(
      `WITH ${TOPS_CTE}
       SELECT r.stage, (SELECT count(*) FROM tops WHERE tops.top >= r.rank)::int AS reached FROM ranks r ORDER BY r.rank`,
      [workspaceId, FUNNEL_ORDER],
    ),
    db.query<{ stage: string; stays: number; median: number | null; p90: number | null }>(
      `WITH stays AS (
         SELECT to_stage AS stage, at, lead(at) OVER (PARTITION BY person_id ORDER BY at, id) AS left_at
           FROM stage_transitions WHERE workspace_id = $1
       )
       SELECT stage, count(*)::int AS stays,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - at))::float8 AS median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - at))::float8 AS p90
         FROM stays WHERE left_at IS NOT NULL GROUP BY stage`,
      [workspaceId],
    ),
  ]);
  const count = new Map(now.rows.map((r) => [r.stage, r.people]));
  const reachedBy = new Map(reached.rows.map((r) => [r.stage, r.reached]));
  const stayBy = new Map(stays.rows.map((r) => [r.stage, r]));
  return {
    stages: STAGES.map((stage) => ({ stage, people: count.get(stage) ?? 0 })),
    conversions: CONVERSION_STAGES.slice(1).map((to, i) => {
      const from = CONVERSION_STAGES[i]!;
      const reachedFrom = reachedBy.get(from) ?? 0;
      const reachedTo = reachedBy.get(to) ?? 0;
      return { from, to, reachedFrom, reachedTo, rate: ratio(reachedTo, reachedFrom) };
    }),
    timeInStage: STAGES.filter((stage) => stage !== 'evangelist').map((stage) => {
      const row = stayBy.get(stage);
      return { stage, stays: row?.stays ?? 0, medianSeconds: row?.median ?? null, p90Seconds: row?.p90 ?? null };
    }),
  };
}
