/**
 * Keeps an OAuth installation's access token fresh. HubSpot access tokens live 30 minutes
 * (`expires_in`), so the token is refreshed BEFORE it expires (when less than `marginMs` is left),
 * never in reaction to a 401. Across processes:
 *
 *  1. take the installation's RefreshLock (one refresher at a time, every worker);
 *  2. re-read the stored credentials: if another process refreshed meanwhile, use its token and
 *     POST nothing;
 *  3. otherwise POST grant_type=refresh_token to /oauth/v3/token, save the new tokens (before using
 *     them, so a crash right after leaves the others a valid pair), and use them.
 *
 * A refused refresh token (`invalid_grant`: the app was uninstalled or the token revoked) is thrown
 * as an OAuthExchangeError, which the connector classifies as "an admin must reconnect".
 */
import { expiresAtFrom, OAuthExchangeError } from '../../../src/connector/connector-install';
import type { CredentialStore } from '../../../src/connector/connector-module';
import type { RefreshLock } from '../../../src/connector/refresh-lock';
import type { HubSpotTokenResponse } from './token-endpoint';

/** The OAuth fields the manager reads and rotates; the rest of the credentials is kept as stored. */
export interface OAuthTokens {
  kind: 'oauth';
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** Where the connector gets a usable token for each request (hubspot-http.ts). */
export interface AccessTokenSource {
  /** A token with at least the margin of life left: refreshed first when it is about to expire. */
  current(): Promise<string>;
  /**
   * HubSpot refused `failed`: a newer token from the store (the installation was reconnected, or
   * another process refreshed), or null when the store holds the same one.
   */
  replaced(failed: string): Promise<string | null>;
  /** HubSpot said `failed` expired: a newer token from the store, or a refresh. */
  expired(failed: string): Promise<string>;
}

/** HubSpot's default lifetime, for a token endpoint that sent no `expires_in`. */
const DEFAULT_LIFETIME_MS = 30 * 60_000;
/** Refresh when less than this is left: HubSpot's tokens last 30 minutes. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export interface TokenManagerOptions<C extends OAuthTokens> {
  installationId: string;
  initial: C;
  lock: RefreshLock;
  credentials: CredentialStore<C>;
  /** POSTs grant_type=refresh_token. */
  requestRefresh: (refreshToken: string) => Promise<HubSpotTokenResponse>;
  registerSecret?: (secret: string) => void;
  clock?: () => number;
  marginMs?: number;
}

export class HubSpotTokenManager<C extends OAuthTokens> implements AccessTokenSource {
  private tokens: C;
  private inflight: Promise<string> | null = null;
  private readonly clock: () => number;
  private readonly marginMs: number;
  /** How many times this manager POSTed a refresh (tests, metrics). */
  refreshes = 0;

  constructor(private readonly options: TokenManagerOptions<C>) {
    this.tokens = options.initial;
    this.clock = options.clock ?? Date.now;
    this.marginMs = options.marginMs ?? REFRESH_MARGIN_MS;
  }

  private fresh(tokens: OAuthTokens): boolean {
    return this.clock() < tokens.expiresAt - this.marginMs;
  }

  async current(): Promise<string> {
    if (this.fresh(this.tokens)) return this.tokens.accessToken;
    // one refresh per process at a time; the lock makes it one across processes
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  async replaced(failed: string): Promise<string | null> {
    const stored = await this.options.credentials.load();
    if (stored.accessToken === failed) return null;
    this.tokens = stored;
    return this.current();
  }

  /**
   * HubSpot answered EXPIRED_AUTHENTICATION for `failed`: it is HubSpot's clock that decides, so a
   * token that looks fresh here (clocks apart, a lifetime shorter than expires_in said) is refreshed
   * all the same, once: a newer token in the store (another process refreshed) is taken instead.
   */
  async expired(failed: string): Promise<string> {
    this.inflight ??= this.refresh(failed).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /** `expiredToken`: refresh unless the store holds another token, however fresh that one looks. */
  private async refresh(expiredToken?: string): Promise<string> {
    const { installationId, lock, credentials } = this.options;
    return lock.withLock(`hubspot:${installationId}`, async () => {
      const stored = await credentials.load();
      if (expiredToken === undefined ? this.fresh(stored) : stored.accessToken !== expiredToken) {
        this.tokens = stored;
        return stored.accessToken;
      }
      const response = await this.options.requestRefresh(stored.refreshToken);
      if (typeof response.access_token !== 'string' || response.access_token === '') {
        throw new OAuthExchangeError(`HubSpot POST /oauth/v3/token answered without an access token for ${installationId}`, 'INVALID_TOKEN_RESPONSE', 200);
      }
      this.refreshes += 1;
      const now = this.clock();
      const next: C = {
        ...stored,
        accessToken: response.access_token,
        refreshToken: response.refresh_token || stored.refreshToken,
        expiresAt: expiresAtFrom(response.expires_in, now) ?? now + DEFAULT_LIFETIME_MS,
      };
      this.options.registerSecret?.(next.accessToken);
      this.options.registerSecret?.(next.refreshToken);
      await credentials.save(next);
      this.tokens = next;
      return next.accessToken;
    });
  }
}
