import type { Store } from '../store';

/**
 * The console's read-only questions to the store, each one bounded: counts use the indexes the
 * workers already need, lists are paged (never a whole table in memory), and every query names the
 * workspace so one workspace never reads another's rows.
 */

export interface InstallationCounts {
  people: number;
  outboxPending: number;
  outboxOldest: string | null;
  recordErrors: number;
}

export async function installationCounts(store: Store, workspaceId: string, installationId: string): Promise<InstallationCounts> {
  const { rows } = await store.db.query<{ people: number; pending: number; oldest: string | null; errors: number }>(
    `SELECT (SELECT count(*)::int FROM person_identities WHERE installation_id = $2 AND workspace_id = $1 AND retired_at IS NULL) AS people,
            (SELECT count(*)::int FROM outbox WHERE installation_id = $2 AND workspace_id = $1) AS pending,
            (SELECT min(created_at) FROM outbox WHERE installation_id = $2 AND workspace_id = $1) AS oldest,
            (SELECT count(*)::int FROM record_errors WHERE installation_id = $2 AND workspace_id = $1) AS errors`,
    [workspaceId, installationId],
  );
  const row = rows[0]!;
  return { people: row.people, outboxPending: row.pending, outboxOldest: row.oldest ? new Date(row.oldest).toISOString() : null, recordErrors: row.errors };
}

export interface RecordErrorRow {
  id: number;
  installationId: string;
  personId: string | null;
  crmId: string | null;
  code: string;
  message: string;
  details: unknown;
  createdAt: string;
}

/** Record errors of the workspace, newest first, a page at a time (keyset on id). */
export async function recordErrorsPage(store: Store, workspaceId: string, options: { installationId?: string; beforeId?: number; limit: number }): Promise<RecordErrorRow[]> {
  const { rows } = await store.db.query<RecordErrorRow>(
    `SELECT id::int AS id, installation_id AS "installationId", person_id AS "personId", crm_id AS "crmId", code, message, details, created_at AS "createdAt"
       FROM record_errors
      WHERE workspace_id = $1 AND ($2::uuid IS NULL OR installation_id = $2) AND ($3::bigint IS NULL OR id < $3)
      ORDER BY id DESC LIMIT $4`,
    [workspaceId, options.installationId ?? null, options.beforeId ?? null, options.limit],
  );
  return rows;
}

export interface PersonHit {
  id: string;
  email: string | null;
  name: string | null;
  stage: string | null;
}

/** People whose email starts with the search (the email index serves a prefix), at most `limit`. */
export async function searchPeople(store: Store, workspaceId: string, email: string, limit: number): Promise<PersonHit[]> {
  const prefix = email.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  const { rows } = await store.db.query<PersonHit>(
    `SELECT p.id, p.email_normalized AS email,
            NULLIF(trim(concat_ws(' ', p.snapshot->>'firstName', p.snapshot->>'lastName')), '') AS name, s.stage
       FROM people p LEFT JOIN person_state s ON s.person_id = p.id
      WHERE p.workspace_id = $1 AND p.email_normalized LIKE $2 || '%'
      ORDER BY p.email_normalized, p.id LIMIT $3`,
    [workspaceId, prefix, limit],
  );
  return rows;
}

export interface PersonDetail {
  id: string;
  email: string | null;
  snapshot: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  state: { stage: string; decision: Record<string, unknown>; rulebookVersion: string; decidedAt: string } | null;
}

export async function personDetail(store: Store, workspaceId: string, personId: string): Promise<PersonDetail | null> {
  const { rows } = await store.db.query<{ id: string; email: string | null; snapshot: Record<string, unknown>; created_at: string; updated_at: string; stage: string | null; decision: Record<string, unknown> | null; rulebook_version: string | null; decided_at: string | null }>(
    `SELECT p.id, p.email_normalized AS email, p.snapshot, p.created_at, p.updated_at, s.stage, s.decision, s.rulebook_version, s.decided_at
       FROM people p LEFT JOIN person_state s ON s.person_id = p.id
      WHERE p.workspace_id = $1 AND p.id = $2`,
    [workspaceId, personId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    email: row.email,
    snapshot: row.snapshot,
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
    state: row.stage && row.decision ? { stage: row.stage, decision: row.decision, rulebookVersion: row.rulebook_version!, decidedAt: String(row.decided_at) } : null,
  };
}

export async function personEvents(store: Store, workspaceId: string, personId: string, limit: number) {
  const { rows } = await store.db.query<{ installationId: string; source: string; type: string; occurredAt: string; properties: Record<string, unknown> }>(
    `SELECT installation_id AS "installationId", source, type, occurred_at AS "occurredAt", properties
       FROM events WHERE workspace_id = $1 AND person_id = $2 ORDER BY occurred_at DESC, id DESC LIMIT $3`,
    [workspaceId, personId, limit],
  );
  return rows;
}

export async function personTransitions(store: Store, workspaceId: string, personId: string, limit: number) {
  const { rows } = await store.db.query<{ fromStage: string; toStage: string; reason: string; at: string; rulebookVersion: string }>(
    `SELECT from_stage AS "fromStage", to_stage AS "toStage", reason, at, rulebook_version AS "rulebookVersion"
       FROM stage_transitions WHERE workspace_id = $1 AND person_id = $2 ORDER BY at DESC, id DESC LIMIT $3`,
    [workspaceId, personId, limit],
  );
  return rows;
}

export async function personWrites(store: Store, workspaceId: string, personId: string) {
  const pending = await store.db.query<{ installationId: string; payload: Record<string, unknown>; attempts: number; lastError: string | null; createdAt: string; nextAttemptAt: string }>(
    `SELECT installation_id AS "installationId", payload, attempts, last_error AS "lastError", created_at AS "createdAt", next_attempt_at AS "nextAttemptAt"
       FROM outbox WHERE workspace_id = $1 AND person_id = $2`,
    [workspaceId, personId],
  );
  const written = await store.db.query<{ installationId: string; writtenAt: string }>(
    `SELECT installation_id AS "installationId", written_at AS "writtenAt" FROM written_hashes WHERE workspace_id = $1 AND person_id = $2`,
    [workspaceId, personId],
  );
  const errors = await store.db.query<{ installationId: string; crmId: string | null; code: string; message: string; createdAt: string }>(
    `SELECT installation_id AS "installationId", crm_id AS "crmId", code, message, created_at AS "createdAt"
       FROM record_errors WHERE workspace_id = $1 AND person_id = $2 ORDER BY id DESC LIMIT 20`,
    [workspaceId, personId],
  );
  return { pending: pending.rows, written: written.rows, errors: errors.rows };
}

export async function personTasks(store: Store, workspaceId: string, personId: string) {
  const { rows } = await store.db.query<{ installationId: string; handoffKey: string; crmTaskId: string | null; dueAt: string; status: string; error: string | null; createdAt: string; kind: string; subject: string | null; ownerId: string | null }>(
    `SELECT installation_id AS "installationId", handoff_key AS "handoffKey", crm_task_id AS "crmTaskId", due_at AS "dueAt", status, error, created_at AS "createdAt",
            kind, subject, owner_id AS "ownerId"
       FROM tasks WHERE workspace_id = $1 AND person_id = $2 ORDER BY created_at DESC LIMIT 50`,
    [workspaceId, personId],
  );
  return rows;
}
