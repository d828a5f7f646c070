/**
 * `createSalesforceApi()`: the SalesforceApi transport (salesforce-api.types.ts) on a jsforce
 * Connection with an explicit API version. The one place a Salesforce request is made, put together
 * from modules with one job each (./api):
 *
 * - `auth`: the Connection and its tokens; a 401 goes to jsforce's session-refresh hook, which runs
 *   our TokenRefresher (Redis lock, re-read of the stored tokens, rotation saved) instead of
 *   jsforce's `oauthRefreshFn`; every token and secret it has held is scrubbed from messages;
 * - `quota`: the daily budget (Salesforce's own usage, from `/limits` and each response's
 *   Sforce-Limit-Info, minus a headroom left for the org's other apps);
 * - `transport`: every request passes the budget check, then awaits the injected
 *   `fetchLimiter(kind)`, then runs through jsforce's HttpApi; every failure is a SalesforceApiError,
 *   or a DailyQuotaExhaustedError for REQUEST_LIMIT_EXCEEDED (TotalRequests) and for our own headroom,
 *   with no token in any message;
 * - `requests` / `parse`: what goes out, checked, and what comes back, read into the contract's shapes;
 * - `endpoints`: each call of the contract from those three.
 */
import type { Connection } from 'jsforce';
import type { RefreshLock } from '../../src/connector/refresh-lock';
import type { TokenStore } from './auth/token-store';
import type { SalesforceApi, SfApiUsage, SfQueryOptions, SfRecord } from './salesforce-api.types';
import { openSalesforceSession } from './api/auth';
import * as endpoints from './api/endpoints';
import { createDailyBudget, resolveQuotaSettings } from './api/quota';
import { createTransport, type SalesforceFetchLimiter } from './api/transport';

export type { SalesforceFetchLimiter, SalesforceRequestKind } from './api/transport';

export const DEFAULT_API_VERSION = '62.0';

export interface SalesforceApiOptions {
  /** Names the installation in errors, lock keys and quota errors; never a secret. */
  installationId: string;
  /** `https://<my-domain>.my.salesforce.com`, or the sandbox's loopback URL in tests. */
  instanceUrl: string;
  /** Token endpoint host: https://login.salesforce.com (production) or https://test.salesforce.com. */
  loginUrl?: string;
  /** API version, e.g. "62.0" (never jsforce's default 50.0). */
  version?: string;
  clientId: string;
  clientSecret?: string;
  accessToken: string;
  refreshToken?: string;
  /** The latest tokens shared by all processes; default: in memory, seeded with the tokens above. */
  tokenStore?: TokenStore;
  /** Cross-process refresh exclusion; default: inside this process only. */
  refreshLock?: RefreshLock;
  fetchLimiter?: SalesforceFetchLimiter;
  /** Called with each new reading of the daily request budget. */
  onApiUsage?: (usage: SfApiUsage) => void;
  /** Share of the daily budget left for the org's other apps and users (default 0.1: stop at 90%). */
  dailyHeadroom?: number;
  /** After the budget is spent (ours or Salesforce's REQUEST_LIMIT_EXCEEDED), wait this long before probing again (default 1 h, at most 24 h). */
  quotaBackoffMs?: number;
  /** After REQUEST_LIMIT_EXCEEDED for concurrent requests (default 30 s). */
  concurrencyBackoffMs?: number;
  /** Read `/limits` before the first request, so the headroom holds from the first call (default true). */
  readLimitsOnFirstUse?: boolean;
  /** jsforce's own retries of GETs on 5xx/network errors (default 0: the jobs retry, through the limiter). */
  transportRetries?: number;
  /** Per-request timeout (default 120 s). */
  requestTimeoutMs?: number;
  clock?: () => number;
  /**
   * The clock the session judges token ages by (a token refused seconds after it was issued), when
   * it differs from `clock`: the app's injected time, which the org's token issue times follow,
   * while the daily budget keeps the clock its waits are slept through.
   */
  sessionClock?: () => number;
}

