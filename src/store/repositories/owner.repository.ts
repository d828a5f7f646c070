import type { CrmOwner } from '../../sla/handoff-planner';
import type { Session } from '../db.types';
import { StoreError } from '../store-error';

/** An installation's cached owner list and when the CRM was read for it. */
export interface OwnerDirectory {
  /** When the CRM was last read (ISO), or null: never read. */
  refreshedAt: string | null;
  /** false: the CRM would not list its owners when last asked (the list is empty then). */
  listed: boolean;
  owners: CrmOwner[];
}

interface OwnerRow {
  id: string;
  name: string | null;
  email: string | null;
  timeZone: string | null;
  managerId: string | null;
  teams: unknown;
  active: boolean;
}

/**
 * The owner directory (migration 014): each installation's CRM owners as last read, and the
 * round-robin turn of each team. Every query is scoped to one installation: owner ids are per CRM.
 */
export class OwnerRepository {
  constructor(private readonly db: Session) {}

  async directory(installationId: string): Promise<OwnerDirectory> {
    const head = await this.db.query<{ refreshedAt: Date | string; listed: boolean }>(
      `SELECT refreshed_at AS "refreshedAt", listed FROM crm_owner_directories WHERE installation_id = $1`,
      [installationId],
    );
    if (!head.rows[0]) return { refreshedAt: null, listed: false, owners: [] };
    const { rows } = await this.db.query<OwnerRow>(
      `SELECT owner_id AS id, name, email, time_zone AS "timeZone", manager_id AS "managerId", teams, active
         FROM crm_owners WHERE installation_id = $1 ORDER BY owner_id`,
      [installationId],
    );
    return { refreshedAt: new Date(head.rows[0].refreshedAt).toISOString(), listed: head.rows[0].listed, owners: rows.map(toOwner) };
  }

  /**
   * Replaces the installation's list with what the CRM just said. Run it in a transaction
   * (store.transaction) so a reader sees the old list or the new one, never half of each. null:
   * the CRM would not list them; that too is remembered until the next refresh.
   */
  async replace(workspaceId: string, installationId: string, owners: readonly CrmOwner[] | null, refreshedAt: Date): Promise<void> {
    const head = await this.db.query(
      `INSERT INTO crm_owner_directories (installation_id, workspace_id, refreshed_at, listed)
       SELECT i.id, i.workspace_id, $3, $4 FROM installations i WHERE i.id = $2 AND i.workspace_id = $1
       ON CONFLICT (installation_id) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at, listed = EXCLUDED.listed
       RETURNING installation_id`,
      [workspaceId, installationId, refreshedAt, owners !== null],
    );
    if (head.rows.length === 0) throw new StoreError('not_found', `installation ${installationId} is not in workspace ${workspaceId}`);
    await this.db.query(`DELETE FROM crm_owners WHERE installation_id = $1`, [installationId]);
    if (owners === null || owners.length === 0) return;
    const rows = owners.map((owner) => ({
      owner_id: owner.id, name: owner.name, email: owner.email, time_zone: owner.timeZone, manager_id: owner.managerId, teams: owner.teams, active: owner.active,
    }));
    await this.db.query(
      `INSERT INTO crm_owners (installation_id, owner_id, name, email, time_zone, manager_id, teams, active)
       SELECT $1, r.owner_id, r.name, r.email, r.time_zone, r.manager_id, COALESCE(r.teams, '[]'::jsonb), r.active
         FROM jsonb_to_recordset($2::jsonb) AS r(owner_id text, name text, email text, time_zone text, manager_id text, teams jsonb, active boolean)
       ON CONFLICT (installation_id, owner_id) DO NOTHING`,
      [installationId, JSON.stringify(rows)],
    );
  }

  /**
   * Takes the next turn of a team (1, 2, 3, …) in one statement: concurrent callers each get a
   * turn of their own, so two workers never hand the same turn (the same owner) twice.
   */
  async nextTurn(workspaceId: string, installationId: string, team: string): Promise<number> {
    const { rows } = await this.db.query<{ turns: string | number }>(
      `INSERT INTO crm_owner_turns (installation_id, workspace_id, team, turns)
       SELECT i.id, i.workspace_id, $3, 1 FROM installations i WHERE i.id = $2 AND i.workspace_id = $1
       ON CONFLICT (installation_id, team) DO UPDATE SET turns = crm_owner_turns.turns + 1
       RETURNING turns`,
      [workspaceId, installationId, team],
    );
    if (!rows[0]) throw new StoreError('not_found', `installation ${installationId} is not in workspace ${workspaceId}`);
    return Number(rows[0].turns);
  }

  /** The workspace an installation belongs to, or null when it is gone. */
  async workspaceOf(installationId: string): Promise<string | null> {
    const { rows } = await this.db.query<{ workspaceId: string }>(`SELECT workspace_id AS "workspaceId" FROM installations WHERE id = $1`, [installationId]);
    return rows[0]?.workspaceId ?? null;
  }
}

function toOwner(row: OwnerRow): CrmOwner {
  const teams = typeof row.teams === 'string' ? (JSON.parse(row.teams) as unknown) : row.teams;
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    timeZone: row.timeZone,
    managerId: row.managerId,
    teams: Array.isArray(teams) ? teams.filter((team): team is string => typeof team === 'string') : [],
    active: row.active,
  };
}
