import { randomUUID } from 'node:crypto';
import type { Person } from '../../model/person';
import type { Session } from '../db.types';
import { toJson } from '../json.util';
import { lockWorkspace } from '../locks';
import { mergePeople } from './person-merge';
import {
  addCounts,
  emailOnlyPeople,
  erasePeople,
  forgetMergedRecord,
  rebuildSnapshot,
  recordErasure,
  removeRecordData,
  type ErasureCounts,
} from './person-erasure';
import type { SubjectHasher } from '../subject-hash';
import type { CrmRecordRef, PersonIdentity } from '../records';
import { StoreError } from '../store-error';

/** One CRM record as a connector read it, to be matched to (or become) a person of the workspace. */
export interface PersonUpsert extends CrmRecordRef {
  person: Person;
  /** The CRM's current values of the properties Leadstage writes (see migration 002). */
  crmValues?: Record<string, string | null>;
  /**
   * Canonical fields read from a property Leadstage writes, field → property (PulledPerson.readBack).
   * A change in one whose property still holds what the store knew (`crmValues` against the values
   * last pulled or confirmed written) is our own write-back echoing: stored, but not a change.
   */
  readBack?: Record<string, string>;
  /** The connector's digest of the record's other properties (PulledPerson.fingerprint). */
  fingerprint?: string;
  /**
   * The record itself was pulled (not just named by an event): a record retired as deleted comes
   * back to life (restored from the recycle bin). Converted records stay retired.
   */
  pulled?: boolean;
  /** Earlier records of this human in the same installation (a converted lead): see migration 003. */
  formerly?: { objectType: string; crmId: string }[];
}

/** A record deleted in the CRM or merged into `mergedInto` (same installation). */
export interface RetiredRecord {
  objectType: string;
  crmId: string;
  mergedInto?: { objectType: string; crmId: string } | undefined;
  /** Why it is gone (default: `merged` with `mergedInto`, else `deleted`); `privacy`: deleted at the person's request. */
  reason?: 'deleted' | 'merged' | 'privacy' | undefined;
}

export interface RemovalOptions {
  /** Hashes the erased person's email for the audit (subject-hash.ts); without it the audit has no subject. */
  subjectHash?: SubjectHasher;
  /** When the CRM's removal was seen (the audit's requested_at). Default: now. */
  now?: Date;
}

export interface RemovalResult {
  /** People whose records changed and who are still here: to be re-scored. */
  rescore: string[];
  /** People erased because no other record held them. */
  erasedPeople: number;
  /** Rows erased per table, all removals together. */
  counts: ErasureCounts;
}

export function normalizeEmail(email: string | null | undefined): string | null {
  const trimmed = email?.trim().toLowerCase();
  return trimmed ? trimmed : null;
}

/**
 * Incoming values win over stored ones, but a missing/null value does not erase a known one:
 * one system leaving the phone empty must not wipe the phone another system knows. The same rule runs in
 * SQL (`snapshot || jsonb_strip_nulls(new)`) against the stored snapshot.
 */
function mergeSnapshot(base: Record<string, unknown>, incoming: Person): Record<string, unknown> {
  const merged = { ...base };
  for (const [key, value] of Object.entries(incoming)) {
    if (value !== null && value !== undefined) merged[key] = value;
  }
  return merged;
}

const identityKey = (r: CrmRecordRef): string => `${r.installationId}\u0000${r.objectType}\u0000${r.crmId}`;

/**
 * People of a workspace and the CRM records linked to them, so one human across the systems a
 * company connects is one person. The stored snapshot is the canonical Person with `id` = the person id.
 */
export class PersonRepository {
  constructor(private readonly db: Session) {}

  /**
   * Matches each record to a person (its CRM identity first, then its email within the workspace,
   * then a record earlier in the same batch with that email), creates the rest, merges the
   * snapshots and links the identities. A whole sync page costs a fixed handful of statements.
   * Returns the person id of each record, in input order.
   */
  async upsertPeople(workspaceId: string, records: readonly PersonUpsert[]): Promise<string[]> {
    return (await this.upsertPeopleTracked(workspaceId, records)).personIds;
  }

