import type { Session } from '../db.types';

/** Rows per DELETE: short statements, so no table is locked for long and autovacuum keeps up. */
export const RETENTION_BATCH = 5_000;

/**
 * Retention (docs/data-protection.md): old rows are deleted in batches, each batch one statement
 * and so its own transaction when the repository runs on the database (as `store.retention` does),
 * never one long transaction over the whole table. Use it outside `store.transaction`.
 */
export class RetentionRepository {
  constructor(private readonly db: Session) {}

  /** Events of the workspace that happened before `before` (found through events_workspace_time). */
  pruneEvents(workspaceId: string, before: Date, batch = RETENTION_BATCH): Promise<number> {
    return this.inBatches(
      `DELETE FROM events WHERE id IN (
         SELECT id FROM events WHERE workspace_id = $1 AND occurred_at < $2 LIMIT $3)`,
      [workspaceId, before],
      batch,
    );
  }

  /** Per-record errors resolved (a later write of that person was confirmed) before `before`. */
  pruneResolvedErrors(workspaceId: string, before: Date, batch = RETENTION_BATCH): Promise<number> {
    return this.inBatches(
      `DELETE FROM record_errors WHERE id IN (
         SELECT id FROM record_errors WHERE workspace_id = $1 AND resolved_at < $2 LIMIT $3)`,
      [workspaceId, before],
      batch,
    );
  }

  private async inBatches(sql: string, params: unknown[], batch: number): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await this.db.query(sql, [...params, batch]);
      total += rowCount;
      if (rowCount < batch) return total;
    }
  }
}
