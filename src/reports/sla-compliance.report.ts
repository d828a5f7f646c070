import type { Queryable } from '../store';
import { ratio, windowStart, type ReportWindow } from './report-period';

/** The statuses migration 011 gives a handoff, in the order a report lists them. */
export const SLA_STATUSES = ['met', 'met_late', 'breached', 'expired', 'pending', 'closed'] as const;
export type SlaStatus = (typeof SLA_STATUSES)[number];

export interface SlaCounts {
  handoffs: number;
  met: number;
  metLate: number;
  breached: number;
  expired: number;
  pending: number;
  closed: number;
  /** First touches within 30 minutes and within one day of the handoff (SPEC.md §5). */
  within30Minutes: number;
  withinOneDay: number;
  /** met / (met + met late + breached + expired): of the handoffs whose SLA is decided, the share met on time. */
  onTimeRate: number | null;
  /** (met + met late) / the same: the share touched at all. */
  touchedRate: number | null;
}

export interface SlaReport {
  since: string;
  until: string;
  total: SlaCounts;
  /**
   * Per rep: the CRM's owner or user id (null: nobody was assigned) in the installation whose CRM it
   * belongs to (owner ids are per CRM), with the name the owner directory holds for it.
   */
  byRep: Array<{ installationId: string; ownerId: string | null; ownerName: string | null } & SlaCounts>;
  byTeam: Array<{ team: string | null } & SlaCounts>;
}

interface Row {
  installation_id: string;
  owner_id: string | null;
  owner_name: string | null;
  team: string | null;
  status: SlaStatus;
  n: number;
  within_30m: number;
  within_1d: number;
}

/**
 * SLA compliance of the rep handoffs that started in the window (handoffs held for missing fields
 * are marketing's, not a rep's, and are left out). One grouped read of the (workspace, started_at)
 * index; the roll-ups by rep and team add up the few groups it returns.
 */
export async function slaReport(db: Queryable, workspaceId: string, window: ReportWindow): Promise<SlaReport> {
  const since = windowStart(window).toISOString();
  const until = window.now.toISOString();
  const { rows } = await db.query<Row>(
    `SELECT h.installation_id, h.owner_id, o.name AS owner_name, h.team, h.status, count(*)::int AS n,
            count(*) FILTER (WHERE h.first_touched_at IS NOT NULL AND h.first_touched_at - h.started_at <= interval '30 minutes')::int AS within_30m,
            count(*) FILTER (WHERE h.first_touched_at IS NOT NULL AND h.first_touched_at - h.started_at <= interval '1 day')::int AS within_1d
       FROM sla_handoffs h
       LEFT JOIN crm_owners o ON o.installation_id = h.installation_id AND o.owner_id = h.owner_id
      WHERE h.workspace_id = $1 AND h.kind = 'handoff' AND h.started_at >= $2 AND h.started_at <= $3
      GROUP BY h.installation_id, h.owner_id, o.name, h.team, h.status`,
    [workspaceId, since, until],
  );
  return {
    since,
    until,
    total: countsOf(rows),
    byRep: groupBy(rows, (r) => (r.owner_id === null ? null : `${r.installation_id}\u0000${r.owner_id}`)).map(([, group]) => ({
      installationId: group[0]!.installation_id,
      ownerId: group[0]!.owner_id,
      ownerName: group[0]!.owner_name,
      ...countsOf(group),
    })),
    byTeam: groupBy(rows, (r) => r.team).map(([team, group]) => ({ team, ...countsOf(group) })),
  };
}

function groupBy(rows: readonly Row[], key: (row: Row) => string | null): Array<[string | null, Row[]]> {
  const groups = new Map<string | null, Row[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  // named groups in name order, the unassigned last
  return [...groups].sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)));
}

function countsOf(rows: readonly Row[]): SlaCounts {
  const by = (status: SlaStatus) => rows.filter((r) => r.status === status).reduce((sum, r) => sum + r.n, 0);
  const met = by('met');
  const metLate = by('met_late');
  const breached = by('breached');
  const expired = by('expired');
  const decided = met + metLate + breached + expired;
  return {
    handoffs: rows.reduce((sum, r) => sum + r.n, 0),
    met,
    metLate,
    breached,
    expired,
    pending: by('pending'),
    closed: by('closed'),
    within30Minutes: rows.reduce((sum, r) => sum + r.within_30m, 0),
    withinOneDay: rows.reduce((sum, r) => sum + r.within_1d, 0),
    onTimeRate: ratio(met, decided),
    touchedRate: ratio(met + metLate, decided),
  };
}
