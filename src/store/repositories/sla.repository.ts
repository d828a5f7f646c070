import type { Session } from '../db.types';
import { StoreError, isForeignKeyViolation } from '../store-error';

/** pending → met / met_late (touched), breached (escalated), expired (cadence ended), closed (left before any touch). */
export const SLA_STATUSES = ['pending', 'met', 'met_late', 'breached', 'expired', 'closed'] as const;
export type SlaStatus = (typeof SLA_STATUSES)[number];
export type HandoffKind = 'handoff' | 'held';
export type OwnerSource = 'record' | 'round_robin' | 'territory' | 'none';

/** One follow-up agreement (migration 011): a person handed to sales, or held for missing fields. */
export interface SlaHandoff {
  id: string;
  workspaceId: string;
  installationId: string;
  personId: string;
  handoffKey: string;
  kind: HandoffKind;
  startedAt: string;
  firstTouchDueAt: string;
  ownerId: string | null;
  ownerSource: OwnerSource;
  team: string | null;
  timeZone: string;
  status: SlaStatus;
  firstTouchedAt: string | null;
  escalatedAt: string | null;
  /** The cadence step whose task is created next (0 = the first touch). */
  nextStep: number;
  /** When the sla job looks again; null once the handoff is finished. */
  nextDueAt: string | null;
  outcome: string | null;
  outcomeReason: string | null;
  closedAt: string | null;
  note: string | null;
  rulebookVersion: string;
  createdAt: string;
  updatedAt: string;
}

export interface NewHandoff {
  personId: string;
  /** `<personId>:sql:<SLA start>` (the first-touch task's key too): one handoff per key, ever. */
  handoffKey: string;
  kind: HandoffKind;
  startedAt: Date | string;
  firstTouchDueAt: Date | string;
  ownerId: string | null;
  ownerSource: OwnerSource;
  team: string | null;
  timeZone: string;
  /** The first look of the sla job (the next step's creation, the escalation). */
  nextDueAt: Date | string | null;
  /** The first-touch task is reserved with the handoff: the next step to create is 1. */
  nextStep: number;
  note: string | null;
  rulebookVersion: string;
}

/** What the sla job changes on a handoff; a key left out is left alone. */
export interface HandoffChange {
  status?: SlaStatus;
  nextStep?: number;
  nextDueAt?: Date | string | null;
  firstTouchedAt?: Date | string | null;
  escalatedAt?: Date | string | null;
  outcome?: string | null;
  outcomeReason?: string | null;
  closedAt?: Date | string | null;
  note?: string | null;
}

const COLUMNS = `id, workspace_id AS "workspaceId", installation_id AS "installationId", person_id AS "personId",
  handoff_key AS "handoffKey", kind, started_at AS "startedAt", first_touch_due_at AS "firstTouchDueAt",
  owner_id AS "ownerId", owner_source AS "ownerSource", team, time_zone AS "timeZone", status,
  first_touched_at AS "firstTouchedAt", escalated_at AS "escalatedAt", next_step AS "nextStep",
  next_due_at AS "nextDueAt", outcome, outcome_reason AS "outcomeReason", closed_at AS "closedAt", note,
  rulebook_version AS "rulebookVersion", created_at AS "createdAt", updated_at AS "updatedAt"`;

const CHANGE_COLUMNS: Record<keyof HandoffChange, string> = {
  status: 'status',
  nextStep: 'next_step',
  nextDueAt: 'next_due_at',
  firstTouchedAt: 'first_touched_at',
  escalatedAt: 'escalated_at',
  outcome: 'outcome',
  outcomeReason: 'outcome_reason',
  closedAt: 'closed_at',
  note: 'note',
};

/**
 * SLA handoffs. Created idempotently under their key (a retried score job finds its own row), and
 * found by the sla job through the partial index on (installation_id, next_due_at): a tick reads
 * the handoffs that are due, never every open one.
 */
export class SlaRepository {
  constructor(private readonly db: Session) {}

