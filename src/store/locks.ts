import type { Session } from './db.types';

/**
 * Transaction-scoped advisory locks, released at COMMIT/ROLLBACK. The two-key form keeps these
 * apart from the single-key migration lock (Postgres keeps the two key spaces separate).
 */
const PURPOSE = {
  /** Two sync workers creating the same new email at once would otherwise make two people. */
  people: 1,
  /** Two admins publishing at once would otherwise both try to archive the same version. */
  rulebook: 2,
} as const;

export async function lockWorkspace(tx: Session, purpose: keyof typeof PURPOSE, workspaceId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PURPOSE[purpose], workspaceId]);
}
