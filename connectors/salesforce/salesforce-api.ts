/**
 * `createSalesforceApi()`: the SalesforceApi transport (salesforce-api.types.ts) on a jsforce
 * Connection with an explicit API version. The one place a Salesforce request is made:
 *
 * - every request first passes the daily-budget check (Salesforce's own usage, from `/limits` and
 *   each response's Sforce-Limit-Info, minus a headroom left for the org's other apps), then awaits
 *   the injected `fetchLimiter(kind)`, then runs; its Sforce-Limit-Info updates the tracked usage;
 * - a 401 goes to jsforce's session-refresh hook, which runs our TokenRefresher (Redis lock, re-read
 *   of the stored tokens, rotation saved) instead of jsforce's `oauthRefreshFn`;
 * - every failure is a SalesforceApiError, or a DailyQuotaExhaustedError for REQUEST_LIMIT_EXCEEDED
 *   (TotalRequests) and for our own headroom, with no token in any message.
 *
 * Requests go through jsforce's HttpApi (what `conn.request` uses, and what jsforce's own bulk2 and
 * tooling modules use) with a 'response' listener, because jsforce's errors do not carry the HTTP
 * status and Bulk 2.0 pages need the Sforce-Locator header. jsforce's transport retries are off by
 * default (`transportRetries`): a retry it made would bypass the shared limiter, and POST/PATCH are
 * never retried anyway. The jobs retry with backoff.
 */
import { Connection } from 'jsforce';
import { HttpApi } from 'jsforce/lib/http-api';
import type { HttpRequest, HttpResponse } from 'jsforce/lib/types';
import { DailyQuotaExhaustedError } from '../../src/rate-limit/daily-quota-exhausted-error';
import { createLocalRefreshLock, type RefreshLock } from '../../src/connector/refresh-lock';
import { TokenRefresher } from './auth/token-refresher';
import { createInMemoryTokenStore, type TokenStore } from './auth/token-store';
import { parseCsv } from '../../src/connector/shared/rfc4180-csv.util';
import { DAY_MS, SalesforceApiError, scrubSecrets, toSalesforceApiError, type QuotaSettings } from './salesforce-api-error';
import type {
  SalesforceApi, SfApiUsage, SfBulkJobState, SfDescribe, SfFieldDescribe, SfQueryOptions, SfQueryPage, SfRecord, SfRecordWrite, SfSaveResult,
} from './salesforce-api.types';

export type SalesforceRequestKind = 'standard' | 'bulk';
/** Resolves when a request of that kind may go out (the runtime's Redis-shared limiter). */
/** Resolves when a request may go out, optionally with a function to call once its response is in. */
export type SalesforceFetchLimiter = (kind: SalesforceRequestKind) => Promise<(() => Promise<void>) | void>;

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
}

/** The transport plus what the connector wiring and tests need beyond the contract. */
export interface SalesforceApiHandle extends SalesforceApi {
  readonly installationId: string;
  /** The jsforce connection (for diagnostics; requests should go through the methods above). */
  readonly connection: Connection;
}

const SOBJECT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;
const JOB_ID = /^[A-Za-z0-9]{15,18}$/;
const LIMIT_INFO = /api-usage=(\d+)\/(\d+)/;
const REFRESH_FAILED = 'Unable to refresh session';

interface SendRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Version-relative (`/query?q=`) or root-relative (`/services/data/...`). */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Sent<T> {
  body: T;
  headers: Record<string, string>;
}