/** The transport plus what the connector wiring and tests need beyond the contract. */
export interface SalesforceApiHandle extends SalesforceApi {
  readonly installationId: string;
  /** The jsforce connection (for diagnostics; requests should go through the methods above). */
  readonly connection: Connection;
}

export function createSalesforceApi(options: SalesforceApiOptions): SalesforceApiHandle {
  const { installationId } = options;
  const version = checkConnectionOptions(options);
  const { headroom, quota } = resolveQuotaSettings(options);
  const clock = options.clock ?? Date.now;
  const session = openSalesforceSession({
    installationId,
    instanceUrl: options.instanceUrl,
    loginUrl: options.loginUrl ?? 'https://login.salesforce.com',
    version,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    accessToken: options.accessToken,
    refreshToken: options.refreshToken,
    tokenStore: options.tokenStore,
    refreshLock: options.refreshLock,
    clock: options.sessionClock ?? clock,
  });
  const budget = createDailyBudget({
    headroom,
    quota,
    connection: session.connection,
    clock,
    readLimitsOnFirstUse: options.readLimitsOnFirstUse,
    readLimits: () => readLimits(),
    onApiUsage: options.onApiUsage,
  });
  const send = createTransport({
    session, budget, quota, clock, fetchLimiter: options.fetchLimiter, transportRetries: options.transportRetries, requestTimeoutMs: options.requestTimeoutMs,
  });
  // `GET /limits` records its reading in the budget, which reads it once before the first request
  const readLimits = () => endpoints.readLimits(send, (limits) => budget.observeLimits(limits));
  // the token's user does not change for a connection; a failed read is asked again next time
  let userId: Promise<string> | null = null;
  const currentUserId = () => {
    userId ??= endpoints.currentUserId(send).catch((error: unknown) => {
      userId = null;
      throw error;
    });
    return userId;
  };

  return {
    version,
    installationId,
    connection: session.connection,
    query: <T extends SfRecord = SfRecord>(soql: string, queryOptions?: SfQueryOptions) => endpoints.query<T>(send, soql, queryOptions),
    queryMore: <T extends SfRecord = SfRecord>(nextRecordsUrl: string, queryOptions?: Pick<SfQueryOptions, 'batchSize'>) =>
      endpoints.queryMore<T>(send, nextRecordsUrl, queryOptions),
    bulkQueryStart: (soql, bulkOptions) => endpoints.bulkQueryStart(send, soql, bulkOptions),
    bulkQueryState: (jobId) => endpoints.bulkQueryState(send, jobId),
    bulkQueryResults: (jobId, locator, maxRecords) => endpoints.bulkQueryResults(send, jobId, locator, maxRecords),
    describe: (sobject) => endpoints.describe(send, sobject),
    updateRecords: (records, updateOptions) => endpoints.updateRecords(send, session.secrets, records, updateOptions),
    createRecords: (records) => endpoints.createRecords(send, session.secrets, records),
    limits: () => readLimits(),
    apiUsage: () => budget.current(),
    createCustomField: (fullName, metadata) => endpoints.createCustomField(send, fullName, metadata),
    currentUserId,
  };
}

/** Fails fast on what would otherwise fail on the first request, or silently talk to jsforce's default version. */
function checkConnectionOptions(options: SalesforceApiOptions): string {
  if (!options.instanceUrl) throw new Error('createSalesforceApi: instanceUrl is empty');
  if (!options.accessToken) throw new Error('createSalesforceApi: accessToken is empty');
  if (!options.clientId) throw new Error('createSalesforceApi: clientId is empty');
  const version = options.version ?? DEFAULT_API_VERSION;
  if (!/^\d{2,3}\.0$/.test(version)) throw new Error(`createSalesforceApi: version must look like "62.0", got "${version}"`);
  return version;
}