  /**
   * upsertPeople, also telling which people changed: new, linked to a new record, merged, or with
   * different canonical values than stored. A re-pulled record that says nothing new (often just
   * our own write-back echoing) needs no re-scoring, so an unchanged re-sync writes nothing.
   */
  async upsertPeopleTracked(workspaceId: string, records: readonly PersonUpsert[]): Promise<{ personIds: string[]; changed: Set<string> }> {
    if (records.length === 0) return { personIds: [], changed: new Set() };
    return this.db.transaction(async (tx) => {
      // filled step by step; the sync job queues re-scores in the order it fills
      const changed = new Set<string>();
      await lockWorkspace(tx, 'people', workspaceId);
      await assertInstallationsInWorkspace(tx, workspaceId, records);
      const emails = records.map((r) => normalizeEmail(r.person.email));

      const { personOf, knownValues } = await matchKnownIdentities(tx, workspaceId, records);
      await adoptFormerRecords(tx, workspaceId, records, personOf, changed);
      await joinByEmail(tx, workspaceId, emails, personOf, changed);
      const personIds = await matchByEmailOrCreate(tx, workspaceId, records, emails, personOf);

      await upsertSnapshots(tx, workspaceId, mergeSnapshotsByPerson(records, personIds), echoFieldsByPerson(records, personIds, knownValues), changed);
      await linkIdentities(tx, workspaceId, records, personIds, changed);
      await reactivateDeleted(tx, records);
      await retireFormerRecords(tx, workspaceId, records, personIds);
      await foldEmailOnlyPeople(tx, workspaceId, personIds, emails);
      return { personIds, changed };
    });
  }

  /** removeRecords, returning only the people to re-score. */
  async retireRecords(workspaceId: string, installationId: string, removed: readonly RetiredRecord[], options: RemovalOptions = {}): Promise<string[]> {
    return (await this.removeRecords(workspaceId, installationId, removed, options)).rescore;
  }

