/**
 * The one path a Salesforce request takes: the daily-budget check → the injected limiter's lease
 * (the runtime's Redis-shared limiter) → jsforce's HttpApi → the response's Sforce-Limit-Info read
 * and the lease settled, whatever happened. Every failure leaves as a SalesforceApiError or a
 * DailyQuotaExhaustedError (salesforce-api-error.ts), with no token in its message.
 *
 * HttpApi (what `conn.request` uses, and what jsforce's own bulk2 and tooling modules use) with a
 * 'response' listener, because jsforce's errors do not carry the HTTP status and Bulk 2.0 pages need
 * the Sforce-Locator header. jsforce's transport retries are off by default: a retry it made would
 * bypass the shared limiter, and POST/PATCH are never retried anyway. The jobs retry with backoff.
 */
import { HttpApi } from 'jsforce/lib/http-api';
import type { HttpRequest, HttpResponse } from 'jsforce/lib/types';
import { SalesforceApiError, toSalesforceApiError, type QuotaSettings } from '../salesforce-api-error';
import type { SalesforceSession } from './auth';
import type { DailyBudget } from './quota';

export type SalesforceRequestKind = 'standard' | 'bulk';
/** Resolves when a request may go out, optionally with a function to call once its response is in. */
export type SalesforceFetchLimiter = (kind: SalesforceRequestKind) => Promise<(() => Promise<void>) | void>;

export interface SendRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Version-relative (`/query?q=`) or root-relative (`/services/data/...`). */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SendOptions {
  /** jsforce's response type: 'text/plain' keeps a body unparsed (the Bulk 2.0 CSV). */
  responseType?: string;
  /** Only for reading `/limits` itself, which is how the budget gets its first reading. */
  skipBudget?: boolean;
}

export interface Sent<T> {
  body: T;
  /** The response's headers, lower-cased (jsforce's); empty when none arrived. */
  headers: Record<string, string>;
}

/** `endpoint` names the call in errors (`GET /query`): a pattern, never a URL with query values. */
export type Send = <T>(kind: SalesforceRequestKind, endpoint: string, request: SendRequest, options?: SendOptions) => Promise<Sent<T>>;

export interface TransportSettings {
  session: SalesforceSession;
  budget: DailyBudget;
  quota: QuotaSettings;
  clock: () => number;
  fetchLimiter?: SalesforceFetchLimiter | undefined;
  /** jsforce's own retries of GETs on 5xx/network errors (default 0: the jobs retry, through the limiter). */
  transportRetries?: number | undefined;
  /** Per-request timeout (default 120 s). */
  requestTimeoutMs?: number | undefined;
}

export function createTransport(settings: TransportSettings): Send {
  const { session, budget } = settings;

  return async function send<T>(kind: SalesforceRequestKind, endpoint: string, request: SendRequest, options: SendOptions = {}): Promise<Sent<T>> {
    // checked before the budget and the limiter: a request Salesforce would refuse costs nothing
    const bytes = requestHeadBytes(session, request);
    if (bytes > MAX_REQUEST_HEAD_BYTES) {
      throw new SalesforceApiError(
        `Salesforce ${endpoint}: the request's URI and headers would be about ${bytes} bytes, and Salesforce refuses more than ${MAX_REQUEST_HEAD_BYTES} (414/431); the caller must split it`,
        endpoint, null, 'REQUEST_TOO_LARGE', false,
      );
    }
    if (!options.skipBudget) await budget.ensureRoom();
    const settle = await settings.fetchLimiter?.(kind);
    const http = new HttpApi(session.connection, {
      ...(options.responseType ? { responseType: options.responseType } : {}),
      retry: { maxRetries: settings.transportRetries ?? 0 },
      timeout: settings.requestTimeoutMs ?? 120_000,
    });
    // the last response jsforce saw (after a 401 and a refresh, the retried request's)
    let last: HttpResponse | undefined;
    http.on('response', (response: HttpResponse) => {
      last = response;
    });
    const httpRequest = toHttpRequest(session, request);
    try {
      const body = await http.request<T>(httpRequest);
      return { body, headers: last?.headers ?? {} };
    } catch (error) {
      throw session.refreshFailureBehind(error)
        ?? toSalesforceApiError(error, { endpoint, status: last?.statusCode ?? null, secrets: session.secrets(), quota: settings.quota, now: settings.clock() });
    } finally {
      // a failed call counts against the budget too, and must give its lease back
      budget.observeHeaders(last?.headers);
      await settle?.();
    }
  };
}

/**
 * Salesforce caps a request's URI and headers at 16,384 bytes together: 414 when the URI alone is
 * longer, 431 when URI and headers are (help article 000386264).
 */
export const MAX_REQUEST_HEAD_BYTES = 16_384;
/** Header lines jsforce and undici add that we do not set (Host, User-Agent, Accept, Accept-Encoding, Connection, Content-Length, …), generously. */
const IMPLICIT_HEADER_BYTES = 1_024;

/** The URI (path and query) and the header lines of a request, as close as we can tell before it goes. */
export function requestHeadBytes(session: Pick<SalesforceSession, 'connection'>, request: SendRequest): number {
  const url = new URL(session.connection._normalizeUrl(request.path), 'http://placeholder');
  let bytes = Buffer.byteLength(url.pathname + url.search) + IMPLICIT_HEADER_BYTES;
  const line = (name: string, value: string) => Buffer.byteLength(name) + 2 + Buffer.byteLength(value) + 2;
  bytes += line('Authorization', `Bearer ${session.connection.accessToken ?? ''}`);
  for (const [name, value] of Object.entries(request.headers ?? {})) bytes += line(name, value);
  if (request.body !== undefined) bytes += line('content-type', 'application/json');
  return bytes;
}

/** Our request as jsforce takes it: a JSON body says so; the path is resolved against the version. */
function toHttpRequest(session: SalesforceSession, request: SendRequest): HttpRequest {
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  return {
    method: request.method,
    url: session.connection._normalizeUrl(request.path),
    headers,
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
  };
}
