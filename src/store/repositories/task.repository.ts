import type { Session } from '../db.types';
import type { TaskKind, TaskRecord } from '../records';
import { StoreError, isForeignKeyViolation } from '../store-error';

const COLUMNS = `id, installation_id AS "installationId", person_id AS "personId", handoff_key AS "handoffKey",
  crm_task_id AS "crmTaskId", due_at AS "dueAt", status, error, created_at AS "createdAt", updated_at AS "updatedAt",
  sla_handoff_id AS "slaHandoffId", kind, step, owner_id AS "ownerId", subject`;

export interface NewTask {
  /** Names the handoff (e.g. `<personId>:first_touch:<sql entered at>`): one task per key, ever. */
  handoffKey: string;
  personId: string;
  dueAt: Date | string;
  /** The SLA handoff the task belongs to, and which of its tasks it is (default: a first touch of no handoff). */
  slaHandoffId?: string | null;
  kind?: TaskKind;
  /** The cadence step (0 = the first touch); null for an escalation or a held handoff's task. */
  step?: number | null;
  /** Who gets it, decided when it was reserved (the planner); null: the record's owner at creation. */
  ownerId?: string | null;
  subject?: string | null;
}

/**
 * Rep tasks. The row is reserved before the CRM call and keyed by handoff, so a retried or
 * duplicated job finds the existing row and never creates a second CRM task for the same handoff.
 */
export class TaskRepository {
  constructor(private readonly db: Session) {}

  /** `created` is true only for the caller that inserted the row: that caller makes the CRM task. */
  async createTaskIfAbsent(installationId: string, task: NewTask): Promise<{ task: TaskRecord; created: boolean }> {
    try {
      const inserted = await this.db.query<TaskRecord>(
        `INSERT INTO tasks (workspace_id, installation_id, person_id, handoff_key, due_at, sla_handoff_id, kind, step, owner_id, subject)
         SELECT i.workspace_id, i.id, $2, $3, $4, $5, $6, $7, $8, $9 FROM installations i WHERE i.id = $1
         ON CONFLICT (installation_id, handoff_key) DO NOTHING
         RETURNING ${COLUMNS}`,
        [installationId, task.personId, task.handoffKey, task.dueAt, task.slaHandoffId ?? null, task.kind ?? 'first_touch', task.step ?? null,
          task.ownerId ?? null, task.subject ?? null],
      );
      if (inserted.rows[0]) return { task: inserted.rows[0], created: true };
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new StoreError('not_in_workspace', `person ${task.personId} is not in the workspace of installation ${installationId}`);
      }
      throw error;
    }
    // The conflicting insert has committed by now (ON CONFLICT waited for it), so this sees it.
    const existing = await this.getTaskByHandoff(installationId, task.handoffKey);
    if (!existing) throw new StoreError('not_found', `installation ${installationId} not found`);
    return { task: existing, created: false };
  }

  async getTaskByHandoff(installationId: string, handoffKey: string): Promise<TaskRecord | null> {
    const { rows } = await this.db.query<TaskRecord>(
      `SELECT ${COLUMNS} FROM tasks WHERE installation_id = $1 AND handoff_key = $2`,
      [installationId, handoffKey],
    );
    return rows[0] ?? null;
  }

  async markTaskCreated(installationId: string, taskId: string, crmTaskId: string): Promise<void> {
    await this.update(installationId, taskId, `status = 'created', crm_task_id = $3, error = NULL`, [crmTaskId]);
  }

  async markTaskFailed(installationId: string, taskId: string, error: string): Promise<void> {
    await this.update(installationId, taskId, `status = 'failed', error = $3`, [error]);
  }

  /** A person's tasks in an installation whose handoff key starts with `prefix` (a retried score job looks for its own earlier reservation). */
  async listTasksByHandoffPrefix(installationId: string, personId: string, prefix: string): Promise<TaskRecord[]> {
    const { rows } = await this.db.query<TaskRecord>(
      `SELECT ${COLUMNS} FROM tasks WHERE installation_id = $1 AND person_id = $2 AND starts_with(handoff_key, $3) ORDER BY created_at, id`,
      [installationId, personId, prefix],
    );
    return rows;
  }

  /** A handoff's tasks, in the order they were reserved. */
  async listTasksForHandoff(installationId: string, slaHandoffId: string): Promise<TaskRecord[]> {
    const { rows } = await this.db.query<TaskRecord>(
      `SELECT ${COLUMNS} FROM tasks WHERE installation_id = $1 AND sla_handoff_id = $2 ORDER BY created_at, id`,
      [installationId, slaHandoffId],
    );
    return rows;
  }

  /** Tasks reserved but not yet in the CRM (a crash between reserve and create leaves these). */
  async listPendingTasks(installationId: string, limit = 100): Promise<TaskRecord[]> {
    const { rows } = await this.db.query<TaskRecord>(
      `SELECT ${COLUMNS} FROM tasks WHERE installation_id = $1 AND status = 'pending' ORDER BY due_at, id LIMIT $2`,
      [installationId, limit],
    );
    return rows;
  }

  private async update(installationId: string, taskId: string, set: string, params: unknown[]): Promise<void> {
    const { rowCount } = await this.db.query(
      `UPDATE tasks SET ${set}, updated_at = now() WHERE installation_id = $1 AND id = $2`,
      [installationId, taskId, ...params],
    );
    if (rowCount === 0) throw new StoreError('not_found', `task ${taskId} not found in installation ${installationId}`);
  }
}
