import type { Session } from '../db.types';
import { toJson } from '../json.util';
import type { JsonValue, OutboxItem, RecordError } from '../records';
import { StoreError, isForeignKeyViolation } from '../store-error';

const COLUMNS = `id, installation_id AS "installationId", person_id AS "personId", payload, hash, attempts,
  last_error AS "lastError", created_at AS "createdAt", next_attempt_at AS "nextAttemptAt"`;

export interface OutboxWrite {
  personId: string;
  payload: JsonValue;
  /** Hash of the property values in payload: equal hashes mean nothing changed. */
  hash: string;
}

/** What one confirmed write set in the CRM: its record and the properties as the CRM accepted them. */
export interface WrittenValues {
  objectType: string;
  crmId: string;
  properties: Record<string, string>;
}

export interface ClaimOptions {
  now?: Date;
  /** How long a claim lasts; a worker that dies mid-write releases its items when it expires. */
  leaseMs?: number;
}

export interface PermanentError {
  code: string;
  message: string;
  crmId?: string | null;
  details?: JsonValue | null;
}

/**
 * Pending CRM writes (SPEC.md §7: every write is retried until it lands or is reported).
 * enqueue → claim (lease) → confirm (deleted, hash recorded) | fail (retry later) | failPermanently
 * (moved to record_errors for the admin).
 */
export class OutboxRepository {
  constructor(private readonly db: Session) {}

