import type { Queryable } from '../store';
import { SLA_STATUSES, type SlaStatus } from './sla-compliance.report';

/** The window the SLA gauges cover: the handoffs of the last 7 days, as an on-call person reads them. */
export const GAUGE_SLA_WINDOW_MS = 7 * 24 * 3_600_000;

export interface GaugeFigures {
  peopleByStage: Array<{ workspaceId: string; stage: string; people: number }>;
  slaByStatus: Array<{ workspaceId: string; status: SlaStatus; handoffs: number }>;
}

/**
 * What the Prometheus gauges show, for every workspace at once: two grouped reads (people per stage
 * through the (workspace, stage) index; rep handoffs of the last 7 days by status). The caller
 * caches them (src/metrics/report-gauges.ts), so a scrape every few seconds costs one read a minute.
 */
export async function gaugeFigures(db: Queryable, now: number): Promise<GaugeFigures> {
  const [stages, sla] = await Promise.all([
    db.query<{ workspaceId: string; stage: string; people: number }>(
      'SELECT workspace_id AS "workspaceId", stage, count(*)::int AS people FROM person_state GROUP BY workspace_id, stage',
    ),
    db.query<{ workspaceId: string; status: SlaStatus; handoffs: number }>(
      `SELECT workspace_id AS "workspaceId", status, count(*)::int AS handoffs FROM sla_handoffs
        WHERE kind = 'handoff' AND started_at >= $1 AND status = ANY($2::text[]) GROUP BY workspace_id, status`,
      [new Date(now - GAUGE_SLA_WINDOW_MS).toISOString(), SLA_STATUSES],
    ),
  ]);
  return { peopleByStage: stages.rows, slaByStatus: sla.rows };
}