export function createSalesforceApi(options: SalesforceApiOptions): SalesforceApiHandle {
  const { installationId } = options;
  if (!options.instanceUrl) throw new Error('createSalesforceApi: instanceUrl is empty');
  if (!options.accessToken) throw new Error('createSalesforceApi: accessToken is empty');
  if (!options.clientId) throw new Error('createSalesforceApi: clientId is empty');
  const version = options.version ?? DEFAULT_API_VERSION;
  if (!/^\d{2,3}\.0$/.test(version)) throw new Error(`createSalesforceApi: version must look like "62.0", got "${version}"`);
  const headroom = options.dailyHeadroom ?? 0.1;
  if (!(headroom >= 0 && headroom < 1)) throw new RangeError(`dailyHeadroom must be in [0, 1), got ${headroom}`);
  const clock = options.clock ?? Date.now;
  const quota: QuotaSettings = {
    installationId,
    quotaBackoffMs: Math.min(options.quotaBackoffMs ?? 3_600_000, DAY_MS),
    concurrencyBackoffMs: options.concurrencyBackoffMs ?? 30_000,
  };
  const loginUrl = options.loginUrl ?? 'https://login.salesforce.com';
  const store = options.tokenStore ?? createInMemoryTokenStore({
    accessToken: options.accessToken, refreshToken: options.refreshToken ?? '', instanceUrl: options.instanceUrl,
  });
  const knownSecrets = new Set<string>([options.accessToken, options.refreshToken ?? '', options.clientSecret ?? ''].filter((s) => s !== ''));
  const secrets = () => [...knownSecrets];

  const refresher = new TokenRefresher({
    installationId,
    lock: options.refreshLock ?? createLocalRefreshLock(),
    store,
    clock,
    secrets: options.clientSecret ? [options.clientSecret] : [],
    requestRefresh: async (refreshToken) => {
      if (!refreshToken) {
        throw Object.assign(new Error('no refresh token stored'), { name: 'invalid_grant' });
      }
      knownSecrets.add(refreshToken);
      return conn.oauth2.refreshToken(refreshToken);
    },
  });
  /** jsforce wraps a refresh failure in a plain Error; the original is kept here to rethrow it. */
  let refreshFailure: Error | null = null;

  const conn = new Connection({
    version,
    loginUrl,
    instanceUrl: options.instanceUrl,
    accessToken: options.accessToken,
    oauth2: { clientId: options.clientId, ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}), loginUrl },
    // Never jsforce's oauthRefreshFn: it drops the rotated refresh token (reference §5.1).
    refreshFn: (connection, callback) => {
      refresher.refresh(connection.accessToken).then(
        (result) => {
          knownSecrets.add(result.accessToken);
          knownSecrets.add(result.refreshToken);
          if (result.instanceUrl && result.instanceUrl !== connection.instanceUrl) connection.instanceUrl = result.instanceUrl;
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

  let usage: SfApiUsage | null = null;
  let limitsOnFirstUse: Promise<unknown> | null = null;

  function record(next: SfApiUsage): void {
    usage = next;
    conn.limitInfo = { apiUsage: { used: next.used, limit: next.max } };
    options.onApiUsage?.(next);
  }

  function trackHeaders(headers: Record<string, string> | undefined): void {
    const match = LIMIT_INFO.exec(headers?.['sforce-limit-info'] ?? '');
    if (match) record({ used: Number(match[1]), max: Number(match[2]), at: clock() });
  }

  /** Throws the quota error when the last reading leaves less than the headroom; an old reading is probed again. */
  async function checkBudget(): Promise<void> {
    if (usage === null && (options.readLimitsOnFirstUse ?? true)) {
      limitsOnFirstUse ??= readLimits().catch((error: unknown) => {
        limitsOnFirstUse = null;
        throw error;
      });
      await limitsOnFirstUse;
    }
    const current = usage;
    if (current === null || current.max <= 0) return;
    const now = clock();
    const resumeAt = current.at + quota.quotaBackoffMs;
    if (current.used >= current.max * (1 - headroom) && now < resumeAt) {
      throw new DailyQuotaExhaustedError(installationId, resumeAt, 'counted');
    }
  }

  async function send<T>(kind: SalesforceRequestKind, endpoint: string, request: SendRequest, responseType?: string, skipBudget = false): Promise<Sent<T>> {
    if (!skipBudget) await checkBudget();
    const settle = await options.fetchLimiter?.(kind);
    const http = new HttpApi(conn, {
      ...(responseType ? { responseType } : {}),
      retry: { maxRetries: options.transportRetries ?? 0 },
      timeout: options.requestTimeoutMs ?? 120_000,
    });
    let last: HttpResponse | undefined;
    http.on('response', (response: HttpResponse) => {
      last = response;
    });
    const headers: Record<string, string> = { ...(request.headers ?? {}) };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const httpRequest: HttpRequest = {
      method: request.method,
      url: conn._normalizeUrl(request.path),
      headers,
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    };
    try {
      const body = await http.request<T>(httpRequest);
      return { body, headers: last?.headers ?? {} };
    } catch (error) {
      if (refreshFailure && error instanceof Error && error.message.startsWith(REFRESH_FAILED)) throw refreshFailure;
      throw toSalesforceApiError(error, { endpoint, status: last?.statusCode ?? null, secrets: secrets(), quota, now: clock() });
    } finally {
      trackHeaders(last?.headers);
      await settle?.();
    }
  }

  async function readLimits(): Promise<Record<string, { Max: number; Remaining: number }>> {
    const { body } = await send<Record<string, { Max: number; Remaining: number }>>('standard', 'GET /limits', { method: 'GET', path: '/limits' }, undefined, true);
    const daily = body.DailyApiRequests;
    if (daily && Number.isFinite(daily.Max) && Number.isFinite(daily.Remaining)) {
      record({ used: daily.Max - daily.Remaining, max: daily.Max, at: clock() });
    }
    return body;
  }

  function queryPage<T extends SfRecord>(body: unknown, endpoint: string): SfQueryPage<T> {
    const page = body as Partial<SfQueryPage<T>> | null;
    if (!page || !Array.isArray(page.records)) {
      throw new SalesforceApiError(`Salesforce ${endpoint} answered without records`, endpoint, 200, 'INVALID_RESPONSE', true);
    }
    return {
      records: page.records,
      totalSize: typeof page.totalSize === 'number' ? page.totalSize : page.records.length,
      done: page.done !== false,
      ...(page.nextRecordsUrl ? { nextRecordsUrl: page.nextRecordsUrl } : {}),
    };
  }

  function batchHeaders(batchSize: number | undefined): Record<string, string> {
    if (batchSize === undefined) return {};
    // Salesforce accepts 200..2000 and may still return a different page size.
    const size = Math.min(2000, Math.max(200, Math.floor(batchSize)));
    return { 'Sforce-Query-Options': `batchSize=${size}` };
  }

  function saveResults(body: unknown, expected: number, endpoint: string): SfSaveResult[] {
    if (!Array.isArray(body) || body.length !== expected) {
      throw new SalesforceApiError(
        `Salesforce ${endpoint} answered ${Array.isArray(body) ? body.length : 'no'} results for ${expected} records`, endpoint, 200, 'INVALID_RESPONSE', true,
      );
    }
    return body.map((raw: unknown) => {
      const r = (raw ?? {}) as { id?: unknown; success?: unknown; errors?: unknown };
      const errors = Array.isArray(r.errors) ? r.errors : [];
      return {
        id: typeof r.id === 'string' ? r.id : null,
        success: r.success === true,
        errors: errors.map((e: unknown) => {
          const error = (e ?? {}) as { statusCode?: unknown; message?: unknown; fields?: unknown };
          return {
            statusCode: typeof error.statusCode === 'string' ? error.statusCode : 'UNKNOWN',
            message: scrubSecrets(typeof error.message === 'string' ? error.message : '', secrets()),
            ...(Array.isArray(error.fields) ? { fields: error.fields.map(String) } : {}),
          };
        }),
      };
    });
  }

  function collectionBody(records: readonly SfRecordWrite[], withIds: boolean) {
    return {
      allOrNone: false,
      records: records.map((r) => {
        if (!SOBJECT_NAME.test(r.type)) throw new RangeError(`not an sObject name: "${r.type}"`);
        if (withIds && !r.id) throw new RangeError(`an update of a ${r.type} needs its id`);
        return { attributes: { type: r.type }, ...(withIds ? { id: r.id } : {}), ...r.fields };
      }),
    };
  }

  const api: SalesforceApiHandle = {
    version,
    installationId,
    connection: conn,

    async query<T extends SfRecord = SfRecord>(soql: string, queryOptions: SfQueryOptions = {}): Promise<SfQueryPage<T>> {
      const resource = queryOptions.includeDeleted ? 'queryAll' : 'query';
      const endpoint = `GET /${resource}`;
      const { body } = await send<unknown>('standard', endpoint, {
        method: 'GET', path: `/${resource}?q=${encodeURIComponent(soql)}`, headers: batchHeaders(queryOptions.batchSize),
      });
      return queryPage<T>(body, endpoint);
    },

    async queryMore<T extends SfRecord = SfRecord>(nextRecordsUrl: string, queryOptions: Pick<SfQueryOptions, 'batchSize'> = {}): Promise<SfQueryPage<T>> {
      const endpoint = 'GET /query/<locator>';
      // Only Salesforce's own locator paths: a cursor from the store must not point the token elsewhere.
      if (!/^\/services\/data\/v\d+\.\d\/(query|queryAll)\/[A-Za-z0-9-]+$/.test(nextRecordsUrl)) {
        throw new SalesforceApiError(`Salesforce ${endpoint}: "${nextRecordsUrl.slice(0, 120)}" is not a query locator path`, endpoint, null, 'INVALID_LOCATOR', false);
      }
      const { body } = await send<unknown>('standard', endpoint, { method: 'GET', path: nextRecordsUrl, headers: batchHeaders(queryOptions.batchSize) });
      return queryPage<T>(body, endpoint);
    },

    async bulkQueryStart(soql: string, bulkOptions: { includeDeleted?: boolean } = {}): Promise<{ jobId: string }> {
      const endpoint = 'POST /jobs/query';
      const { body } = await send<{ id?: unknown }>('bulk', endpoint, {
        method: 'POST',
        path: '/jobs/query',
        body: { operation: bulkOptions.includeDeleted ? 'queryAll' : 'query', query: soql, contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF' },
      });
      if (typeof body?.id !== 'string') throw new SalesforceApiError(`Salesforce ${endpoint} answered without a job id`, endpoint, 200, 'INVALID_RESPONSE', true);
      return { jobId: body.id };
    },

    async bulkQueryState(jobId: string) {
      const endpoint = 'GET /jobs/query/<id>';
      checkJobId(jobId, endpoint);
      const { body } = await send<{ state?: unknown; numberRecordsProcessed?: unknown; errorMessage?: unknown }>('bulk', endpoint, {
        method: 'GET', path: `/jobs/query/${jobId}`,
      });
      const state = body?.state;
      if (typeof state !== 'string') throw new SalesforceApiError(`Salesforce ${endpoint} answered without a state`, endpoint, 200, 'INVALID_RESPONSE', true);
      return {
        state: state as SfBulkJobState,
        numberRecordsProcessed: typeof body.numberRecordsProcessed === 'number' ? body.numberRecordsProcessed : 0,
        ...(typeof body.errorMessage === 'string' && body.errorMessage !== '' ? { errorMessage: body.errorMessage } : {}),
      };
    },

    async bulkQueryResults(jobId: string, locator: string | null, maxRecords: number) {
      const endpoint = 'GET /jobs/query/<id>/results';
      checkJobId(jobId, endpoint);
      if (locator !== null && !/^[A-Za-z0-9_=-]{1,200}$/.test(locator)) {
        throw new SalesforceApiError(`Salesforce ${endpoint}: "${locator.slice(0, 60)}" is not a result locator`, endpoint, null, 'INVALID_LOCATOR', false);
      }
      const qs = new URLSearchParams({ maxRecords: String(Math.max(1, Math.floor(maxRecords))) });
      if (locator !== null) qs.set('locator', locator);
      // text/plain: the raw CSV, parsed here (RFC 4180) rather than by jsforce's multi-delimiter parse
      const { body, headers } = await send<string>('bulk', endpoint, {
        method: 'GET', path: `/jobs/query/${jobId}/results?${qs.toString()}`, headers: { Accept: 'text/csv' },
      }, 'text/plain');
      const next = headers['sforce-locator'];
      return { records: parseCsv(typeof body === 'string' ? body : ''), locator: next && next !== 'null' ? next : null };
    },

    async describe(sobject: string): Promise<SfDescribe> {
      const endpoint = `GET /sobjects/${sobject}/describe`;
      if (!SOBJECT_NAME.test(sobject)) throw new RangeError(`not an sObject name: "${sobject}"`);
      const { body } = await send<{ name?: unknown; fields?: unknown }>('standard', endpoint, { method: 'GET', path: `/sobjects/${sobject}/describe` });
      if (!Array.isArray(body?.fields)) throw new SalesforceApiError(`Salesforce ${endpoint} answered without fields`, endpoint, 200, 'INVALID_RESPONSE', true);
      return { name: typeof body.name === 'string' ? body.name : sobject, fields: body.fields.map(toFieldDescribe) };
    },

    async updateRecords(records: readonly SfRecordWrite[], updateOptions: { autoAssign?: boolean } = {}): Promise<SfSaveResult[]> {
      const endpoint = 'PATCH /composite/sobjects';
      if (records.length === 0) return [];
      if (records.length > 200) throw new RangeError(`sObject Collections take at most 200 records, got ${records.length}`);
      const { body } = await send<unknown>('standard', endpoint, {
        method: 'PATCH',
        path: '/composite/sobjects',
        body: collectionBody(records, true),
        // REST applies the org's active assignment rules on every Lead update unless told not to:
        // only a handoff that asks for them (autoAssign) gets TRUE.
        headers: { 'Sforce-Auto-Assign': updateOptions.autoAssign ? 'TRUE' : 'FALSE' },
      });
      return saveResults(body, records.length, endpoint);
    },

    async createRecords(records: readonly SfRecordWrite[]): Promise<SfSaveResult[]> {
      const endpoint = 'POST /composite/sobjects';
      if (records.length === 0) return [];
      if (records.length > 200) throw new RangeError(`sObject Collections take at most 200 records, got ${records.length}`);
      const { body } = await send<unknown>('standard', endpoint, {
        method: 'POST', path: '/composite/sobjects', body: collectionBody(records, false), headers: { 'Sforce-Auto-Assign': 'FALSE' },
      });
      return saveResults(body, records.length, endpoint);
    },

    limits: () => readLimits(),

    apiUsage: () => usage,

    async createCustomField(fullName: string, metadata: Record<string, unknown>): Promise<void> {
      const endpoint = 'POST /tooling/sobjects/CustomField';
      if (!/^[A-Za-z][A-Za-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*__c$/.test(fullName)) throw new RangeError(`not a custom field name: "${fullName}"`);
      await send<unknown>('standard', endpoint, { method: 'POST', path: '/tooling/sobjects/CustomField', body: { FullName: fullName, Metadata: metadata } });
    },
  };
  return api;
}

function checkJobId(jobId: string, endpoint: string): void {
  if (!JOB_ID.test(jobId)) throw new SalesforceApiError(`Salesforce ${endpoint}: "${jobId.slice(0, 40)}" is not a job id`, endpoint, null, 'INVALID_ID', false);
}

function toFieldDescribe(raw: unknown): SfFieldDescribe {
  const f = (raw ?? {}) as Record<string, unknown>;
  const picklist = Array.isArray(f.picklistValues) ? f.picklistValues : [];
  return {
    name: String(f.name ?? ''),
    type: String(f.type ?? ''),
    label: String(f.label ?? f.name ?? ''),
    updateable: f.updateable === true,
    createable: f.createable === true,
    custom: f.custom === true,
    ...(typeof f.length === 'number' ? { length: f.length } : {}),
    ...(typeof f.externalId === 'boolean' ? { externalId: f.externalId } : {}),
    ...(typeof f.unique === 'boolean' ? { unique: f.unique } : {}),
    ...(picklist.length > 0
      ? {
          picklistValues: picklist.map((p: unknown) => {
            const v = (p ?? {}) as Record<string, unknown>;
            return { value: String(v.value ?? ''), active: v.active !== false, ...(typeof v.defaultValue === 'boolean' ? { defaultValue: v.defaultValue } : {}) };
          }),
        }
      : {}),
  };
}
