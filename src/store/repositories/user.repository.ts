import type { Session } from '../db.types';
import type { MemberRecord, Membership, User, WorkspaceRole } from '../records';

const USER_COLUMNS = `id, email, name, created_at AS "createdAt"`;

/**
 * People who sign in, the CRM users they are, and the workspaces they may see (with a role). Every
 * lookup a route makes goes through a membership, so a user never reaches another workspace.
 */
export class UserRepository {
  constructor(private readonly db: Session) {}

  /** The user with this email, created if new (emails are compared lower-cased). */
  async upsertByEmail(email: string, name: string | null = null): Promise<User> {
    const { rows } = await this.db.query<User>(
      `INSERT INTO users (email, name) VALUES (lower($1), $2)
       ON CONFLICT (email) DO UPDATE SET name = COALESCE(excluded.name, users.name)
       RETURNING ${USER_COLUMNS}`,
      [email.trim(), name],
    );
    return rows[0]!;
  }

  async findByEmail(email: string): Promise<User | null> {
    const { rows } = await this.db.query<User>(`SELECT ${USER_COLUMNS} FROM users WHERE email = lower($1)`, [email.trim()]);
    return rows[0] ?? null;
  }

  async findByIdentity(provider: string, externalAccountId: string, externalUserId: string): Promise<User | null> {
    const { rows } = await this.db.query<User>(
      `SELECT u.id, u.email, u.name, u.created_at AS "createdAt" FROM user_identities i JOIN users u ON u.id = i.user_id
        WHERE i.provider = $1 AND i.external_account_id = $2 AND i.external_user_id = $3`,
      [provider, externalAccountId, externalUserId],
    );
    return rows[0] ?? null;
  }

  /** Records that this user is that CRM user (first claim wins: an identity never moves to another user). */
  async linkIdentity(userId: string, provider: string, externalAccountId: string, externalUserId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO user_identities (provider, external_account_id, external_user_id, user_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (provider, external_account_id, external_user_id) DO NOTHING`,
      [provider, externalAccountId, externalUserId, userId],
    );
  }

  async membership(workspaceId: string, userId: string): Promise<Membership | null> {
    const { rows } = await this.db.query<Membership>(
      `SELECT workspace_id AS "workspaceId", user_id AS "userId", role FROM workspace_members WHERE workspace_id = $1 AND user_id = $2`,
      [workspaceId, userId],
    );
    return rows[0] ?? null;
  }

  /**
   * Adds a member, or changes their role. `promoteOnly`: an existing admin is never demoted (an
   * install makes the installing user admin; adding a viewer must not demote an admin).
   */
  async addMember(workspaceId: string, userId: string, role: WorkspaceRole, options: { promoteOnly?: boolean } = {}): Promise<Membership> {
    const { rows } = await this.db.query<Membership>(
      `INSERT INTO workspace_members (workspace_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = CASE
         WHEN $4 AND workspace_members.role = 'admin' THEN 'admin' ELSE excluded.role END
       RETURNING workspace_id AS "workspaceId", user_id AS "userId", role`,
      [workspaceId, userId, role, options.promoteOnly ?? true],
    );
    return rows[0]!;
  }

  async listMembers(workspaceId: string): Promise<MemberRecord[]> {
    const { rows } = await this.db.query<MemberRecord>(
      `SELECT m.workspace_id AS "workspaceId", m.user_id AS "userId", m.role, u.email, u.name
         FROM workspace_members m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 ORDER BY m.created_at, u.email`,
      [workspaceId],
    );
    return rows;
  }
}
