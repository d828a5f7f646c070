/**
 * Salesforce's error bodies. The REST API answers an error with an array of `{message, errorCode}`
 * (plus `fields` for field errors); OAuth endpoints answer `{error, error_description}`. Handlers
 * throw these and the server's error handler sends them, so jsforce sees exactly what production
 * would send: `HttpApiError` with `name = errorCode`.
 */
export interface RestErrorItem {
  message: string;
  errorCode: string;
  fields?: string[];
}

export class SalesforceError extends Error {
  constructor(
    readonly status: number,
    readonly body: RestErrorItem[] | Record<string, unknown>,
    /** Sent as-is with this content type instead of JSON (a proxy's HTML 502 page). */
    readonly raw?: { contentType: string; text: string },
  ) {
    super(Array.isArray(body) ? (body[0]?.message ?? 'error') : String(body.error_description ?? body.message ?? 'error'));
  }
}

export function restError(status: number, errorCode: string, message: string, fields?: string[]): SalesforceError {
  return new SalesforceError(status, [{ message, errorCode, ...(fields ? { fields } : {}) }]);
}

export function oauthError(status: number, error: string, description: string): SalesforceError {
  return new SalesforceError(status, { error, error_description: description });
}

export const NOT_FOUND_MESSAGE = 'The requested resource does not exist';

export function notFound(message = NOT_FOUND_MESSAGE): SalesforceError {
  return restError(404, 'NOT_FOUND', message);
}

export const INVALID_SESSION = { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' } as const;

export function invalidSession(): SalesforceError {
  return new SalesforceError(401, [{ ...INVALID_SESSION }]);
}

/** What Salesforce says when the rolling 24-hour API request allocation is spent. */
export const TOTAL_REQUESTS_EXCEEDED = 'TotalRequests Limit exceeded.';

export function requestLimitExceeded(message = TOTAL_REQUESTS_EXCEEDED): SalesforceError {
  return restError(403, 'REQUEST_LIMIT_EXCEEDED', message);
}

/** One record's outcome in an sObject Collections call or a single-record create. */
export interface SaveResult {
  id: string | null;
  success: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
  created?: boolean;
}

/** A per-record failure raised while validating or applying one record. */
export class RecordError extends Error {
  constructor(
    readonly statusCode: string,
    message: string,
    readonly fields: string[] = [],
  ) {
    super(message);
  }

  toSaveError(): SaveResult['errors'][number] {
    return { statusCode: this.statusCode, message: this.message, fields: this.fields };
  }
}