  /** `created` is true only for the caller that inserted the row. */
  async createHandoffIfAbsent(installationId: string, handoff: NewHandoff): Promise<{ handoff: SlaHandoff; created: boolean }> {
    try {
      const inserted = await this.db.query<SlaHandoff>(
        `INSERT INTO sla_handoffs (workspace_id, installation_id, person_id, handoff_key, kind, started_at, first_touch_due_at,
           owner_id, owner_source, team, time_zone, next_due_at, next_step, note, rulebook_version)
         SELECT i.workspace_id, i.id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 FROM installations i WHERE i.id = $1
         ON CONFLICT (installation_id, handoff_key) DO NOTHING
         RETURNING ${COLUMNS}`,
        [installationId, handoff.personId, handoff.handoffKey, handoff.kind, handoff.startedAt, handoff.firstTouchDueAt, handoff.ownerId,
          handoff.ownerSource, handoff.team, handoff.timeZone, handoff.nextDueAt, handoff.nextStep, handoff.note, handoff.rulebookVersion],
      );
      if (inserted.rows[0]) return { handoff: inserted.rows[0], created: true };
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new StoreError('not_in_workspace', `person ${handoff.personId} is not in the workspace of installation ${installationId}`);
      }
      throw error;
    }
    const existing = await this.getByKey(installationId, handoff.handoffKey);
    if (!existing) throw new StoreError('not_found', `installation ${installationId} not found`);
    return { handoff: existing, created: false };
  }

  async getByKey(installationId: string, handoffKey: string): Promise<SlaHandoff | null> {
    const { rows } = await this.db.query<SlaHandoff>(`SELECT ${COLUMNS} FROM sla_handoffs WHERE installation_id = $1 AND handoff_key = $2`, [installationId, handoffKey]);
    return rows[0] ?? null;
  }

  async get(installationId: string, id: string): Promise<SlaHandoff | null> {
    const { rows } = await this.db.query<SlaHandoff>(`SELECT ${COLUMNS} FROM sla_handoffs WHERE installation_id = $1 AND id = $2`, [installationId, id]);
    return rows[0] ?? null;
  }

  /** Handoffs whose next look is due by `now`, earliest first: one range read of the partial index. */
  async listDue(installationId: string, now: Date | string, limit = 500): Promise<SlaHandoff[]> {
    const { rows } = await this.db.query<SlaHandoff>(
      `SELECT ${COLUMNS} FROM sla_handoffs
       WHERE installation_id = $1 AND next_due_at IS NOT NULL AND next_due_at <= $2
       ORDER BY next_due_at, id LIMIT $3`,
      [installationId, now, limit],
    );
    return rows;
  }

  /** Every handoff of a person in a workspace, newest created first (the console, reports, tests). */
  async listForPerson(workspaceId: string, personId: string): Promise<SlaHandoff[]> {
    const { rows } = await this.db.query<SlaHandoff>(
      `SELECT ${COLUMNS} FROM sla_handoffs WHERE workspace_id = $1 AND person_id = $2 ORDER BY created_at DESC, started_at DESC, id`,
      [workspaceId, personId],
    );
    return rows;
  }

  /** Each person's current handoff in an installation (the open one, else the newest): what the record shows; one query for a page of people. */
  async latestForPeople(installationId: string, personIds: readonly string[]): Promise<Map<string, SlaHandoff>> {
    const out = new Map<string, SlaHandoff>();
    if (personIds.length === 0) return out;
    const { rows } = await this.db.query<SlaHandoff>(
      `SELECT DISTINCT ON (person_id) ${COLUMNS} FROM sla_handoffs
       WHERE installation_id = $1 AND person_id = ANY($2::uuid[])
       ORDER BY person_id, (closed_at IS NULL) DESC, created_at DESC, started_at DESC`,
      [installationId, [...personIds]],
    );
    for (const row of rows) out.set(row.personId, row);
    return out;
  }

  /** The open (not closed) handoffs of a page of people in an installation: what a change to them may concern. */
  async listOpenForPeople(installationId: string, personIds: readonly string[]): Promise<SlaHandoff[]> {
    if (personIds.length === 0) return [];
    const { rows } = await this.db.query<SlaHandoff>(
      `SELECT ${COLUMNS} FROM sla_handoffs WHERE installation_id = $1 AND person_id = ANY($2::uuid[]) AND closed_at IS NULL ORDER BY created_at, id`,
      [installationId, [...personIds]],
    );
    return rows;
  }

  /** Makes open handoffs (not closed, held ones too) due now (a touch or a stage change the sla job must look at); returns how many. */
  async wake(installationId: string, ids: readonly string[], now: Date | string): Promise<number> {
    if (ids.length === 0) return 0;
    const { rowCount } = await this.db.query(
      `UPDATE sla_handoffs SET next_due_at = $3, updated_at = now()
       WHERE installation_id = $1 AND id = ANY($2::uuid[]) AND closed_at IS NULL AND (next_due_at IS NULL OR next_due_at > $3)`,
      [installationId, [...ids], now],
    );
    return rowCount ?? 0;
  }

  async update(installationId: string, id: string, change: HandoffChange): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [installationId, id];
    for (const [key, column] of Object.entries(CHANGE_COLUMNS) as Array<[keyof HandoffChange, string]>) {
      if (!(key in change)) continue;
      params.push(change[key] ?? null);
      sets.push(`${column} = $${params.length}`);
    }
    if (sets.length === 0) return;
    const { rowCount } = await this.db.query(`UPDATE sla_handoffs SET ${sets.join(', ')}, updated_at = now() WHERE installation_id = $1 AND id = $2`, params);
    if (rowCount === 0) throw new StoreError('not_found', `SLA handoff ${id} not found in installation ${installationId}`);
  }
}
