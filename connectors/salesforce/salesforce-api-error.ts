/**
 * What a failed Salesforce call means to the sync jobs: retry later (5xx, SERVER_UNAVAILABLE,
 * UNABLE_TO_LOCK_ROW, network errors) or not (MALFORMED_QUERY, INVALID_FIELD and other 4xx), and
 * REQUEST_LIMIT_EXCEEDED as the worker understands it (src/worker/crm-error-policy.ts): the daily
 * "TotalRequests" limit becomes a DailyQuotaExhaustedError (the job is delayed, every worker paused),
 * "ConcurrentRequests" a SalesforceApiError with `retryAfterMs` (a short delay).
 *
 * Built from jsforce's HttpApiError (`errorCode` = Salesforce's, `data` = the body; it carries no
 * status, so the caller passes the status it saw on the response), from an OAuth error (`name` =
 * `invalid_grant`…) or from a fetch error. Messages name the endpoint and Salesforce's own message,
 * never a token: every secret the connection holds is scrubbed from them.
 */
import { DailyQuotaExhaustedError } from '../../src/rate-limit/daily-quota-exhausted-error';

export class SalesforceApiError extends Error {
  override readonly name = 'SalesforceApiError';

  constructor(
    message: string,
    /** `GET /query`, `PATCH /composite/sobjects`: the endpoint pattern, never a URL with query values. */
    readonly endpoint: string,
    /** HTTP status, or null when no response arrived (connection refused, reset, timeout). */
    readonly status: number | null,
    /** Salesforce's `errorCode` (INVALID_FIELD, REQUEST_LIMIT_EXCEEDED…), `invalid_grant` for OAuth, or ERROR_HTTP_<status>. */
    readonly errorCode: string,
    readonly retryable: boolean,
    /** How long to wait before calling this installation again (ConcurrentRequests); null: the queue's backoff. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** Codes that say "try again later" whatever the status (Salesforce sends lock contention as 400 or 500). */
const TRANSIENT_CODES = new Set(['SERVER_UNAVAILABLE', 'UNABLE_TO_LOCK_ROW', 'REQUEST_RUNNING_TOO_LONG', 'QUERY_TIMEOUT', 'ALL_OR_NONE_OPERATION_ROLLED_BACK']);

export interface QuotaSettings {
  installationId: string;
  /** Wait after "TotalRequests Limit exceeded" (Salesforce's window is a rolling 24 h; we probe again after this). */
  quotaBackoffMs: number;
  /** Wait after "ConcurrentRequests … Limit exceeded". */
  concurrencyBackoffMs: number;
}

export const DAY_MS = 86_400_000;

/** Replaces every occurrence of each secret, should Salesforce or a transport ever echo one. */
export function scrubSecrets(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text.replace(/\b(Bearer|OAuth)\s+[A-Za-z0-9._~+/=!-]{6,}/g, '$1 [redacted]');
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

function describeCause(error: Error): string {
  const cause = (error as Error & { cause?: unknown }).cause;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}

interface JsforceErrorLike {
  errorCode?: unknown;
  name?: unknown;
  message?: unknown;
  data?: unknown;
}

/** Salesforce's first error in a body: `[{errorCode, message, fields}]`, or the jsforce error itself. */
function salesforceMessage(error: JsforceErrorLike): { errorCode: string | null; message: string } {
  const data = Array.isArray(error.data) ? error.data[0] : error.data;
  // A body jsforce did not parse (a text/plain request): `[{"errorCode":…}]` as text.
  const text = typeof data === 'object' && data !== null ? (data as { message?: unknown }).message : undefined;
  if (typeof error.errorCode === 'string' && error.errorCode.startsWith('ERROR_HTTP_') && typeof text === 'string' && /^\s*[[{]/.test(text)) {
    try {
      const parsed: unknown = JSON.parse(text);
      const first: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
      if (typeof first === 'object' && first !== null && typeof (first as { errorCode?: unknown }).errorCode === 'string') {
        return salesforceMessage({ errorCode: (first as { errorCode: string }).errorCode, data: first });
      }
    } catch {
      // not JSON after all: keep the text
    }
  }
  const dataCode = typeof data === 'object' && data !== null ? (data as { errorCode?: unknown }).errorCode : undefined;
  const dataMessage = typeof data === 'object' && data !== null ? (data as { message?: unknown }).message : undefined;
  const errorCode = typeof error.errorCode === 'string' ? error.errorCode : typeof dataCode === 'string' ? dataCode : null;
  const message = typeof dataMessage === 'string' ? dataMessage : typeof error.message === 'string' ? error.message : String(error);
  return { errorCode, message: message.slice(0, 1000) };
}

export interface ErrorContext {
  endpoint: string;
  /** The status of the last response jsforce saw for this call; null when none arrived. */
  status: number | null;
  secrets: readonly (string | null | undefined)[];
  quota: QuotaSettings;
  now: number;
}

/**
 * Converts whatever a call threw into a SalesforceApiError, or into a DailyQuotaExhaustedError for the
 * daily request limit; both pass through unchanged.
 */
export function toSalesforceApiError(error: unknown, context: ErrorContext): SalesforceApiError | DailyQuotaExhaustedError {
  if (error instanceof SalesforceApiError || error instanceof DailyQuotaExhaustedError) return error;
  const { endpoint, status, secrets, quota, now } = context;
  const scrub = (text: string) => scrubSecrets(text, secrets);
  if (!(error instanceof Error) && (typeof error !== 'object' || error === null)) {
    return new SalesforceApiError(scrub(`Salesforce ${endpoint} failed: ${String(error)}`), endpoint, status, 'UNKNOWN', true);
  }
  const shaped = error as JsforceErrorLike;
  const { errorCode: code, message } = salesforceMessage(shaped);
  const httpCode = /^ERROR_HTTP_(\d{3})$/.exec(code ?? '');
  const effectiveStatus = status ?? (httpCode ? Number(httpCode[1]) : null);
  if (code === null) {
    // No HTTP answer (or not one jsforce could read): the request may or may not have reached Salesforce.
    const text = error instanceof Error ? describeCause(error) : message;
    return new SalesforceApiError(scrub(`Salesforce ${endpoint} failed without a response: ${text}`), endpoint, effectiveStatus, code ?? 'NETWORK_ERROR', true);
  }
  if (code === 'REQUEST_LIMIT_EXCEEDED') {
    if (/concurrent/i.test(message)) {
      return new SalesforceApiError(
        scrub(`Salesforce ${endpoint} answered ${effectiveStatus ?? '?'} REQUEST_LIMIT_EXCEEDED (too many concurrent long-running requests): ${message}`),
        endpoint, effectiveStatus, code, true, quota.concurrencyBackoffMs,
      );
    }
    // TotalRequests (or an unlabelled limit): the org's rolling 24 h budget is spent, other apps included.
    return new DailyQuotaExhaustedError(quota.installationId, now + Math.min(quota.quotaBackoffMs, DAY_MS), 'crm');
  }
  const retryable = effectiveStatus === null || effectiveStatus >= 500 || TRANSIENT_CODES.has(code);
  const shownCode = httpCode ? '' : ` ${code}`;
  return new SalesforceApiError(scrub(`Salesforce ${endpoint} answered ${effectiveStatus ?? '?'}${shownCode}: ${message}`), endpoint, effectiveStatus, code, retryable);
}

/**
 * Refused credentials (a refresh token Salesforce no longer honours, a session it will not renew)
 * are about the installation, not the records of a call: writers rethrow them so the job waits for
 * a reconnect, instead of failing every record of the call for good.
 */
export function refusesCredentials(error: SalesforceApiError): boolean {
  return error.errorCode === 'invalid_grant' || error.status === 401 || error.errorCode === 'INVALID_SESSION_ID';
}
