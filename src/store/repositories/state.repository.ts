import type { Decision } from '../../model/decision';
import type { EngagementEvent } from '../../model/event';
import type { Person } from '../../model/person';
import type { Session } from '../db.types';
import { toJson } from '../json.util';
import type { StageTransitionRecord, StoredState } from '../records';
import { EventRepository } from './event.repository';

export interface ScoringInput {
  person: Person;
  events: EngagementEvent[];
  /** The last decision (a valid PreviousState for the engine), or null for a person never scored. */
  state: StoredState | null;
}

/**
 * What the engine reads and what it leaves behind: the last decision per person, the transition
 * log (SPEC.md §2: every transition recorded with time, rulebook version and reason) and, per
 * installation, the hash of what was last confirmed written there.
 */
export class StateRepository {
  private readonly events: EventRepository;

  constructor(private readonly db: Session) {
    this.events = new EventRepository(db);
  }

  async loadPersonForScoring(
    workspaceId: string,
    personId: string,
    options: { eventsSince?: Date | string } = {},
  ): Promise<ScoringInput | null> {
    const { rows } = await this.db.query<{ person: Person; decision: Decision | null; rulebookVersion: string; decidedAt: string }>(
      `SELECT p.snapshot AS person, s.decision, s.rulebook_version AS "rulebookVersion", s.decided_at AS "decidedAt"
         FROM people p LEFT JOIN person_state s ON s.person_id = p.id
        WHERE p.workspace_id = $1 AND p.id = $2`,
      [workspaceId, personId],
    );
    const row = rows[0];
    if (!row) return null;
    const events = await this.events.listEvents(workspaceId, personId, options.eventsSince);
    const state = row.decision ? { decision: row.decision, rulebookVersion: row.rulebookVersion, decidedAt: row.decidedAt } : null;
    return { person: row.person, events, state };
  }

  /**
   * The same for many people in two statements (people with their last decision, then their
   * events): a page of people is scored without a round trip per person. People deleted meanwhile
   * are absent from the map.
   */
  async loadPeopleForScoring(
    workspaceId: string,
    personIds: readonly string[],
    options: { eventsSince?: Date | string } = {},
  ): Promise<Map<string, ScoringInput>> {
    const result = new Map<string, ScoringInput>();
    if (personIds.length === 0) return result;
    const { rows } = await this.db.query<{ id: string; person: Person; decision: Decision | null; rulebookVersion: string; decidedAt: string }>(
      `SELECT p.id, p.snapshot AS person, s.decision, s.rulebook_version AS "rulebookVersion", s.decided_at AS "decidedAt"
         FROM people p LEFT JOIN person_state s ON s.person_id = p.id
        WHERE p.workspace_id = $1 AND p.id = ANY($2::uuid[])`,
      [workspaceId, personIds],
    );
    for (const row of rows) {
      const state = row.decision ? { decision: row.decision, rulebookVersion: row.rulebookVersion, decidedAt: row.decidedAt } : null;
      result.set(row.id, { person: row.person, events: [], state });
    }
    const events = await this.db.query<EngagementEvent & { personId: string }>(
      `SELECT person_id AS "personId", event_id AS id, type, occurred_at AS "occurredAt", source, properties
         FROM events
        WHERE workspace_id = $1 AND person_id = ANY($2::uuid[]) AND ($3::timestamptz IS NULL OR occurred_at >= $3)
        ORDER BY person_id, occurred_at, events.id`,
      [workspaceId, personIds, options.eventsSince ?? null],
    );
    for (const { personId, ...event } of events.rows) result.get(personId)?.events.push(event);
    return result;
  }

