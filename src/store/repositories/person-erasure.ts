import type { Session } from '../db.types';
import { toJson } from '../json.util';

/**
 * Erasing people and CRM records (docs/data-protection.md). Every table that holds a person's data
 * hangs off `people` by a foreign key that cascades; the rows are still deleted table by table, in
 * one transaction, so the audit can say how many rows each table lost. `ERASED_TABLES` must list
 * every table with a foreign key to people (a store test compares it with the catalog), and the
 * erasure tests scan every text and json column of the schema for the erased address afterwards.
 */
export const ERASED_TABLES = [
  'record_errors',
  'outbox',
  'tasks',
  'sla_handoffs',
  'written_hashes',
  'stage_transitions',
  'person_state',
  'events',
  'person_identities',
  'people',
] as const;
export type ErasedTable = (typeof ERASED_TABLES)[number];
/** Rows erased per table; tables that lost nothing are absent. */
export type ErasureCounts = Partial<Record<ErasedTable, number>>;

export type ErasureReason = 'crm_delete' | 'crm_privacy_delete' | 'request';

export function addCounts(into: ErasureCounts, more: ErasureCounts): ErasureCounts {
  for (const [table, n] of Object.entries(more) as [ErasedTable, number][]) if (n > 0) into[table] = (into[table] ?? 0) + n;
  return into;
}

function count(counts: ErasureCounts, table: ErasedTable, n: number): void {
  if (n > 0) counts[table] = (counts[table] ?? 0) + n;
}

/**
 * Deletes people and everything that hangs off them, inside the caller's transaction. Errors that
 * name one of their records without naming the person (a record that could not be read) go too.
 */
export async function erasePeople(tx: Session, workspaceId: string, personIds: readonly string[]): Promise<ErasureCounts> {
  const counts: ErasureCounts = {};
  if (personIds.length === 0) return counts;
  const params = [workspaceId, personIds];
  const byRecord = await tx.query(
    `DELETE FROM record_errors e USING person_identities pi
      WHERE pi.workspace_id = $1 AND pi.person_id = ANY($2::uuid[])
        AND e.installation_id = pi.installation_id AND e.crm_id = pi.crm_id`,
    params,
  );
  count(counts, 'record_errors', byRecord.rowCount);
  for (const table of ERASED_TABLES) {
    const column = table === 'people' ? 'id' : 'person_id';
    const { rowCount } = await tx.query(`DELETE FROM ${table} WHERE workspace_id = $1 AND ${column} = ANY($2::uuid[])`, params);
    count(counts, table, rowCount);
  }
  return counts;
}

export interface RecordKey {
  objectType: string;
  crmId: string;
}

/**
 * One CRM record is gone but its person is still held by another record: the record's identity
 * (with its CRM values and its own canonical values) goes, so do errors and a pending write naming
 * it, and the last written hash for that system (the next write goes to whichever record is left).
 * When no live record of the person is left in that installation, everything the person has from
 * that installation goes too: its events, its other (retired) records, written hash, tasks,
 * pending write and errors.
 */
export async function removeRecordData(tx: Session, workspaceId: string, installationId: string, record: RecordKey, personId: string): Promise<ErasureCounts> {
  const counts: ErasureCounts = {};
  const identity = await tx.query(
    'DELETE FROM person_identities WHERE installation_id = $1 AND object_type = $2 AND crm_id = $3',
    [installationId, record.objectType, record.crmId],
  );
  count(counts, 'person_identities', identity.rowCount);
  count(counts, 'record_errors', (await tx.query('DELETE FROM record_errors WHERE installation_id = $1 AND crm_id = $2', [installationId, record.crmId])).rowCount);
  count(
    counts,
    'outbox',
    (await tx.query(`DELETE FROM outbox WHERE installation_id = $1 AND person_id = $2 AND payload->>'crmId' = $3`, [installationId, personId, record.crmId])).rowCount,
  );
  count(counts, 'written_hashes', (await tx.query('DELETE FROM written_hashes WHERE installation_id = $1 AND person_id = $2', [installationId, personId])).rowCount);

  const live = await tx.query('SELECT 1 FROM person_identities WHERE installation_id = $1 AND person_id = $2 AND retired_at IS NULL LIMIT 1', [installationId, personId]);
  if (live.rowCount > 0) return counts;
  const params = [workspaceId, installationId, personId];
  for (const table of ['person_identities', 'events', 'tasks', 'outbox', 'record_errors'] as const) {
    const { rowCount } = await tx.query(`DELETE FROM ${table} WHERE workspace_id = $1 AND installation_id = $2 AND person_id = $3`, params);
    count(counts, table, rowCount);
  }
  return counts;
}

