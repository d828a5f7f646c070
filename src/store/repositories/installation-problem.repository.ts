import type { Session } from '../db.types';
import { toJson } from '../json.util';

/** What a connector reports (CrmConnector's InstallationProblem), as the store keeps it. */
export interface ProblemInput {
  key: string;
  code: string;
  message: string;
  fix: string;
  details?: Record<string, unknown> | undefined;
}

/**
 * `setup`: found by the installation's setup (fields, permissions, value maps), replaced whole each
 * time setup runs; `runtime`: found while syncing, writing or creating tasks.
 */
export type ProblemScope = 'setup' | 'runtime';

export interface InstallationProblemRecord extends ProblemInput {
  installationId: string;
  scope: ProblemScope;
  details: Record<string, unknown>;
  /** How many times it was found. */
  occurrences: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

const COLUMNS = `installation_id AS "installationId", key, scope, code, message, fix, details, occurrences,
  first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt"`;

/**
 * Problems an admin should see and can fix, per installation (migration 007): one row per problem
 * key, found again → updated and counted. Knows no vendor: the connector words the problem and its fix.
 */
export class InstallationProblemRepository {
  constructor(private readonly db: Session) {}

  /** Adds or updates each problem; returns the keys that were not recorded before. */
  async record(workspaceId: string, installationId: string, scope: ProblemScope, problems: readonly ProblemInput[], now: Date): Promise<string[]> {
    const added: string[] = [];
    for (const problem of problems) {
      const { rows } = await this.db.query<{ inserted: boolean }>(
        `INSERT INTO installation_problems (installation_id, workspace_id, key, scope, code, message, fix, details, first_seen_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $9)
         ON CONFLICT (installation_id, key) DO UPDATE
            SET scope = excluded.scope, code = excluded.code, message = excluded.message, fix = excluded.fix, details = excluded.details,
                last_seen_at = excluded.last_seen_at, occurrences = installation_problems.occurrences + 1
         RETURNING (xmax = 0) AS inserted`,
        [installationId, workspaceId, problem.key, scope, problem.code, problem.message, problem.fix, toJson(problem.details ?? {}), now],
      );
      if (rows[0]?.inserted) added.push(problem.key);
    }
    return added;
  }

  /**
   * What setup found now replaces what it found before: a problem it no longer finds is resolved
   * and removed. Runtime problems stay.
   */
  async replaceSetupProblems(workspaceId: string, installationId: string, problems: readonly ProblemInput[], now: Date): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      await tx.query(
        `DELETE FROM installation_problems WHERE installation_id = $1 AND scope = 'setup' AND NOT (key = ANY($2::text[]))`,
        [installationId, problems.map((p) => p.key)],
      );
      return new InstallationProblemRepository(tx).record(workspaceId, installationId, 'setup', problems, now);
    });
  }

  /** The installation's open problems, oldest first. */
  async list(workspaceId: string, installationId: string): Promise<InstallationProblemRecord[]> {
    const { rows } = await this.db.query<InstallationProblemRecord>(
      `SELECT ${COLUMNS} FROM installation_problems WHERE workspace_id = $1 AND installation_id = $2 ORDER BY first_seen_at, key`,
      [workspaceId, installationId],
    );
    return rows;
  }

  /** An admin fixed them (or a connector saw them fixed): they are removed. */
  async resolve(workspaceId: string, installationId: string, keys: readonly string[]): Promise<number> {
    const { rowCount } = await this.db.query(
      'DELETE FROM installation_problems WHERE workspace_id = $1 AND installation_id = $2 AND key = ANY($3::text[])',
      [workspaceId, installationId, [...keys]],
    );
    return rowCount ?? 0;
  }
}
