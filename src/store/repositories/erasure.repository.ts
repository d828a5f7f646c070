import type { Session } from '../db.types';
import { lockWorkspace } from '../locks';
import type { SubjectHasher } from '../subject-hash';
import { normalizeEmail } from './person.repository';
import { addCounts, erasePeople, recordErasure, type ErasureCounts, type ErasureReason } from './person-erasure';

export interface ErasureAuditRecord {
  id: number;
  workspaceId: string;
  installationId: string | null;
  requestedAt: string;
  reason: ErasureReason;
  subjectHash: string | null;
  peopleErased: number;
  counts: ErasureCounts;
}

export interface EmailErasure {
  /** People erased (every person of the workspace with that email, or a record that had it). */
  peopleErased: number;
  counts: ErasureCounts;
  /** The audit row this erasure left. */
  audit: ErasureAuditRecord;
  /** Earlier erasures of the same subject in this workspace (a repeated request, a CRM deletion). */
  earlier: ErasureAuditRecord[];
}

const AUDIT_COLUMNS = `id, workspace_id AS "workspaceId", installation_id AS "installationId", requested_at AS "requestedAt",
  reason, subject_hash AS "subjectHash", people_erased AS "peopleErased", counts`;

/**
 * Erasure on request (`leadstage erase`), and the sweep of people no system holds any more. CRM
 * deletions go through PersonRepository.removeRecords, in the sync page's transaction.
 */
export class ErasureRepository {
  constructor(private readonly db: Session) {}

  /**
   * Erases every person of the workspace with this email, across installations: people matched by
   * it, people one of whose records had it, and people made for an email-only event. Leaves one
   * erasure_audit row (reason `request`), with the subject's hash and the rows erased per table,
   * also when nothing was found: the request itself is on record.
   */
  async eraseByEmail(workspaceId: string, email: string, options: { subjectHash: SubjectHasher; now?: Date }): Promise<EmailErasure> {
    const normalized = normalizeEmail(email);
    if (!normalized) throw new Error('an email address is required');
    const subjectHash = options.subjectHash(normalized);
    return this.db.transaction(async (tx) => {
      await lockWorkspace(tx, 'people', workspaceId);
      const { rows } = await tx.query<{ id: string }>(
        `SELECT id FROM people WHERE workspace_id = $1 AND email_normalized = $2
         UNION
         SELECT person_id AS id FROM person_identities WHERE workspace_id = $1 AND lower(trim(record_values->>'email')) = $2`,
        [workspaceId, normalized],
      );
      const ids = rows.map((row) => row.id);
      const counts = await erasePeople(tx, workspaceId, ids);
      const earlier = await tx.query<ErasureAuditRecord>(
        `SELECT ${AUDIT_COLUMNS} FROM erasure_audit WHERE workspace_id = $1 AND subject_hash = $2 ORDER BY requested_at, id`,
        [workspaceId, subjectHash],
      );
      const id = await recordErasure(tx, {
        workspaceId,
        installationId: null,
        reason: 'request',
        subjectHash,
        peopleErased: ids.length,
        counts,
        requestedAt: options.now ?? new Date(),
      });
      const audit = await tx.query<ErasureAuditRecord>(`SELECT ${AUDIT_COLUMNS} FROM erasure_audit WHERE id = $1`, [id]);
      return { peopleErased: ids.length, counts, audit: audit.rows[0]!, earlier: earlier.rows };
    });
  }

  /**
   * People who still have CRM records but none of them live: left behind by deletions before
   * migration 008 (a deleted record's person was kept then). No system holds them, so they are
   * erased, a page at a time (each page its own transaction), with one audit row each (reason
   * `crm_delete`). People with no record at all (made for an email-only event, waiting for their
   * record) are not touched. Returns the people erased and the rows per table.
   */
  async eraseUnheld(workspaceId: string, options: { subjectHash?: SubjectHasher; now?: Date; pageSize?: number } = {}): Promise<{ peopleErased: number; counts: ErasureCounts }> {
    const total = { peopleErased: 0, counts: {} as ErasureCounts };
    const pageSize = options.pageSize ?? 100;
    for (;;) {
      const page = await this.db.transaction(async (tx) => {
        await lockWorkspace(tx, 'people', workspaceId);
        const { rows } = await tx.query<{ id: string; email: string | null }>(
          `SELECT p.id, p.email_normalized AS email FROM people p
            WHERE p.workspace_id = $1
              AND EXISTS (SELECT 1 FROM person_identities pi WHERE pi.person_id = p.id)
              AND NOT EXISTS (SELECT 1 FROM person_identities pi WHERE pi.person_id = p.id AND pi.retired_at IS NULL)
            ORDER BY p.id LIMIT $2`,
          [workspaceId, pageSize],
        );
        for (const row of rows) {
          const counts = await erasePeople(tx, workspaceId, [row.id]);
          addCounts(total.counts, counts);
          await recordErasure(tx, {
            workspaceId,
            installationId: null,
            reason: 'crm_delete',
            subjectHash: row.email && options.subjectHash ? options.subjectHash(row.email) : null,
            peopleErased: 1,
            counts,
            requestedAt: options.now ?? new Date(),
          });
        }
        return rows.length;
      });
      total.peopleErased += page;
      if (page < pageSize) return total;
    }
  }

  async listAudit(workspaceId: string, options: { subjectHash?: string; limit?: number } = {}): Promise<ErasureAuditRecord[]> {
    const { rows } = await this.db.query<ErasureAuditRecord>(
      `SELECT ${AUDIT_COLUMNS} FROM erasure_audit
        WHERE workspace_id = $1 AND ($2::text IS NULL OR subject_hash = $2)
        ORDER BY requested_at DESC, id DESC LIMIT $3`,
      [workspaceId, options.subjectHash ?? null, options.limit ?? 100],
    );
    return rows;
  }
}
