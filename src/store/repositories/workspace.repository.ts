import type { Session } from '../db.types';
import type { Workspace } from '../records';

const COLUMNS = `id, name, time_zone AS "timeZone", created_at AS "createdAt"`;

/** Workspaces are the tenants: a company, above its installations (SPEC.md §7). */
export class WorkspaceRepository {
  constructor(private readonly db: Session) {}

  async create(name: string): Promise<Workspace> {
    const { rows } = await this.db.query<Workspace>(
      `INSERT INTO workspaces (name) VALUES ($1) RETURNING ${COLUMNS}`,
      [name],
    );
    return rows[0]!;
  }

  /** Every workspace, oldest first (a deployment has one, or one per company it serves). */
  async list(limit = 1_000): Promise<Workspace[]> {
    const { rows } = await this.db.query<Workspace>(`SELECT ${COLUMNS} FROM workspaces ORDER BY created_at, id LIMIT $1`, [limit]);
    return rows;
  }

  async get(workspaceId: string): Promise<Workspace | null> {
    const { rows } = await this.db.query<Workspace>(
      `SELECT ${COLUMNS} FROM workspaces WHERE id = $1`,
      [workspaceId],
    );
    return rows[0] ?? null;
  }

  /** The workspace's zone ('UTC' until an admin sets one); UTC for a workspace that is gone. */
  async getTimeZone(workspaceId: string): Promise<string> {
    const { rows } = await this.db.query<{ timeZone: string }>(`SELECT time_zone AS "timeZone" FROM workspaces WHERE id = $1`, [workspaceId]);
    return rows[0]?.timeZone ?? 'UTC';
  }

  /** Sets the zone; the caller has checked it is an IANA name (isTimeZone in src/util). */
  async setTimeZone(workspaceId: string, timeZone: string): Promise<void> {
    await this.db.query(`UPDATE workspaces SET time_zone = $2 WHERE id = $1`, [workspaceId, timeZone]);
  }
}
