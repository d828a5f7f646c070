import type { Session } from '../db.types';
import type { OAuthStateRecord, SessionRecord } from '../records';

/**
 * Server-side sessions and OAuth states in flight. Both are keyed by the SHA-256 of a random id the
 * browser holds (the caller hashes), so a copy of these tables yields no usable cookie or state.
 */
export class SessionRepository {
  constructor(private readonly db: Session) {}

  async create(idHash: string, input: { workspaceId: string; userId: string; csrfToken: string; expiresAt: Date }): Promise<void> {
    await this.db.query(
      'INSERT INTO sessions (id_hash, workspace_id, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [idHash, input.workspaceId, input.userId, input.csrfToken, input.expiresAt.toISOString()],
    );
  }

  /** A live session with its member's role as it is now (a role change applies at once). */
  async get(idHash: string, now: Date): Promise<SessionRecord | null> {
    const { rows } = await this.db.query<SessionRecord>(
      `SELECT s.workspace_id AS "workspaceId", s.user_id AS "userId", m.role, u.email, s.csrf_token AS "csrfToken", s.expires_at AS "expiresAt"
         FROM sessions s
         JOIN workspace_members m ON m.workspace_id = s.workspace_id AND m.user_id = s.user_id
         JOIN users u ON u.id = s.user_id
        WHERE s.id_hash = $1 AND s.expires_at > $2`,
      [idHash, now.toISOString()],
    );
    return rows[0] ?? null;
  }

  async delete(idHash: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
  }

  async createOAuthState(idHash: string, input: { provider: string; purpose: 'install' | 'signin'; codeVerifierSealed: string | null; sessionHash: string | null; expiresAt: Date }): Promise<void> {
    await this.db.query(
      'INSERT INTO oauth_states (id_hash, provider, purpose, code_verifier_sealed, session_hash, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [idHash, input.provider, input.purpose, input.codeVerifierSealed, input.sessionHash, input.expiresAt.toISOString()],
    );
  }

  /** Takes a state once: the row is deleted as it is read, so a second callback finds nothing. */
  async consumeOAuthState(idHash: string): Promise<OAuthStateRecord | null> {
    const { rows } = await this.db.query<OAuthStateRecord>(
      `DELETE FROM oauth_states WHERE id_hash = $1
       RETURNING provider, purpose, code_verifier_sealed AS "codeVerifierSealed", session_hash AS "sessionHash", expires_at AS "expiresAt"`,
      [idHash],
    );
    return rows[0] ?? null;
  }

  /** Drops expired sessions and states; returns how many went. */
  async purgeExpired(now: Date): Promise<number> {
    const sessions = await this.db.query('DELETE FROM sessions WHERE expires_at <= $1', [now.toISOString()]);
    const states = await this.db.query('DELETE FROM oauth_states WHERE expires_at <= $1', [now.toISOString()]);
    return sessions.rowCount + states.rowCount;
  }
}
