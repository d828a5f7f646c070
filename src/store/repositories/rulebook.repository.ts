import type { Session } from '../db.types';
import { lockWorkspace } from '../locks';
import type { NewRulebookDraft, RulebookVersion } from '../records';
import { StoreError } from '../store-error';

const COLUMNS = `id, workspace_id AS "workspaceId", version_label AS "versionLabel", yaml, status,
  created_by AS "createdBy", created_at AS "createdAt", published_by AS "publishedBy",
  published_at AS "publishedAt", note`;

export interface PublishResult {
  published: RulebookVersion;
  /** The version that was live until now, if any. */
  archived: RulebookVersion | null;
}

/**
 * One rulebook per workspace, shared by its installations. Drafts are edited and back-tested;
 * publishing makes one live and archives the previous one (SPEC.md §3: versioned on publish).
 */
export class RulebookRepository {
  constructor(private readonly db: Session) {}

  async createDraft(workspaceId: string, draft: NewRulebookDraft): Promise<RulebookVersion> {
    const { rows } = await this.db.query<RulebookVersion>(
      `INSERT INTO rulebook_versions (workspace_id, version_label, yaml, created_by, note)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [workspaceId, draft.versionLabel, draft.yaml, draft.createdBy, draft.note ?? null],
    );
    return rows[0]!;
  }

  /** Only a draft can change; a published or archived version is history and stays as it was. */
  async updateDraft(workspaceId: string, versionId: string, change: { yaml: string; note?: string | null }): Promise<RulebookVersion> {
    const { rows } = await this.db.query<RulebookVersion>(
      `UPDATE rulebook_versions SET yaml = $3, note = COALESCE($4, note)
        WHERE workspace_id = $1 AND id = $2 AND status = 'draft' RETURNING ${COLUMNS}`,
      [workspaceId, versionId, change.yaml, change.note ?? null],
    );
    if (!rows[0]) throw new StoreError('invalid_state', `rulebook version ${versionId} is not a draft of workspace ${workspaceId}`);
    return rows[0];
  }

  async getVersion(workspaceId: string, versionId: string): Promise<RulebookVersion | null> {
    const { rows } = await this.db.query<RulebookVersion>(
      `SELECT ${COLUMNS} FROM rulebook_versions WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, versionId],
    );
    return rows[0] ?? null;
  }

  async getPublished(workspaceId: string): Promise<RulebookVersion | null> {
    const { rows } = await this.db.query<RulebookVersion>(
      `SELECT ${COLUMNS} FROM rulebook_versions WHERE workspace_id = $1 AND status = 'published'`,
      [workspaceId],
    );
    return rows[0] ?? null;
  }

  async listDrafts(workspaceId: string): Promise<RulebookVersion[]> {
    const { rows } = await this.db.query<RulebookVersion>(
      `SELECT ${COLUMNS} FROM rulebook_versions WHERE workspace_id = $1 AND status = 'draft' ORDER BY created_at DESC, id`,
      [workspaceId],
    );
    return rows;
  }

  /** Every version, newest first: the history the quarterly review looks at. */
  async listVersions(workspaceId: string): Promise<RulebookVersion[]> {
    const { rows } = await this.db.query<RulebookVersion>(
      `SELECT ${COLUMNS} FROM rulebook_versions WHERE workspace_id = $1 ORDER BY created_at DESC, id`,
      [workspaceId],
    );
    return rows;
  }

  /**
   * Archives the live version and publishes the draft in one transaction, so there is never a
   * moment with none or two published. The workspace lock serialises concurrent publishes; the
   * partial unique index would refuse a second published version anyway.
   */
  async publish(workspaceId: string, versionId: string, publishedBy: string, now: Date = new Date()): Promise<PublishResult> {
    return this.db.transaction(async (tx) => {
      await lockWorkspace(tx, 'rulebook', workspaceId);
      const target = await tx.query<{ status: string }>(
        'SELECT status FROM rulebook_versions WHERE workspace_id = $1 AND id = $2',
        [workspaceId, versionId],
      );
      const status = target.rows[0]?.status;
      if (status === undefined) throw new StoreError('not_found', `rulebook version ${versionId} not found in workspace ${workspaceId}`);
      if (status !== 'draft') throw new StoreError('invalid_state', `rulebook version ${versionId} is ${status}; only a draft can be published`);

      const archived = await tx.query<RulebookVersion>(
        `UPDATE rulebook_versions SET status = 'archived'
          WHERE workspace_id = $1 AND status = 'published' RETURNING ${COLUMNS}`,
        [workspaceId],
      );
      const published = await tx.query<RulebookVersion>(
        `UPDATE rulebook_versions SET status = 'published', published_by = $3, published_at = $4
          WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
        [workspaceId, versionId, publishedBy, now],
      );
      return { published: published.rows[0]!, archived: archived.rows[0] ?? null };
    });
  }
}
