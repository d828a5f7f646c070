/**
 * Refreshing an installation's access token when Salesforce answered 401, safely across processes
 * and with refresh-token rotation (reference §5.1–5.2). jsforce's own `oauthRefreshFn` drops the
 * rotated `refresh_token` and deduplicates only inside one Connection, so the connector installs this
 * as its `refreshFn` instead:
 *
 *  1. take the installation's RefreshLock (one refresher at a time across all workers);
 *  2. re-read the stored tokens: if the stored access token is not the one that failed, another
 *     process refreshed already, so use it and POST nothing;
 *  3. otherwise POST grant_type=refresh_token, save the NEW refresh token (rotation) and access
 *     token, and return the access token;
 *  4. `invalid_grant`: if the stored refresh token changed meanwhile (a lock that lapsed), use the
 *     stored pair; else the org must be reconnected (non-retryable, no secret in the message).
 */
import { SalesforceApiError, scrubSecrets } from '../salesforce-api-error';
import type { RefreshLock } from '../../../src/connector/refresh-lock';
import type { SalesforceTokens, TokenStore } from './token-store';

/** The token endpoint's answer, as jsforce's `OAuth2.refreshToken` returns it. */
export interface RefreshTokenResponse {
  access_token: string;
  refresh_token?: string;
  instance_url?: string;
}

export interface TokenRefresherOptions {
  installationId: string;
  lock: RefreshLock;
  store: TokenStore;
  /** POSTs grant_type=refresh_token (jsforce `conn.oauth2.refreshToken`); rejects with `name` = OAuth error. */
  requestRefresh: (refreshToken: string) => Promise<RefreshTokenResponse>;
  /** Secrets that must never appear in an error message (client secret). */
  secrets?: readonly string[];
  clock?: () => number;
  /**
   * A token this refresher obtained less than this long ago that fails again is not refreshed again:
   * Salesforce is refusing fresh tokens (an IP restriction, a revoked app), and jsforce would loop.
   */
  refusedFreshTokenMs?: number;
}

export interface RefreshResult {
  accessToken: string;
  refreshToken: string;
  instanceUrl?: string;
  /** True when this call POSTed to the token endpoint; false when it picked up another process's refresh. */
  refreshed: boolean;
}

const ENDPOINT = 'POST /services/oauth2/token';

export class TokenRefresher {
  private lastIssued: { accessToken: string; at: number } | null = null;
  private readonly clock: () => number;

  constructor(private readonly options: TokenRefresherOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** A new access token to replace `failingAccessToken`, which Salesforce just refused. */
  async refresh(failingAccessToken: string | null | undefined): Promise<RefreshResult> {
    const { installationId, lock, store } = this.options;
    const limit = this.options.refusedFreshTokenMs ?? 10_000;
    if (this.lastIssued && failingAccessToken === this.lastIssued.accessToken && this.clock() - this.lastIssued.at < limit) {
      throw new SalesforceApiError(
        `Salesforce refused an access token for ${installationId} seconds after issuing it; not refreshing again (check the connected app's IP and session policies)`,
        ENDPOINT, 401, 'INVALID_SESSION_ID', true,
      );
    }
    return lock.withLock(`salesforce:${installationId}`, async () => {
      const stored = await store.load();
      if (stored.accessToken !== failingAccessToken) return { ...stored, refreshed: false };
      let response: RefreshTokenResponse;
      try {
        response = await this.options.requestRefresh(stored.refreshToken);
      } catch (error) {
        return this.onRefused(error, stored);
      }
      if (typeof response.access_token !== 'string' || response.access_token === '') {
        throw new SalesforceApiError(`Salesforce token endpoint answered without an access token for ${installationId}`, ENDPOINT, 200, 'INVALID_TOKEN_RESPONSE', true);
      }
      const next: SalesforceTokens = {
        accessToken: response.access_token,
        // Without rotation Salesforce sends no refresh_token: the old one stays valid.
        refreshToken: response.refresh_token || stored.refreshToken,
        ...(response.instance_url || stored.instanceUrl ? { instanceUrl: response.instance_url || stored.instanceUrl } : {}),
      };
      // Saved before use: if this process dies now, the others still find the rotated refresh token.
      await store.save(next);
      this.lastIssued = { accessToken: next.accessToken, at: this.clock() };
      return { ...next, refreshed: true };
    });
  }

  private async onRefused(error: unknown, used: SalesforceTokens): Promise<RefreshResult> {
    const { installationId, store } = this.options;
    const code = error instanceof Error ? error.name : 'UNKNOWN';
    const secrets = [used.refreshToken, used.accessToken, ...(this.options.secrets ?? [])];
    if (code === 'invalid_grant') {
      const latest = await store.load();
      if (latest.refreshToken !== used.refreshToken) return { ...latest, refreshed: false };
      throw new SalesforceApiError(`Salesforce refused the refresh token for ${installationId}: reconnect the org`, ENDPOINT, 400, 'invalid_grant', false);
    }
    if (code === 'invalid_client' || code === 'invalid_client_id' || code === 'unauthorized_client') {
      throw new SalesforceApiError(`Salesforce refused the connected app's client credentials for ${installationId} (${code}): check the client id and secret`, ENDPOINT, 400, code, false);
    }
    const detail = error instanceof Error ? error.message : String(error);
    const status = /^ERROR_HTTP_(\d{3})$/.exec(code);
    throw new SalesforceApiError(
      scrubSecrets(`Salesforce token refresh for ${installationId} failed (${code}): ${detail.slice(0, 300)}`, secrets),
      ENDPOINT, status ? Number(status[1]) : null, code, true,
    );
  }
}
