/**
 * What a failed HubSpot call means to the sync jobs: retry later (429, 5xx, network) or not (other
 * 4xx). Built from the SDK's ApiException (`code`, `body`, `headers`; each generated package has its
 * own class, so it is recognised by shape), from an `apiRequest` response, or from a fetch error.
 * Messages name the endpoint and HubSpot's own message, never the access token.
 */
import { parseRetryAfter } from '../../src/rate-limit/parse-retry-after.util';
import { classify429 } from './classify-429.util';

export class HubSpotApiError extends Error {
  override readonly name = 'HubSpotApiError';

  constructor(
    message: string,
    /** `GET /crm/v3/objects/contacts`: the endpoint pattern, never a URL with query values. */
    readonly endpoint: string,
    /** HTTP status, or null when no response arrived (connection refused, reset, timeout). */
    readonly status: number | null,
    readonly retryable: boolean,
    /** HubSpot's error category (VALIDATION_ERROR, OBJECT_NOT_FOUND, RATE_LIMIT, …) when it sent one. */
    readonly category: string | null = null,
    /** For 429s: TEN_SECONDLY_ROLLING, SECONDLY or DAILY. */
    readonly policyName: string | null = null,
    /** From a Retry-After header, when HubSpot sent one (it is not documented for REST 429s). */
    readonly retryAfterMs: number | null = null,
    readonly correlationId: string | null = null,
    /**
     * For 429s: which budget HubSpot refused and until when (epoch ms), read once from the response
     * where it arrived (classify-429.util.ts), so nobody downstream re-parses headers.
     */
    readonly refusal: { budget: 'window' | 'daily'; untilMs: number } | null = null,
  ) {
    super(message);
  }
}

interface ApiExceptionLike {
  code: number;
  body: unknown;
  headers?: Record<string, string> | undefined;
}

function isApiExceptionLike(error: unknown): error is ApiExceptionLike {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number' && 'body' in error;
}

function field(body: unknown, name: string): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** Replaces every occurrence of the token, should HubSpot or a transport ever echo it. */
function scrub(text: string, secret: string): string {
  return secret.length > 0 ? text.split(secret).join('[redacted]') : text;
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}

/** Converts whatever a call threw into a HubSpotApiError; an existing one passes through. */
export function toHubSpotApiError(error: unknown, endpoint: string, accessToken: string, now: number = Date.now()): HubSpotApiError {
  if (error instanceof HubSpotApiError) return error;
  if (!isApiExceptionLike(error)) {
    // No HTTP answer: the request may or may not have reached HubSpot, so it is worth retrying.
    return new HubSpotApiError(scrub(`HubSpot ${endpoint} failed without a response: ${describeCause(error)}`, accessToken), endpoint, null, true);
  }
  const status = error.code;
  const body = error.body;
  const category = field(body, 'category') ?? field(body, 'errorType');
  const policyName = status === 429 ? field(body, 'policyName') : null;
  const hubspotMessage = field(body, 'message') ?? (typeof body === 'string' && body !== '' ? body.slice(0, 500) : 'no message');
  const retryAfterMs = parseRetryAfter(header(error.headers, 'retry-after'), now);
  // DAILY is a 429 too: retryable, but only after the portal's midnight; the caller reads policyName.
  const retryable = status === 429 || status >= 500 || status === 0;
  const policy = policyName ? ` (${policyName})` : category ? ` (${category})` : '';
  const message = scrub(`HubSpot ${endpoint} answered ${status}${policy}: ${hubspotMessage}`, accessToken);
  return new HubSpotApiError(message, endpoint, status, retryable, category, policyName, retryAfterMs, field(body, 'correlationId'), status === 429 ? refusalOf(body, error.headers, now) : null);
}

function refusalOf(body: unknown, headers: Record<string, string> | undefined, now: number): HubSpotApiError['refusal'] {
  const action = classify429(body, headers, now);
  return action.action === 'pause-daily' ? { budget: 'daily', untilMs: action.untilMs } : { budget: 'window', untilMs: now + action.waitMs };
}
