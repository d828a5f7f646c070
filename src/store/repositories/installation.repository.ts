import type { Session } from '../db.types';
import type { Installation, InstallationStatus, NewInstallation, Provider } from '../records';
import type { Sealed } from '../secret-box';
import { StoreError } from '../store-error';

const COLUMNS = `id, workspace_id AS "workspaceId", provider, external_account_id AS "externalAccountId",
  display_name AS "displayName", status, status_reason AS "statusReason", rate_policy AS "ratePolicy",
  credentials_sealed IS NOT NULL AS "hasCredentials",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * Connected systems of a workspace. Credentials go in and out only as `Sealed` ciphertext; the key
 * stays with the caller (secret-box.ts). Seal them with context `${provider}:${externalAccountId}`,
 * which is known before the row exists and unique, so a blob moved to another row will not open.
 */
export class InstallationRepository {
  constructor(private readonly db: Session) {}

  async create(workspaceId: string, input: NewInstallation): Promise<Installation> {
    const { rows } = await this.db.query<Installation>(
      `INSERT INTO installations (workspace_id, provider, external_account_id, display_name, status, credentials_sealed, rate_policy)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [workspaceId, input.provider, input.externalAccountId, input.displayName, input.status ?? 'pending', input.credentials ?? null, input.ratePolicy ?? null],
    );
    return rows[0]!;
  }

  async get(workspaceId: string, installationId: string): Promise<Installation | null> {
    const { rows } = await this.db.query<Installation>(
      `SELECT ${COLUMNS} FROM installations WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, installationId],
    );
    return rows[0] ?? null;
  }

  async list(workspaceId: string): Promise<Installation[]> {
    const { rows } = await this.db.query<Installation>(
      `SELECT ${COLUMNS} FROM installations WHERE workspace_id = $1 ORDER BY created_at, id`,
      [workspaceId],
    );
    return rows;
  }

  /**
   * The one lookup not scoped to a workspace, on purpose: it is how an inbound webhook or OAuth
   * callback, which names only a portal / org id, finds its tenant in the first place.
   */
  async findByExternalAccount(provider: Provider, externalAccountId: string): Promise<Installation | null> {
    const { rows } = await this.db.query<Installation>(
      `SELECT ${COLUMNS} FROM installations WHERE provider = $1 AND external_account_id = $2`,
      [provider, externalAccountId],
    );
    return rows[0] ?? null;
  }

  async setStatus(workspaceId: string, installationId: string, status: InstallationStatus, reason: string | null = null): Promise<void> {
    await this.updateOne(workspaceId, installationId, 'status = $3, status_reason = $4', [status, reason]);
  }

  /**
   * Moves an installation to `status` only while it is in one of `from` (a job marking it
   * needs_reauth must not undo a disconnect or a reconnect that landed meanwhile). True if it moved.
   */
  async transitionStatus(workspaceId: string, installationId: string, from: readonly InstallationStatus[], status: InstallationStatus, reason: string | null = null): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE installations SET status = $4, status_reason = $5, updated_at = now() WHERE workspace_id = $1 AND id = $2 AND status = ANY($3::text[])`,
      [workspaceId, installationId, [...from], status, reason],
    );
    return (rowCount ?? 0) > 0;
  }

  /** A (re)connect from the install flow: new display name and rate policy, active again. */
  async reconnect(workspaceId: string, installationId: string, input: { displayName: string; ratePolicy: string | null; credentials: Sealed }): Promise<void> {
    await this.updateOne(workspaceId, installationId, `display_name = $3, rate_policy = $4, credentials_sealed = $5, status = 'active', status_reason = NULL`, [input.displayName, input.ratePolicy, input.credentials]);
  }

  /** The status as it is now (workers check it before every job; the Installation they hold may be old). */
  async getStatus(workspaceId: string, installationId: string): Promise<InstallationStatus | null> {
    const { rows } = await this.db.query<{ status: InstallationStatus }>('SELECT status FROM installations WHERE workspace_id = $1 AND id = $2', [workspaceId, installationId]);
    return rows[0]?.status ?? null;
  }

  /** The request budget chosen for it (a name in its connector's `ratePolicies`), or null for the connector's default. */
  async setRatePolicy(workspaceId: string, installationId: string, ratePolicy: string | null): Promise<void> {
    await this.updateOne(workspaceId, installationId, 'rate_policy = $3', [ratePolicy]);
  }

  async setCredentials(workspaceId: string, installationId: string, credentials: Sealed | null): Promise<void> {
    await this.updateOne(workspaceId, installationId, 'credentials_sealed = $3', [credentials]);
  }

  async getCredentials(workspaceId: string, installationId: string): Promise<Sealed | null> {
    const { rows } = await this.db.query<{ sealed: string | null }>(
      'SELECT credentials_sealed AS sealed FROM installations WHERE workspace_id = $1 AND id = $2',
      [workspaceId, installationId],
    );
    if (!rows[0]) throw notFound(workspaceId, installationId);
    return rows[0].sealed as Sealed | null;
  }

  private async updateOne(workspaceId: string, installationId: string, set: string, params: unknown[]): Promise<void> {
    const { rowCount } = await this.db.query(
      `UPDATE installations SET ${set}, updated_at = now() WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, installationId, ...params],
    );
    if (rowCount === 0) throw notFound(workspaceId, installationId);
  }
}

function notFound(workspaceId: string, installationId: string): StoreError {
  return new StoreError('not_found', `installation ${installationId} not found in workspace ${workspaceId}`);
}
