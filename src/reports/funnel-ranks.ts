import { FUNNEL_STAGES, funnelRank, type FunnelStage } from '../model/stage';

/**
 * How far each person of a workspace got in the funnel: the highest funnel stage they are in now or
 * ever left or entered (stage_transitions), so a person recycled to nurture after SQL still counts as
 * having reached SQL. A SQL fragment (CTE `tops(person_id, top)`, ranks 1-based as FUNNEL_STAGES
 * orders them), run in the database; `$1` is the workspace, `$2` the stage names in funnel order.
 * Everyone with a state has at least reached the first stage (contact).
 */
export const TOPS_CTE = `ranks AS (
    SELECT stage, rank::int AS rank FROM unnest($2::text[]) WITH ORDINALITY AS r(stage, rank)
  ),
  tops AS (
    SELECT ps.person_id, GREATEST(coalesce(max(r.rank), 1), 1) AS top
      FROM person_state ps
      LEFT JOIN stage_transitions t ON t.workspace_id = ps.workspace_id AND t.person_id = ps.person_id
      LEFT JOIN ranks r ON r.stage IN (ps.stage, t.from_stage, t.to_stage)
     WHERE ps.workspace_id = $1
     GROUP BY ps.person_id
  )`;

/** The `$2` parameter of TOPS_CTE. */
export const FUNNEL_ORDER: readonly string[] = FUNNEL_STAGES;

/** The 1-based rank TOPS_CTE gives a stage. */
export function rankOf(stage: FunnelStage): number {
  return funnelRank(stage) + 1;
}
