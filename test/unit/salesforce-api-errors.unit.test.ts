/**
 * How a failed Salesforce call is classified (salesforce-api-error.ts): retryable or not, the daily
 * and concurrent REQUEST_LIMIT_EXCEEDED, network errors, and no secret in any message.
 */
import { SalesforceApiError, scrubSecrets, toSalesforceApiError, type ErrorContext } from '../../connectors/salesforce/salesforce-api-error';
import { DailyQuotaExhaustedError } from '../../src/rate-limit/daily-quota-exhausted-error';

/** What jsforce's HttpApiError looks like: name = errorCode, data = the first error of the body. */
function jsforceError(errorCode: string, message: string): Error {
  return Object.assign(new Error(message), { name: errorCode, errorCode, data: { errorCode, message } });
}

const NOW = Date.parse('2026-11-27T12:00:00Z');
const context = (status: number | null, overrides: Partial<ErrorContext> = {}): ErrorContext => ({
  endpoint: 'GET /query', status, secrets: ['00Dxx!ACCESS-TOKEN-SECRET', 'REFRESH-TOKEN-SECRET'], now: NOW,
  quota: { installationId: 'inst-1', quotaBackoffMs: 3_600_000, concurrencyBackoffMs: 30_000 }, ...overrides,
});

describe('Salesforce error classification', () => {
  it.each([
    [400, 'MALFORMED_QUERY', false],
    [400, 'INVALID_FIELD', false],
    [404, 'NOT_FOUND', false],
    [403, 'INSUFFICIENT_ACCESS', false],
    [503, 'SERVER_UNAVAILABLE', true],
    [500, 'UNKNOWN_EXCEPTION', true],
    [400, 'UNABLE_TO_LOCK_ROW', true],
    [502, 'ERROR_HTTP_502', true],
  ])('%i %s → retryable %s', (status, code, retryable) => {
    const error = toSalesforceApiError(jsforceError(code, 'something'), context(status));
    expect(error).toBeInstanceOf(SalesforceApiError);
    const e = error as SalesforceApiError;
    expect(e).toMatchObject({ status, errorCode: code, retryable, endpoint: 'GET /query' });
    expect(e.message).toContain('GET /query');
  });

  it('a network failure (no response) is retryable and keeps the cause code', () => {
    const fetchError = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
    const e = toSalesforceApiError(fetchError, context(null)) as SalesforceApiError;
    expect(e).toMatchObject({ status: null, retryable: true, errorCode: 'NETWORK_ERROR' });
    expect(e.message).toContain('ECONNRESET');
  });

  it('TotalRequests REQUEST_LIMIT_EXCEEDED becomes the daily quota error, delayed by the back-off', () => {
    const e = toSalesforceApiError(jsforceError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'), context(403));
    expect(e).toBeInstanceOf(DailyQuotaExhaustedError);
    expect(e).toMatchObject({ installationId: 'inst-1', source: 'crm', resetsAt: NOW + 3_600_000 });
  });

  it('the back-off is capped by the 24 h window', () => {
    const e = toSalesforceApiError(jsforceError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
      context(403, { quota: { installationId: 'inst-1', quotaBackoffMs: 3 * 86_400_000, concurrencyBackoffMs: 1 } }));
    expect((e as DailyQuotaExhaustedError).resetsAt).toBe(NOW + 86_400_000);
  });

  it('ConcurrentRequests REQUEST_LIMIT_EXCEEDED asks for a short, retryable delay', () => {
    const e = toSalesforceApiError(jsforceError('REQUEST_LIMIT_EXCEEDED', 'ConcurrentRequests (Concurrent API Requests) Limit exceeded.'), context(403));
    expect(e).toBeInstanceOf(SalesforceApiError);
    expect(e).toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED', retryable: true, retryAfterMs: 30_000 });
  });

  it('reads Salesforce\'s error out of a body jsforce did not parse (text/plain requests)', () => {
    const raw = Object.assign(new Error('[{"errorCode":"INVALID_FIELD","message":"No such column"}]'), {
      errorCode: 'ERROR_HTTP_400', data: { errorCode: 'ERROR_HTTP_400', message: '[{"errorCode":"INVALID_FIELD","message":"No such column"}]' },
    });
    const e = toSalesforceApiError(raw, context(400)) as SalesforceApiError;
    expect(e).toMatchObject({ errorCode: 'INVALID_FIELD', retryable: false });
    expect(e.message).toContain('No such column');
  });

  it('never puts a token in the message', () => {
    const e = toSalesforceApiError(jsforceError('INVALID_SESSION_ID', 'Session 00Dxx!ACCESS-TOKEN-SECRET expired (Bearer abcdefghijkl)'), context(401));
    expect(e.message).not.toContain('ACCESS-TOKEN-SECRET');
    expect(e.message).not.toContain('abcdefghijkl');
    expect(e.message).toContain('[redacted]');
  });

  it('passes its own errors through unchanged', () => {
    const original = new SalesforceApiError('x', 'GET /limits', 500, 'X', true);
    expect(toSalesforceApiError(original, context(500))).toBe(original);
  });

  it('scrubSecrets ignores empty and very short secrets', () => {
    expect(scrubSecrets('a b c', ['', 'a'])).toBe('a b c');
  });
});
