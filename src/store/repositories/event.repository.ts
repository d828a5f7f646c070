import type { EngagementEvent } from '../../model/event';
import type { Session } from '../db.types';
import { toJson } from '../json.util';
import { StoreError, isForeignKeyViolation } from '../store-error';

export interface EventInsert {
  personId: string;
  event: EngagementEvent;
}

export interface InsertEventsResult {
  /** Events that were new; re-delivered ones are skipped silently. */
  inserted: number;
  /** People who got at least one new event: the ones worth re-scoring. */
  personIds: string[];
}

/** Engagement events, de-duplicated per installation, source and source event id. */
export class EventRepository {
  constructor(private readonly db: Session) {}

  /**
   * One statement per page. The workspace comes from the installation, and the composite foreign
   * key refuses a person of another workspace, so a connector bug cannot leak events across tenants.
   */
  async insertEvents(installationId: string, rows: readonly EventInsert[]): Promise<InsertEventsResult> {
    if (rows.length === 0) return { inserted: 0, personIds: [] };
    try {
      const result = await this.db.query<{ personId: string }>(
        `INSERT INTO events (workspace_id, installation_id, person_id, source, event_id, type, occurred_at, properties)
         SELECT i.workspace_id, i.id, x.person_id, x.source, x.event_id, x.type, x.occurred_at, x.properties::jsonb
           FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
                AS x(person_id, source, event_id, type, occurred_at, properties)
           JOIN installations i ON i.id = $1
         ON CONFLICT (installation_id, source, event_id) DO NOTHING
         RETURNING person_id AS "personId"`,
        [
          installationId,
          rows.map((r) => r.personId),
          rows.map((r) => r.event.source),
          rows.map((r) => r.event.id),
          rows.map((r) => r.event.type),
          rows.map((r) => r.event.occurredAt),
          rows.map((r) => toJson(r.event.properties)),
        ],
      );
      if (result.rowCount < rows.length) await this.assertInstallation(installationId);
      return { inserted: result.rowCount, personIds: [...new Set(result.rows.map((r) => r.personId))] };
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new StoreError('not_in_workspace', `events for installation ${installationId} name a person outside its workspace`);
      }
      throw error;
    }
  }

  /** A person's events in time order, optionally only since a date (the rulebook's longest window). */
  async listEvents(workspaceId: string, personId: string, since?: Date | string): Promise<EngagementEvent[]> {
    const { rows } = await this.db.query<EngagementEvent>(
      `SELECT event_id AS id, type, occurred_at AS "occurredAt", source, properties
         FROM events
        WHERE workspace_id = $1 AND person_id = $2 AND ($3::timestamptz IS NULL OR occurred_at >= $3)
        ORDER BY occurred_at, events.id`,
      [workspaceId, personId, since ?? null],
    );
    return rows;
  }

  /** Fewer rows than sent are normally duplicates; an unknown installation must not look like that. */
  private async assertInstallation(installationId: string): Promise<void> {
    const { rowCount } = await this.db.query('SELECT 1 FROM installations WHERE id = $1', [installationId]);
    if (rowCount === 0) throw new StoreError('not_found', `installation ${installationId} not found`);
  }
}