  /**
   * saveDecision for a page of decisions in one transaction of two statements. Returns the ids
   * whose decision was saved (a staler one than stored is dropped, as in saveDecision).
   */
  async saveDecisions(workspaceId: string, decisions: readonly Decision[], decidedAt: Date = new Date()): Promise<Set<string>> {
    if (decisions.length === 0) return new Set();
    const latest = [...new Map(decisions.map((d) => [d.personId, d])).values()];
    return this.db.transaction(async (tx) => {
      const saved = await tx.query<{ personId: string }>(
        `INSERT INTO person_state (person_id, workspace_id, stage, decision, rulebook_version, decided_at)
         SELECT x.person_id, $1, x.stage, x.decision::jsonb, x.rulebook_version, $5
           FROM unnest($2::uuid[], $3::text[], $4::text[], $6::text[]) AS x(person_id, stage, decision, rulebook_version)
         ON CONFLICT (person_id) DO UPDATE
            SET stage = excluded.stage, decision = excluded.decision,
                rulebook_version = excluded.rulebook_version, decided_at = excluded.decided_at
          WHERE person_state.workspace_id = excluded.workspace_id AND person_state.decided_at <= excluded.decided_at
         RETURNING person_id AS "personId"`,
        [workspaceId, latest.map((d) => d.personId), latest.map((d) => d.stage), latest.map((d) => toJson(d)), decidedAt, latest.map((d) => d.rulebookVersion)],
      );
      const ids = new Set(saved.rows.map((row) => row.personId));
      const moved = latest.filter((d) => d.transition && ids.has(d.personId));
      if (moved.length > 0) {
        await tx.query(
          `INSERT INTO stage_transitions (workspace_id, person_id, from_stage, to_stage, reason, at, rulebook_version)
           SELECT $1, x.person_id, x.from_stage, x.to_stage, x.reason, x.at, x.rulebook_version
             FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
                  AS x(person_id, from_stage, to_stage, reason, at, rulebook_version)`,
          [
            workspaceId,
            moved.map((d) => d.personId),
            moved.map((d) => d.transition!.from),
            moved.map((d) => d.transition!.to),
            moved.map((d) => d.transition!.reason),
            moved.map((d) => d.transition!.at),
            moved.map((d) => d.rulebookVersion),
          ],
        );
      }
      return ids;
    });
  }

  /**
   * Saves the decision and its transition together. A decision older than the stored one is
   * dropped (returns false): two workers scoring the same person must not let the slower, staler
   * result win, nor log its transition.
   */
  async saveDecision(workspaceId: string, decision: Decision, decidedAt: Date = new Date()): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const saved = await tx.query(
        `INSERT INTO person_state (person_id, workspace_id, stage, decision, rulebook_version, decided_at)
         VALUES ($2, $1, $3, $4::jsonb, $5, $6)
         ON CONFLICT (person_id) DO UPDATE
            SET stage = excluded.stage, decision = excluded.decision,
                rulebook_version = excluded.rulebook_version, decided_at = excluded.decided_at
          WHERE person_state.workspace_id = excluded.workspace_id AND person_state.decided_at <= excluded.decided_at
         RETURNING person_id`,
        [workspaceId, decision.personId, decision.stage, toJson(decision), decision.rulebookVersion, decidedAt],
      );
      if (saved.rowCount === 0) return false;
      const t = decision.transition;
      if (t) {
        await tx.query(
          `INSERT INTO stage_transitions (workspace_id, person_id, from_stage, to_stage, reason, at, rulebook_version)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [workspaceId, decision.personId, t.from, t.to, t.reason, t.at, decision.rulebookVersion],
        );
      }
      return true;
    });
  }

  async listTransitions(workspaceId: string, personId: string): Promise<StageTransitionRecord[]> {
    const { rows } = await this.db.query<StageTransitionRecord>(
      `SELECT person_id AS "personId", from_stage AS "fromStage", to_stage AS "toStage", reason, at,
              rulebook_version AS "rulebookVersion"
         FROM stage_transitions WHERE workspace_id = $1 AND person_id = $2 ORDER BY at, id`,
      [workspaceId, personId],
    );
    return rows;
  }

  /** Last confirmed write hash per person in one installation; people never written are absent. */
  async getWrittenHashes(installationId: string, personIds: readonly string[]): Promise<Map<string, string>> {
    const { rows } = await this.db.query<{ personId: string; hash: string }>(
      `SELECT person_id AS "personId", hash FROM written_hashes WHERE installation_id = $1 AND person_id = ANY($2::uuid[])`,
      [installationId, personIds],
    );
    return new Map(rows.map((row) => [row.personId, row.hash]));
  }

  /** For writes confirmed outside the outbox (confirmOutbox records its own). */
  async setWrittenHashes(installationId: string, items: readonly { personId: string; hash: string }[], now: Date = new Date()): Promise<void> {
    if (items.length === 0) return;
    const latest = new Map(items.map((item) => [item.personId, item.hash])); // one row per person per statement
    await this.db.query(
      `INSERT INTO written_hashes (installation_id, person_id, workspace_id, hash, written_at)
       SELECT i.id, x.person_id, i.workspace_id, x.hash, $4
         FROM unnest($2::uuid[], $3::text[]) AS x(person_id, hash) JOIN installations i ON i.id = $1
       ON CONFLICT (installation_id, person_id) DO UPDATE SET hash = excluded.hash, written_at = excluded.written_at`,
      [installationId, [...latest.keys()], [...latest.values()], now],
    );
  }
}