  /**
   * Records the CRM deleted, deleted for privacy, or merged away (docs/data-protection.md).
   *
   * A merge folds the loser's person into the survivor's (or links the survivor record to the
   * loser's person when it has not been pulled yet); the loser's identity stays retired, for events
   * that still name it, but keeps none of its values, and the survivor's snapshot is rebuilt from
   * the records it still has.
   *
   * A deleted record whose person has no other live record in any installation of the workspace
   * erases the person (and the email-only people with the same email): every row that hangs off
   * them. When another record still holds the person, only what came from the removed record goes
   * (its identity, CRM values and errors; the installation's events and bookkeeping when no live
   * record is left there) and the snapshot is rebuilt from the remaining records. Each deletion
   * leaves an erasure_audit row (with a hash of the email, never the email).
   */
  async removeRecords(workspaceId: string, installationId: string, removed: readonly RetiredRecord[], options: RemovalOptions = {}): Promise<RemovalResult> {
    const result: RemovalResult = { rescore: [], erasedPeople: 0, counts: {} };
    if (removed.length === 0) return result;
    const requestedAt = options.now ?? new Date();
    return this.db.transaction(async (tx) => {
      await lockWorkspace(tx, 'people', workspaceId);
      await assertInstallationsInWorkspace(tx, workspaceId, [{ installationId, objectType: '', crmId: '' }]);
      const affected = new Set<string>();
      const erased = new Set<string>();
      for (const record of removed) {
        // already retired (a sync that re-reads an overlap sees the same removal again): nothing changes
        if (await isRetired(tx, installationId, record)) continue;
        const loser = await personOfIdentity(tx, installationId, record);
        if (!loser) continue; // never seen: nothing of ours points at it
        if (record.mergedInto) {
          let keep = loser;
          const survivor = await personOfIdentity(tx, installationId, record.mergedInto);
          if (survivor) {
            await mergePeople(tx, workspaceId, survivor, loser);
            keep = survivor;
          } else {
            await tx.query(
              `INSERT INTO person_identities (installation_id, object_type, crm_id, workspace_id, person_id)
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
              [installationId, record.mergedInto.objectType, record.mergedInto.crmId, workspaceId, loser],
            );
          }
          await tx.query(
            `UPDATE person_identities SET retired_at = now(), retired_reason = 'merged'
              WHERE installation_id = $1 AND object_type = $2 AND crm_id = $3 AND retired_at IS NULL`,
            [installationId, record.objectType, record.crmId],
          );
          await forgetMergedRecord(tx, installationId, record, keep);
          await rebuildSnapshot(tx, workspaceId, keep);
          affected.delete(loser);
          affected.add(keep);
          continue;
        }

        const email = await recordEmail(tx, installationId, record, loser);
        const heldElsewhere = await tx.query(
          `SELECT 1 FROM person_identities
            WHERE person_id = $1 AND retired_at IS NULL AND NOT (installation_id = $2 AND object_type = $3 AND crm_id = $4) LIMIT 1`,
          [loser, installationId, record.objectType, record.crmId],
        );
        let counts: ErasureCounts;
        let people = 0;
        if (heldElsewhere.rowCount === 0) {
          const ids = [loser, ...(email ? await emailOnlyPeople(tx, workspaceId, email, [loser]) : [])];
          counts = await erasePeople(tx, workspaceId, ids);
          people = ids.length;
          for (const id of ids) erased.add(id);
        } else {
          counts = await removeRecordData(tx, workspaceId, installationId, record, loser);
          await rebuildSnapshot(tx, workspaceId, loser);
          affected.add(loser);
        }
        result.erasedPeople += people;
        addCounts(result.counts, counts);
        await recordErasure(tx, {
          workspaceId,
          installationId,
          reason: record.reason === 'privacy' ? 'crm_privacy_delete' : 'crm_delete',
          subjectHash: email && options.subjectHash ? options.subjectHash(email) : null,
          peopleErased: people,
          counts,
          requestedAt,
        });
      }
      result.rescore = [...affected].filter((id) => !erased.has(id));
      return result;
    });
  }

  /**
   * The person for each email, creating a person (with no CRM record yet) for an unknown one, so an
   * engagement event that names only an email (a form submission, an email open) is never dropped;
   * when the CRM record arrives later, upsertPeople matches it to this person by email.
   */
  async resolveEmails(workspaceId: string, emails: readonly string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(emails.map(normalizeEmail).filter((e): e is string => e !== null))];
    if (wanted.length === 0) return new Map();
    return this.db.transaction(async (tx) => {
      await lockWorkspace(tx, 'people', workspaceId);
      const result = await firstPersonByEmail(tx, workspaceId, wanted);
      const missing = wanted.filter((email) => !result.has(email));
      if (missing.length > 0) {
        const ids = missing.map(() => randomUUID());
        await tx.query(
          `INSERT INTO people (id, workspace_id, email_normalized, snapshot)
           SELECT x.id, $1, x.email, jsonb_build_object('id', x.id::text, 'email', x.email)
             FROM unnest($2::uuid[], $3::text[]) AS x(id, email)`,
          [workspaceId, ids, missing],
        );
        missing.forEach((email, i) => result.set(email, ids[i]!));
      }
      return result;
    });
  }

  /**
   * The people of a workspace, optionally only those with a record in one installation, in id order
   * from `afterId`: lets a whole portal be re-scored page by page with flat memory.
   */
  async listPersonIds(workspaceId: string, options: { installationId?: string; afterId?: string | null; limit: number }): Promise<string[]> {
    const { rows } = options.installationId
      ? await this.db.query<{ id: string }>(
          `SELECT DISTINCT person_id AS id FROM person_identities
            WHERE workspace_id = $1 AND installation_id = $2 AND retired_at IS NULL AND ($3::uuid IS NULL OR person_id > $3::uuid)
            ORDER BY person_id LIMIT $4`,
          [workspaceId, options.installationId, options.afterId ?? null, options.limit],
        )
      : await this.db.query<{ id: string }>(
          `SELECT id FROM people WHERE workspace_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid) ORDER BY id LIMIT $3`,
          [workspaceId, options.afterId ?? null, options.limit],
        );
    return rows.map((row) => row.id);
  }

  async getPerson(workspaceId: string, personId: string): Promise<Person | null> {
    const { rows } = await this.db.query<{ snapshot: Person }>(
      'SELECT snapshot FROM people WHERE workspace_id = $1 AND id = $2',
      [workspaceId, personId],
    );
    return rows[0]?.snapshot ?? null;
  }

  async findByEmail(workspaceId: string, email: string): Promise<Person[]> {
    const { rows } = await this.db.query<{ snapshot: Person }>(
      'SELECT snapshot FROM people WHERE workspace_id = $1 AND email_normalized = $2 ORDER BY created_at, id',
      [workspaceId, normalizeEmail(email)],
    );
    return rows.map((row) => row.snapshot);
  }

  /** The person a CRM record belongs to (e.g. for an inbound webhook), within its installation. */
  async findByIdentity(installationId: string, objectType: string, crmId: string): Promise<string | null> {
    const { rows } = await this.db.query<{ personId: string }>(
      `SELECT person_id AS "personId" FROM person_identities
        WHERE installation_id = $1 AND object_type = $2 AND crm_id = $3`,
      [installationId, objectType, crmId],
    );
    return rows[0]?.personId ?? null;
  }

  /**
   * Of these records of one installation, the ones stored exactly so: live, the same fingerprint,
   * and every writable value as the store knows it (last pulled, or confirmed written). One
   * statement for a page.
   */
  async unchangedRecords(installationId: string, records: readonly { objectType: string; crmId: string; fingerprint: string; writableValues: Record<string, string | null> }[]): Promise<Set<string>> {
    if (records.length === 0) return new Set();
    const { rows } = await this.db.query<{ crmId: string }>(
      `SELECT pi.crm_id AS "crmId"
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS x(object_type, crm_id, fingerprint, crm_values)
         JOIN person_identities pi ON pi.installation_id = $1 AND pi.object_type = x.object_type AND pi.crm_id = x.crm_id
        WHERE pi.retired_at IS NULL AND pi.fingerprint = x.fingerprint AND pi.crm_values @> x.crm_values::jsonb`,
      [installationId, records.map((r) => r.objectType), records.map((r) => r.crmId), records.map((r) => r.fingerprint), records.map((r) => toJson(r.writableValues))],
    );
    return new Set(rows.map((row) => row.crmId));
  }

  /** The live CRM records of each of a page of people (people with none are absent). */
  listIdentitiesOf(workspaceId: string, personIds: readonly string[]): Promise<Map<string, PersonIdentity[]>> {
    return listLiveIdentities(this.db, workspaceId, personIds);
  }

  /**
   * The person's live CRM records (where a decision is written back); retired ones (converted,
   * deleted, merged away) only with `includeRetired`.
   */
  async listIdentities(workspaceId: string, personId: string, options: { includeRetired?: boolean } = {}): Promise<PersonIdentity[]> {
    const { rows } = await this.db.query<PersonIdentity>(
      `SELECT person_id AS "personId", installation_id AS "installationId", object_type AS "objectType", crm_id AS "crmId",
              crm_values AS "crmValues", retired_reason AS "retiredReason"
         FROM person_identities WHERE workspace_id = $1 AND person_id = $2 AND ($3 OR retired_at IS NULL)
        ORDER BY installation_id, object_type, crm_id`,
      [workspaceId, personId, options.includeRetired === true],
    );
    return rows;
  }
}

/** listIdentities for a page of people in one statement (live records only). */
export async function listLiveIdentities(db: Session, workspaceId: string, personIds: readonly string[]): Promise<Map<string, PersonIdentity[]>> {
  const result = new Map<string, PersonIdentity[]>();
  if (personIds.length === 0) return result;
  const { rows } = await db.query<PersonIdentity>(
    `SELECT person_id AS "personId", installation_id AS "installationId", object_type AS "objectType", crm_id AS "crmId",
            crm_values AS "crmValues", retired_reason AS "retiredReason"
       FROM person_identities WHERE workspace_id = $1 AND person_id = ANY($2::uuid[]) AND retired_at IS NULL
      ORDER BY person_id, installation_id, object_type, crm_id`,
    [workspaceId, personIds],
  );
  for (const row of rows) {
    const list = result.get(row.personId);
    if (list) list.push(row);
    else result.set(row.personId, [row]);
  }
  return result;
}

/**
 * Step 1: records whose CRM identity is already linked get its person. The rest stay undefined for
 * the later steps; ordinals tie each row back to its record.
 */
async function matchKnownIdentities(
  tx: Session,
  workspaceId: string,
  records: readonly PersonUpsert[],
): Promise<{ personOf: (string | undefined)[]; knownValues: (Record<string, string | null> | undefined)[] }> {
  const personOf: (string | undefined)[] = new Array(records.length).fill(undefined);
  const knownValues: (Record<string, string | null> | undefined)[] = new Array(records.length).fill(undefined);
  // the known CRM values only where a record may echo our write-back (none for most connectors)
  const withValues = records.some((r) => r.readBack !== undefined);
  const known = await tx.query<{ ord: number; personId: string; crmValues: Record<string, string | null> | null }>(
    `SELECT x.ord, pi.person_id AS "personId", ${withValues ? 'pi.crm_values' : 'NULL::jsonb'} AS "crmValues"
       FROM unnest($2::uuid[], $3::text[], $4::text[]) WITH ORDINALITY AS x(installation_id, object_type, crm_id, ord)
       JOIN person_identities pi
         ON pi.installation_id = x.installation_id AND pi.object_type = x.object_type AND pi.crm_id = x.crm_id
      WHERE pi.workspace_id = $1`,
    [workspaceId, records.map((r) => r.installationId), records.map((r) => r.objectType), records.map((r) => r.crmId)],
  );
  for (const row of known.rows) {
    personOf[row.ord - 1] = row.personId;
    knownValues[row.ord - 1] = row.crmValues ?? undefined;
  }
  return { personOf, knownValues };
}

/**
 * Per person, the snapshot fields whose change is our own write-back echoing: read from a property we
 * write (`readBack`) whose pulled value is the one the store already knew for that record. A field is
 * ignored only if every record of the person in this batch that brings a value for it says so.
 */
function echoFieldsByPerson(
  records: readonly PersonUpsert[],
  personIds: readonly string[],
  knownValues: readonly (Record<string, string | null> | undefined)[],
): Map<string, string[]> {
  const verdicts = new Map<string, Map<string, boolean>>();
  records.forEach((record, i) => {
    const person = personIds[i]!;
    const fields = verdicts.get(person) ?? new Map<string, boolean>();
    verdicts.set(person, fields);
    const known = knownValues[i];
    for (const [field, value] of Object.entries(record.person)) {
      if (value === null || value === undefined) continue;
      const property = record.readBack?.[field];
      const echo = property !== undefined && known !== undefined && record.crmValues !== undefined &&
        (record.crmValues[property] ?? null) === (known[property] ?? null);
      fields.set(field, (fields.get(field) ?? true) && echo);
    }
  });
  const out = new Map<string, string[]>();
  for (const [person, fields] of verdicts) {
    const echoes = [...fields].filter(([, echo]) => echo).map(([field]) => field);
    if (echoes.length > 0) out.set(person, echoes);
  }
  return out;
}

/**
 * Steps 2 and 3, for records still without a person: the same record earlier in the batch, else
 * the workspace's oldest person with that email (or one made earlier in this batch), else a new
 * person. Returns every record's person id, in input order.
 */
async function matchByEmailOrCreate(
  tx: Session,
  workspaceId: string,
  records: readonly PersonUpsert[],
  emails: readonly (string | null)[],
  known: readonly (string | undefined)[],
): Promise<string[]> {
  const unmatchedEmails = [...new Set(emails.filter((e, i): e is string => e !== null && known[i] === undefined))];
  // no statement when every record was matched by identity (the usual re-sync)
  const byEmail = unmatchedEmails.length > 0 ? await firstPersonByEmail(tx, workspaceId, unmatchedEmails) : new Map<string, string>();
  const byIdentity = new Map<string, string>();
  return records.map((record, i) => {
    const key = identityKey(record);
    const email = emails[i] ?? null;
    const id = known[i] ?? byIdentity.get(key) ?? (email ? byEmail.get(email) : undefined) ?? randomUUID();
    byIdentity.set(key, id);
    if (email && !byEmail.has(email)) byEmail.set(email, id);
    return id;
  });
}

/** The oldest person of the workspace holding each email (people made first keep their history). */
async function firstPersonByEmail(tx: Session, workspaceId: string, emails: readonly string[]): Promise<Map<string, string>> {
  const found = await tx.query<{ email: string; id: string }>(
    `SELECT DISTINCT ON (email_normalized) email_normalized AS email, id
       FROM people WHERE workspace_id = $1 AND email_normalized = ANY($2::text[])
      ORDER BY email_normalized, created_at, id`,
    [workspaceId, emails],
  );
  return new Map(found.rows.map((row) => [row.email, row.id]));
}

/** Step 4a: one snapshot per person, several records of one person merged in input order. */
function mergeSnapshotsByPerson(records: readonly PersonUpsert[], personIds: readonly string[]): Map<string, Record<string, unknown>> {
  const snapshots = new Map<string, Record<string, unknown>>();
  records.forEach((record, i) => {
    const id = personIds[i]!;
    snapshots.set(id, { ...mergeSnapshot(snapshots.get(id) ?? {}, record.person), id });
  });
  return snapshots;
}

/**
 * Step 4b: one upsert for all the people. A row is touched only when the merge changes its snapshot
 * or email, and counted as changed only when it changes more than the person's `echoes` (fields our
 * own write-back moved, echoFieldsByPerson): a re-pulled record that only echoes what we wrote is
 * stored, but nobody is re-scored for it.
 */
async function upsertSnapshots(
  tx: Session,
  workspaceId: string,
  snapshots: ReadonlyMap<string, Record<string, unknown>>,
  echoes: ReadonlyMap<string, readonly string[]>,
  changed: Set<string>,
): Promise<void> {
  const ids = [...snapshots.keys()];
  const params = [
    workspaceId,
    ids,
    ids.map((id) => normalizeEmail(snapshots.get(id)!.email as string | null | undefined)),
    ids.map((id) => toJson(snapshots.get(id))),
  ];
  const upsert = `INSERT INTO people (id, workspace_id, email_normalized, snapshot)
     SELECT x.id, $1, x.email, x.snapshot::jsonb FROM x
     ON CONFLICT (id) DO UPDATE
        SET snapshot = people.snapshot || jsonb_strip_nulls(excluded.snapshot),
            email_normalized = COALESCE(excluded.email_normalized, people.email_normalized),
            updated_at = now()
      WHERE people.workspace_id = excluded.workspace_id
        -- compared without nulls: a re-read that only spells an empty value differently
        -- ({"bant": {"need": null}} stored, {"bant": {}} merged) says nothing new
        AND (jsonb_strip_nulls(people.snapshot) IS DISTINCT FROM jsonb_strip_nulls(people.snapshot || jsonb_strip_nulls(excluded.snapshot))
             OR people.email_normalized IS DISTINCT FROM COALESCE(excluded.email_normalized, people.email_normalized))
     RETURNING id`;
  if (echoes.size === 0) {
    const upserted = await tx.query<{ id: string }>(
      `WITH x AS (SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[]) AS x(id, email, snapshot)) ${upsert}`,
      params,
    );
    for (const row of upserted.rows) changed.add(row.id);
    return;
  }
  // the rows as they were (every statement of a WITH sees the same snapshot), compared without the echoes
  const upserted = await tx.query<{ id: string }>(
    `WITH x AS (SELECT x.id, x.email, x.snapshot, ARRAY(SELECT jsonb_array_elements_text(x.echoes::jsonb)) AS echoes
                  FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) AS x(id, email, snapshot, echoes)),
          old AS (SELECT p.id, p.snapshot, p.email_normalized FROM people p WHERE p.workspace_id = $1 AND p.id = ANY($2::uuid[])),
          up AS (${upsert})
     SELECT up.id FROM up JOIN x ON x.id = up.id LEFT JOIN old ON old.id = up.id
      WHERE old.id IS NULL
         OR old.email_normalized IS DISTINCT FROM COALESCE(x.email, old.email_normalized)
         OR (old.snapshot - x.echoes) IS DISTINCT FROM ((old.snapshot || jsonb_strip_nulls(x.snapshot::jsonb)) - x.echoes)`,
    [...params, ids.map((id) => JSON.stringify(echoes.get(id) ?? []))],
  );
  for (const row of upserted.rows) changed.add(row.id);
}

/**
 * Step 5: links every CRM record to its person (existing links already point to it) and keeps the
 * record's current values of the properties Leadstage writes, and a pulled record's own canonical
 * values (migration 008: a removed record's values can then be taken out of the person). A new link
 * is a change; an existing one is only updated when some record of the batch brought CRM values
 * ($7) or was pulled.
 */
async function linkIdentities(tx: Session, workspaceId: string, records: readonly PersonUpsert[], personIds: readonly string[], changed: Set<string>): Promise<void> {
  const linked = await tx.query<{ personId: string; inserted: boolean }>(
    `INSERT INTO person_identities (installation_id, object_type, crm_id, workspace_id, person_id, crm_values, record_values, record_values_at, fingerprint)
     SELECT x.installation_id, x.object_type, x.crm_id, $1, x.person_id, COALESCE(x.crm_values::jsonb, '{}'),
            x.record_values::jsonb, CASE WHEN x.record_values IS NULL THEN NULL ELSE now() END, x.fingerprint
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[], $8::text[], $9::text[])
            AS x(installation_id, object_type, crm_id, person_id, crm_values, record_values, fingerprint)
     ON CONFLICT (installation_id, object_type, crm_id)
     DO UPDATE SET crm_values = CASE WHEN $7 THEN COALESCE(excluded.crm_values, person_identities.crm_values) ELSE person_identities.crm_values END,
                   record_values = COALESCE(excluded.record_values, person_identities.record_values),
                   record_values_at = COALESCE(excluded.record_values_at, person_identities.record_values_at),
                   fingerprint = COALESCE(excluded.fingerprint, person_identities.fingerprint)
      WHERE $7 OR excluded.record_values IS NOT NULL OR excluded.fingerprint IS NOT NULL
     RETURNING person_id AS "personId", (xmax = 0) AS inserted`,
    [
      workspaceId,
      records.map((r) => r.installationId),
      records.map((r) => r.objectType),
      records.map((r) => r.crmId),
      personIds,
      records.map((r) => (r.crmValues ? toJson(r.crmValues) : null)),
      records.some((r) => r.crmValues !== undefined || r.fingerprint !== undefined),
      records.map((r) => (r.pulled === true ? toJson(recordValues(r.person)) : null)),
      records.map((r) => r.fingerprint ?? null),
    ],
  );
  for (const row of linked.rows) if (row.inserted) changed.add(row.personId);
}

/** A record's canonical values as it brought them, without the id (the person's, not the record's). */
function recordValues(person: Person): Record<string, unknown> {
  const { id: _id, ...values } = person;
  return values;
}

/**
 * Step 6: an email-only person (made for an event that arrived before its contact) with the same
 * email as a record of this batch is the same human: its events move over and it is dropped.
 */
async function foldEmailOnlyPeople(tx: Session, workspaceId: string, personIds: readonly string[], emails: readonly (string | null)[]): Promise<void> {
  const pairs = personIds
    .map((keep, i) => ({ keep, email: emails[i] ?? null }))
    .filter((pair): pair is { keep: string; email: string } => pair.email !== null);
  if (pairs.length === 0) return;
  // LATERAL: one email-index probe per record whatever the planner's statistics say (a join
  // here was planned as a scan of the workspace's people and all identities: 400 ms at 100k)
  const { rows: merges } = await tx.query<{ keep: string; dropped: string }>(
    `SELECT DISTINCT x.keep, p.id AS dropped
       FROM unnest($2::uuid[], $3::text[]) AS x(keep, email)
       CROSS JOIN LATERAL (
         SELECT p.id FROM people p
          WHERE p.workspace_id = $1 AND p.email_normalized = x.email AND p.id <> x.keep
            AND NOT EXISTS (SELECT 1 FROM person_identities pi WHERE pi.person_id = p.id)
       ) p`,
    [workspaceId, pairs.map((p) => p.keep), pairs.map((p) => p.email)],
  );
  if (merges.length === 0) return;
  await tx.query(
    // person_id = ANY lets the planner use the events-by-person index instead of a scan
    `UPDATE events e SET person_id = m.keep
       FROM unnest($2::uuid[], $3::uuid[]) AS m(keep, dropped)
      WHERE e.workspace_id = $1 AND e.person_id = ANY($3::uuid[]) AND e.person_id = m.dropped`,
    [workspaceId, merges.map((m) => m.keep), merges.map((m) => m.dropped)],
  );
  await tx.query('DELETE FROM people WHERE workspace_id = $1 AND id = ANY($2::uuid[])', [workspaceId, merges.map((m) => m.dropped)]);
}

/** The removed record's own email when it was pulled since migration 008, else its person's. */
async function recordEmail(tx: Session, installationId: string, record: { objectType: string; crmId: string }, personId: string): Promise<string | null> {
  const { rows } = await tx.query<{ email: string | null }>(
    `SELECT COALESCE(lower(trim(pi.record_values->>'email')), p.email_normalized) AS email
       FROM person_identities pi JOIN people p ON p.id = pi.person_id
      WHERE pi.installation_id = $1 AND pi.object_type = $2 AND pi.crm_id = $3 AND p.id = $4`,
    [installationId, record.objectType, record.crmId, personId],
  );
  return normalizeEmail(rows[0]?.email ?? null);
}

async function isRetired(tx: Session, installationId: string, record: { objectType: string; crmId: string }): Promise<boolean> {
  const { rows } = await tx.query<{ retired: boolean }>(
    'SELECT retired_at IS NOT NULL AS retired FROM person_identities WHERE installation_id = $1 AND object_type = $2 AND crm_id = $3',
    [installationId, record.objectType, record.crmId],
  );
  return rows[0]?.retired === true;
}

async function personOfIdentity(tx: Session, installationId: string, record: { objectType: string; crmId: string }): Promise<string | null> {
  const { rows } = await tx.query<{ personId: string }>(
    'SELECT person_id AS "personId" FROM person_identities WHERE installation_id = $1 AND object_type = $2 AND crm_id = $3',
    [installationId, record.objectType, record.crmId],
  );
  return rows[0]?.personId ?? null;
}

/**
 * A converted record's person is its earlier record's person: the history started there. When the
 * new record was already a person of its own (pulled before the conversion was seen), that person
 * is folded into the earlier one, so the decision history survives the conversion.
 */
async function adoptFormerRecords(
  tx: Session,
  workspaceId: string,
  records: readonly PersonUpsert[],
  personOf: (string | undefined)[],
  changed: Set<string>,
): Promise<void> {
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    for (const former of record.formerly ?? []) {
      const formerPerson = await personOfIdentity(tx, record.installationId, former);
      if (!formerPerson) continue;
      const current = personOf[i];
      if (current && current !== formerPerson) {
        await mergePeople(tx, workspaceId, formerPerson, current);
        for (let j = 0; j < personOf.length; j++) if (personOf[j] === current) personOf[j] = formerPerson;
      }
      if (personOf[i] !== formerPerson) changed.add(formerPerson);
      personOf[i] = formerPerson;
    }
  }
}

/** Links each earlier record to its person, retired as converted (inserted if never seen). */
async function retireFormerRecords(tx: Session, workspaceId: string, records: readonly PersonUpsert[], personOf: readonly (string | undefined)[]): Promise<void> {
  const rows = records.flatMap((record, i) =>
    (record.formerly ?? []).map((former) => ({ installationId: record.installationId, ...former, personId: personOf[i]! })),
  );
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO person_identities (installation_id, object_type, crm_id, workspace_id, person_id, retired_at, retired_reason)
     SELECT x.installation_id, x.object_type, x.crm_id, $1, x.person_id, now(), 'converted'
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::uuid[]) AS x(installation_id, object_type, crm_id, person_id)
     ON CONFLICT (installation_id, object_type, crm_id)
     DO UPDATE SET person_id = excluded.person_id, retired_at = now(), retired_reason = 'converted'`,
    [workspaceId, rows.map((r) => r.installationId), rows.map((r) => r.objectType), rows.map((r) => r.crmId), rows.map((r) => r.personId)],
  );
}

/** A pulled record retired as deleted is back (restored in the CRM): it is live again. */
async function reactivateDeleted(tx: Session, records: readonly PersonUpsert[]): Promise<void> {
  const pulled = records.filter((r) => r.pulled === true);
  if (pulled.length === 0) return;
  await tx.query(
    `UPDATE person_identities pi SET retired_at = NULL, retired_reason = NULL
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS x(installation_id, object_type, crm_id)
      WHERE pi.installation_id = x.installation_id AND pi.object_type = x.object_type AND pi.crm_id = x.crm_id
        AND pi.retired_reason = 'deleted'`,
    [pulled.map((r) => r.installationId), pulled.map((r) => r.objectType), pulled.map((r) => r.crmId)],
  );
}

async function assertInstallationsInWorkspace(tx: Session, workspaceId: string, records: readonly CrmRecordRef[]): Promise<void> {
  const wanted = [...new Set(records.map((r) => r.installationId))];
  const { rows } = await tx.query<{ id: string }>(
    'SELECT id FROM installations WHERE workspace_id = $1 AND id = ANY($2::uuid[])',
    [workspaceId, wanted],
  );
  const found = new Set(rows.map((row) => row.id));
  const foreign = wanted.filter((id) => !found.has(id));
  if (foreign.length > 0) {
    throw new StoreError('not_in_workspace', `installation ${foreign.join(', ')} is not part of workspace ${workspaceId}`);
  }
}

/**
 * A record known by identity may bring an email another person of the workspace holds: its person
 * was made for an event that named the record before its page arrived (no email then), while the
 * other system's record made the other person. Same human: fold the other person into this one.
 */
async function joinByEmail(tx: Session, workspaceId: string, emails: readonly (string | null)[], personOf: (string | undefined)[], changed: Set<string>): Promise<void> {
  const wanted = [...new Set(emails.filter((e, i): e is string => e !== null && personOf[i] !== undefined))];
  if (wanted.length === 0) return;
  const candidates = await tx.query<{ id: string; email: string }>(
    'SELECT id, email_normalized AS email FROM people WHERE workspace_id = $1 AND email_normalized = ANY($2::text[]) ORDER BY created_at, id',
    [workspaceId, wanted],
  );
  if (candidates.rows.length === 0) return;
  // people with no CRM record yet (made for an email-only event) are folded more cheaply in step 6;
  // a second indexed lookup, because planners misjudge an EXISTS over person_identities here
  const linked = await tx.query<{ personId: string }>(
    'SELECT DISTINCT person_id AS "personId" FROM person_identities WHERE person_id = ANY($1::uuid[])',
    [candidates.rows.map((row) => row.id)],
  );
  const withRecords = new Set(linked.rows.map((row) => row.personId));
  const rows = candidates.rows.filter((row) => withRecords.has(row.id));
  if (rows.length === 0) return;
  const holders = new Map<string, string[]>();
  for (const row of rows) holders.set(row.email, [...(holders.get(row.email) ?? []), row.id]);
  const into = new Map<string, string>();
  const resolve = (id: string): string => {
    let at = id;
    while (into.has(at)) at = into.get(at)!;
    return at;
  };
  for (let i = 0; i < emails.length; i++) {
    const email = emails[i];
    if (!email || personOf[i] === undefined) continue;
    const keep = resolve(personOf[i]!);
    for (const other of holders.get(email) ?? []) {
      const drop = resolve(other);
      if (drop === keep) continue;
      await mergePeople(tx, workspaceId, keep, drop);
      into.set(drop, keep);
      changed.add(keep);
    }
  }
  for (let i = 0; i < personOf.length; i++) if (personOf[i] !== undefined) personOf[i] = resolve(personOf[i]!);
}
