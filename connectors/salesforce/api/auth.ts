/**
 * The jsforce Connection and everything about its tokens: which tokens and secrets it has held (so
 * no error message ever shows one), and how a 401 is answered. jsforce's own `oauthRefreshFn` drops
 * the rotated refresh token and deduplicates only inside one Connection (reference §5.1), so the
 * Connection gets a `refreshFn` that runs our TokenRefresher instead (Redis lock, re-read of the
 * stored tokens, rotation saved): see ../auth/token-refresher.ts.
 */
import { Connection } from 'jsforce';
import { createLocalRefreshLock, type RefreshLock } from '../../../src/connector/refresh-lock';
import { TokenRefresher, type RefreshResult } from '../auth/token-refresher';
import { createInMemoryTokenStore, type TokenStore } from '../auth/token-store';

export interface SalesforceAuthSettings {
  installationId: string;
  instanceUrl: string;
  loginUrl: string;
  version: string;
  clientId: string;
  clientSecret?: string | undefined;
  accessToken: string;
  refreshToken?: string | undefined;
  /** Default: in memory, seeded with the tokens above. */
  tokenStore?: TokenStore | undefined;
  /** Default: inside this process only. */
  refreshLock?: RefreshLock | undefined;
  clock: () => number;
}

/** An authenticated connection and what the transport needs to keep its errors token-free. */
export interface SalesforceSession {
  readonly connection: Connection;
  /** Every token and secret this connection has held so far, to scrub from messages. */
  secrets(): string[];
  /**
   * jsforce reports a failed refresh as a plain "Unable to refresh session" Error, which says
   * neither why nor whether to retry; this gives back the refresher's own error in its place.
   */
  refreshFailureBehind(error: unknown): Error | null;
}

/** jsforce's message for a refreshFn that called back with an error. */
const REFRESH_FAILED = 'Unable to refresh session';

export function openSalesforceSession(settings: SalesforceAuthSettings): SalesforceSession {
  const secrets = createSecretRegistry([settings.accessToken, settings.refreshToken ?? '', settings.clientSecret ?? '']);
  /** The refresher's error from the last failed refresh; cleared by the next success. */
  let refreshFailure: Error | null = null;

  const refresher = new TokenRefresher({
    installationId: settings.installationId,
    lock: settings.refreshLock ?? createLocalRefreshLock(),
    store: settings.tokenStore ?? seededTokenStore(settings),
    clock: settings.clock,
    secrets: settings.clientSecret ? [settings.clientSecret] : [],
    requestRefresh: async (refreshToken) => {
      if (!refreshToken) {
        throw Object.assign(new Error('no refresh token stored'), { name: 'invalid_grant' });
      }
      // known before the POST, so an error that echoes it is already scrubbed
      secrets.add(refreshToken);
      return connection.oauth2.refreshToken(refreshToken);
    },
  });

  const connection = new Connection({
    version: settings.version,
    loginUrl: settings.loginUrl,
    instanceUrl: settings.instanceUrl,
    accessToken: settings.accessToken,
    oauth2: { clientId: settings.clientId, ...(settings.clientSecret ? { clientSecret: settings.clientSecret } : {}), loginUrl: settings.loginUrl },
    // Never jsforce's oauthRefreshFn: it drops the rotated refresh token (reference §5.1).
    refreshFn: (conn, callback) => {
      refresher.refresh(conn.accessToken).then(
        (result) => {
          adoptRefreshedTokens(conn, result, secrets);
          refreshFailure = null;
          callback(null, result.accessToken);
        },
        (error: unknown) => {
          refreshFailure = error instanceof Error ? error : new Error(String(error));
          callback(refreshFailure);
        },
      );
    },
  });

  return {
    connection,
    secrets: () => secrets.list(),
    refreshFailureBehind: (error) => (refreshFailure && error instanceof Error && error.message.startsWith(REFRESH_FAILED) ? refreshFailure : null),
  };
}

/** Without a shared store, the tokens the caller passed are the only ones there are. */
function seededTokenStore(settings: SalesforceAuthSettings): TokenStore {
  return createInMemoryTokenStore({ accessToken: settings.accessToken, refreshToken: settings.refreshToken ?? '', instanceUrl: settings.instanceUrl });
}

/** A refresh may move the org to another instance; the new tokens join the secrets to scrub. */
function adoptRefreshedTokens(conn: Connection, result: RefreshResult, secrets: SecretRegistry): void {
  secrets.add(result.accessToken);
  secrets.add(result.refreshToken);
  if (result.instanceUrl && result.instanceUrl !== conn.instanceUrl) conn.instanceUrl = result.instanceUrl;
}

interface SecretRegistry {
  add(secret: string): void;
  list(): string[];
}

/** Grows as tokens rotate: an old token echoed in a late error must still be scrubbed. */
function createSecretRegistry(initial: readonly string[]): SecretRegistry {
  const known = new Set<string>(initial.filter((s) => s !== ''));
  return {
    add: (secret) => void known.add(secret),
    list: () => [...known],
  };
}