  /**
   * Queues the latest payload per person, replacing a pending one. A payload whose hash equals
   * the last confirmed write is skipped unless something else is pending for that person (then the
   * pending write would overwrite the CRM with a stale value, so the current one must replace it).
   * Returns how many writes were queued or replaced.
   */
  async enqueueWrites(installationId: string, writes: readonly OutboxWrite[], now: Date = new Date()): Promise<number> {
    if (writes.length === 0) return 0;
    const latest = [...new Map(writes.map((w) => [w.personId, w])).values()]; // one row per person per statement
    try {
      const { rowCount } = await this.db.query(
        `INSERT INTO outbox (workspace_id, installation_id, person_id, payload, hash, next_attempt_at)
         SELECT i.workspace_id, i.id, x.person_id, x.payload::jsonb, x.hash, $5
           FROM unnest($2::uuid[], $3::text[], $4::text[]) AS x(person_id, payload, hash)
           JOIN installations i ON i.id = $1
          WHERE NOT EXISTS (SELECT 1 FROM written_hashes w
                             WHERE w.installation_id = $1 AND w.person_id = x.person_id AND w.hash = x.hash)
             OR EXISTS (SELECT 1 FROM outbox o WHERE o.installation_id = $1 AND o.person_id = x.person_id)
         ON CONFLICT (installation_id, person_id) DO UPDATE
            SET payload = excluded.payload, hash = excluded.hash, attempts = 0, last_error = NULL,
                next_attempt_at = excluded.next_attempt_at
          WHERE outbox.hash <> excluded.hash`,
        [installationId, latest.map((w) => w.personId), latest.map((w) => toJson(w.payload)), latest.map((w) => w.hash), now],
      );
      return rowCount;
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new StoreError('not_in_workspace', `outbox writes for installation ${installationId} name a person outside its workspace`);
      }
      throw error;
    }
  }

  /**
   * Leases up to `limit` due writes. SKIP LOCKED lets several writer workers claim side by side
   * without taking the same rows. attempts counts claims, so a write that keeps crashing its
   * worker is still counted and can be given up on.
   */
  async claimOutbox(installationId: string, limit: number, options: ClaimOptions = {}): Promise<OutboxItem[]> {
    const now = options.now ?? new Date();
    const until = new Date(now.getTime() + (options.leaseMs ?? 5 * 60_000));
    const { rows } = await this.db.query<OutboxItem>(
      `UPDATE outbox SET claimed_until = $4, claimed_hash = hash, attempts = attempts + 1
        WHERE id IN (SELECT id FROM outbox
                      WHERE installation_id = $1 AND next_attempt_at <= $3
                        AND (claimed_until IS NULL OR claimed_until <= $3)
                      ORDER BY next_attempt_at, id
                      LIMIT $2
                      FOR UPDATE SKIP LOCKED)
        RETURNING ${COLUMNS}`,
      [installationId, limit, now, until],
    );
    return rows.sort((a, b) => a.id - b.id);
  }

  /**
   * The CRM accepted these writes: record what was written and delete them. An item whose payload
   * was replaced while it was in flight is kept (only released), so the newer payload still goes out.
   * `written` (by outbox id: the record and the properties the CRM accepted) becomes part of the
   * record's known CRM values (`person_identities.crm_values`), as if pulled: the echo of this write
   * is then recognised as ours when it is pulled back. Returns how many were deleted.
   */
  async confirmOutbox(installationId: string, ids: readonly number[], now: Date = new Date(), written?: ReadonlyMap<number, WrittenValues>): Promise<number> {
    if (ids.length === 0) return 0;
    return this.db.transaction(async (tx) => {
      const known = ids.flatMap((id) => {
        const values = written?.get(id);
        return values && Object.keys(values.properties).length > 0 ? [values] : [];
      });
      if (known.length > 0) {
        await tx.query(
          `UPDATE person_identities pi SET crm_values = pi.crm_values || x.properties::jsonb
             FROM unnest($2::text[], $3::text[], $4::text[]) AS x(object_type, crm_id, properties)
            WHERE pi.installation_id = $1 AND pi.object_type = x.object_type AND pi.crm_id = x.crm_id`,
          [installationId, known.map((k) => k.objectType), known.map((k) => k.crmId), known.map((k) => toJson(k.properties))],
        );
      }
      const claimed = await tx.query<{ id: number; personId: string; workspaceId: string; claimedHash: string; hash: string }>(
        `SELECT id, person_id AS "personId", workspace_id AS "workspaceId", claimed_hash AS "claimedHash", hash
           FROM outbox WHERE installation_id = $1 AND id = ANY($2::bigint[]) AND claimed_hash IS NOT NULL
          FOR UPDATE`,
        [installationId, ids],
      );
      if (claimed.rows.length === 0) return 0;
      await tx.query(
        `INSERT INTO written_hashes (installation_id, person_id, workspace_id, hash, written_at)
         SELECT $1, x.person_id, x.workspace_id, x.hash, $5
           FROM unnest($2::uuid[], $3::uuid[], $4::text[]) AS x(person_id, workspace_id, hash)
         ON CONFLICT (installation_id, person_id) DO UPDATE SET hash = excluded.hash, written_at = excluded.written_at`,
        [
          installationId,
          claimed.rows.map((r) => r.personId),
          claimed.rows.map((r) => r.workspaceId),
          claimed.rows.map((r) => r.claimedHash),
          now,
        ],
      );
      // a confirmed write of a person resolves the errors earlier writes of theirs left here (retention prunes them later)
      await tx.query(
        'UPDATE record_errors SET resolved_at = $3 WHERE installation_id = $1 AND person_id = ANY($2::uuid[]) AND resolved_at IS NULL',
        [installationId, claimed.rows.map((r) => r.personId), now],
      );
      const done = claimed.rows.filter((r) => r.hash === r.claimedHash).map((r) => r.id);
      const replaced = claimed.rows.filter((r) => r.hash !== r.claimedHash).map((r) => r.id);
      const deleted = await tx.query('DELETE FROM outbox WHERE installation_id = $1 AND id = ANY($2::bigint[])', [installationId, done]);
      if (replaced.length > 0) {
        await tx.query(
          'UPDATE outbox SET claimed_until = NULL, claimed_hash = NULL WHERE installation_id = $1 AND id = ANY($2::bigint[])',
          [installationId, replaced],
        );
      }
      return deleted.rowCount;
    });
  }

  /** A transient failure (rate limit, timeout): release the item and try again at retryAt. */
  async failOutbox(installationId: string, id: number, error: string, retryAt: Date): Promise<void> {
    const { rowCount } = await this.db.query(
      `UPDATE outbox SET last_error = $3, next_attempt_at = $4, claimed_until = NULL, claimed_hash = NULL
        WHERE installation_id = $1 AND id = $2`,
      [installationId, id, error, retryAt],
    );
    if (rowCount === 0) throw new StoreError('not_found', `outbox item ${id} not found in installation ${installationId}`);
  }

  /**
   * Writes waiting for a retry time become due now (an installation was reconnected: what failed
   * while its credentials were refused goes out at once). Claimed items are left to their claimer.
   */
  async releaseWaiting(installationId: string, now: Date): Promise<number> {
    const { rowCount } = await this.db.query(
      `UPDATE outbox SET next_attempt_at = $2 WHERE installation_id = $1 AND next_attempt_at > $2 AND (claimed_until IS NULL OR claimed_until < $2)`,
      [installationId, now],
    );
    return rowCount;
  }

  /** The CRM will never accept this write (invalid value, deleted record): report it and drop it. */
  async failOutboxPermanently(installationId: string, id: number, error: PermanentError): Promise<void> {
    await this.db.transaction(async (tx) => {
      const removed = await tx.query<{ personId: string; workspaceId: string }>(
        `DELETE FROM outbox WHERE installation_id = $1 AND id = $2 RETURNING person_id AS "personId", workspace_id AS "workspaceId"`,
        [installationId, id],
      );
      const item = removed.rows[0];
      if (!item) throw new StoreError('not_found', `outbox item ${id} not found in installation ${installationId}`);
      await tx.query(
        `INSERT INTO record_errors (workspace_id, installation_id, person_id, crm_id, code, message, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
        [item.workspaceId, installationId, item.personId, error.crmId ?? null, error.code, error.message, toJson(error.details ?? null)],
      );
    });
  }

  /** Any permanent per-record error, also ones found outside the outbox (e.g. a record that cannot be read). */
  async recordError(installationId: string, personId: string | null, error: PermanentError): Promise<void> {
    await this.db.query(
      `INSERT INTO record_errors (workspace_id, installation_id, person_id, crm_id, code, message, details)
       SELECT i.workspace_id, i.id, $2, $3, $4, $5, $6::jsonb FROM installations i WHERE i.id = $1`,
      [installationId, personId, error.crmId ?? null, error.code, error.message, toJson(error.details ?? null)],
    );
  }

  async listRecordErrors(installationId: string, limit = 100): Promise<RecordError[]> {
    const { rows } = await this.db.query<RecordError>(
      `SELECT id, installation_id AS "installationId", person_id AS "personId", crm_id AS "crmId", code, message, details,
              created_at AS "createdAt", resolved_at AS "resolvedAt"
         FROM record_errors WHERE installation_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [installationId, limit],
    );
    return rows;
  }

  /**
   * Writes ready to go now (not waiting for a retry time), and since when the first of them has
   * been ready: the writer waits for a full batch only that long. Times are the job clock's.
   */
  async readyBacklog(installationId: string, now: Date): Promise<{ ready: number; readySince: string | null }> {
    const { rows } = await this.db.query<{ ready: number; readySince: string | null }>(
      `SELECT count(*) AS ready, min(next_attempt_at) AS "readySince" FROM outbox
        WHERE installation_id = $1 AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until < $2)`,
      [installationId, now],
    );
    return rows[0] ?? { ready: 0, readySince: null };
  }

  /** When the next waiting write can be claimed (its retry time, or when a dead claimer's lease ends). */
  async nextDueAt(installationId: string): Promise<string | null> {
    const { rows } = await this.db.query<{ due: string | null }>(
      'SELECT min(GREATEST(next_attempt_at, COALESCE(claimed_until, next_attempt_at))) AS due FROM outbox WHERE installation_id = $1',
      [installationId],
    );
    return rows[0]?.due ?? null;
  }

  /** Queue depth for sync health: how many writes wait, and the oldest. */
  async outboxBacklog(installationId: string): Promise<{ pending: number; oldest: string | null }> {
    const { rows } = await this.db.query<{ pending: number; oldest: string | null }>(
      'SELECT count(*) AS pending, min(created_at) AS oldest FROM outbox WHERE installation_id = $1',
      [installationId],
    );
    return rows[0] ?? { pending: 0, oldest: null };
  }
}
