import type { Session } from '../db.types';

/**
 * Folds person `drop` into person `keep` (same workspace): one human, one history. Everything that
 * hangs off a person moves over; where both have a row that may exist once per person (the last
 * decision, the last written hash, a pending write), `keep`'s row wins and the other goes, because
 * the next scoring of `keep` recomputes and rewrites it anyway. Runs inside the caller's transaction.
 */
export async function mergePeople(tx: Session, workspaceId: string, keep: string, drop: string): Promise<void> {
  if (keep === drop) return;
  const params = [workspaceId, keep, drop];
  await tx.query('UPDATE person_identities SET person_id = $2 WHERE workspace_id = $1 AND person_id = $3', params);
  await tx.query('UPDATE events SET person_id = $2 WHERE workspace_id = $1 AND person_id = $3', params);
  await tx.query('UPDATE stage_transitions SET person_id = $2 WHERE workspace_id = $1 AND person_id = $3', params);
  await tx.query('UPDATE tasks SET person_id = $2 WHERE workspace_id = $1 AND person_id = $3', params);
  await tx.query('UPDATE record_errors SET person_id = $2 WHERE workspace_id = $1 AND person_id = $3', params);
  // A decision: the kept person's if it has one, else the dropped person's (its stage history).
  await tx.query(
    `UPDATE person_state SET person_id = $2
      WHERE workspace_id = $1 AND person_id = $3 AND NOT EXISTS (SELECT 1 FROM person_state WHERE person_id = $2)`,
    params,
  );
  await tx.query(
    `UPDATE written_hashes w SET person_id = $2
      WHERE w.workspace_id = $1 AND w.person_id = $3
        AND NOT EXISTS (SELECT 1 FROM written_hashes k WHERE k.installation_id = w.installation_id AND k.person_id = $2)`,
    params,
  );
  await tx.query(
    `UPDATE outbox o SET person_id = $2
      WHERE o.workspace_id = $1 AND o.person_id = $3
        AND NOT EXISTS (SELECT 1 FROM outbox k WHERE k.installation_id = o.installation_id AND k.person_id = $2)`,
    params,
  );
  // The snapshot keeps what `keep` knows and fills its gaps from `drop`.
  await tx.query(
    `UPDATE people k SET snapshot = jsonb_strip_nulls(d.snapshot) || k.snapshot || jsonb_build_object('id', k.id::text),
            email_normalized = COALESCE(k.email_normalized, d.email_normalized), updated_at = now()
       FROM people d WHERE k.workspace_id = $1 AND k.id = $2 AND d.workspace_id = $1 AND d.id = $3`,
    params,
  );
  await tx.query('DELETE FROM people WHERE workspace_id = $1 AND id = $2', [workspaceId, drop]);
}