/**
 * A record merged away in its CRM stays as a retired identity (late events that name it still find
 * the survivor), but keeps nothing of its own: its CRM values and canonical values are cleared, and
 * a pending write or an error naming it goes.
 */
export async function forgetMergedRecord(tx: Session, installationId: string, record: RecordKey, personId: string): Promise<void> {
  await tx.query(
    `UPDATE person_identities SET crm_values = '{}', record_values = NULL, record_values_at = NULL
      WHERE installation_id = $1 AND object_type = $2 AND crm_id = $3`,
    [installationId, record.objectType, record.crmId],
  );
  await tx.query('DELETE FROM record_errors WHERE installation_id = $1 AND crm_id = $2', [installationId, record.crmId]);
  await tx.query(`DELETE FROM outbox WHERE installation_id = $1 AND person_id = $2 AND payload->>'crmId' = $3`, [installationId, personId, record.crmId]);
}

/**
 * Rebuilds a person's snapshot from the canonical values of the records they still have, in the
 * order they were pulled (later values win, a missing value never erases a known one: the same rule
 * as upserting). Only when every live record's values are known (pulled since migration 008): else
 * the snapshot is left as it is and false returned.
 */
export async function rebuildSnapshot(tx: Session, workspaceId: string, personId: string): Promise<boolean> {
  const { rows } = await tx.query<{ values: Record<string, unknown> | null; live: boolean }>(
    `SELECT record_values AS values, retired_at IS NULL AS live FROM person_identities
      WHERE workspace_id = $1 AND person_id = $2 ORDER BY record_values_at NULLS FIRST, created_at, crm_id`,
    [workspaceId, personId],
  );
  if (rows.length === 0 || rows.some((row) => row.live && row.values === null) || rows.every((row) => row.values === null)) return false;
  const snapshot: Record<string, unknown> = {};
  for (const row of rows) {
    for (const [key, value] of Object.entries(row.values ?? {})) if (value !== null && value !== undefined) snapshot[key] = value;
  }
  snapshot.id = personId;
  const email = typeof snapshot.email === 'string' ? snapshot.email.trim().toLowerCase() || null : null;
  await tx.query('UPDATE people SET snapshot = $3::jsonb, email_normalized = $4, updated_at = now() WHERE workspace_id = $1 AND id = $2', [
    workspaceId,
    personId,
    toJson(snapshot),
    email,
  ]);
  return true;
}

/** People of the workspace with this email and no CRM record at all (made for an email-only event). */
export async function emailOnlyPeople(tx: Session, workspaceId: string, email: string, except: readonly string[]): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT p.id FROM people p
      WHERE p.workspace_id = $1 AND p.email_normalized = $2 AND NOT (p.id = ANY($3::uuid[]))
        AND NOT EXISTS (SELECT 1 FROM person_identities pi WHERE pi.person_id = p.id)`,
    [workspaceId, email, except],
  );
  return rows.map((row) => row.id);
}

export interface AuditEntry {
  workspaceId: string;
  installationId: string | null;
  reason: ErasureReason;
  subjectHash: string | null;
  peopleErased: number;
  counts: ErasureCounts;
  requestedAt: Date;
}

export async function recordErasure(tx: Session, entry: AuditEntry): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO erasure_audit (workspace_id, installation_id, requested_at, reason, subject_hash, people_erased, counts)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING id`,
    [entry.workspaceId, entry.installationId, entry.requestedAt, entry.reason, entry.subjectHash, entry.peopleErased, toJson(entry.counts)],
  );
  return rows[0]!.id;
}
