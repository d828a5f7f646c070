import type { Session } from '../db.types';
import { toJson } from '../json.util';
import type { JsonValue } from '../records';

export interface Checkpoint<C extends JsonValue = JsonValue> {
  stream: string;
  cursor: C;
  updatedAt: string;
}

/**
 * Where each stream of an installation's sync stopped (contacts, form_submissions, …). A sync
 * saves it after every page, so a crash resumes there (SPEC.md §7). The cursor's shape belongs to
 * the connector; the store keeps it as JSON.
 */
export class CheckpointRepository {
  constructor(private readonly db: Session) {}

  async getCheckpoint<C extends JsonValue = JsonValue>(installationId: string, stream: string): Promise<C | null> {
    const { rows } = await this.db.query<{ cursor: C }>(
      'SELECT cursor FROM sync_checkpoints WHERE installation_id = $1 AND stream = $2',
      [installationId, stream],
    );
    return rows[0]?.cursor ?? null;
  }

  async setCheckpoint(installationId: string, stream: string, cursor: JsonValue, now: Date = new Date()): Promise<void> {
    await this.db.query(
      `INSERT INTO sync_checkpoints (installation_id, stream, cursor, updated_at) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (installation_id, stream) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
      [installationId, stream, toJson(cursor), now],
    );
  }

  /** All streams with their last save time: what the sync-health view shows. */
  async listCheckpoints(installationId: string): Promise<Checkpoint[]> {
    const { rows } = await this.db.query<Checkpoint>(
      `SELECT stream, cursor, updated_at AS "updatedAt" FROM sync_checkpoints WHERE installation_id = $1 ORDER BY stream`,
      [installationId],
    );
    return rows;
  }

  /** Forgets where these streams stopped (a full re-sync pulls them from the beginning again). */
  async clearStreams(installationId: string, streams: readonly string[]): Promise<void> {
    await this.db.query('DELETE FROM sync_checkpoints WHERE installation_id = $1 AND stream = ANY($2::text[])', [installationId, [...streams]]);
  }
}
