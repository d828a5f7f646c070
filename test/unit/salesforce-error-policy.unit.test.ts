/**
 * What the worker does with Salesforce failures (classified by connectors/salesforce/classify-error.ts, decided by src/worker/crm-error-policy.ts): the daily
 * REQUEST_LIMIT_EXCEEDED delays the job and pauses the installation for every worker; the
 * concurrent one pauses briefly; our own headroom delays without a pause; a refused refresh token or
 * a schema that needs an admin gives up; 5xx retries.
 */
import { SalesforceApiError } from '../../connectors/salesforce/salesforce-api-error';
import { SalesforceSchemaSetupRequired } from '../../connectors/salesforce/schema/schema-setup-required.error';
import { DailyQuotaExhaustedError, type PauseReason, type RateLimiter } from '../../src/rate-limit';
import { classifySalesforceError } from '../../connectors/salesforce/classify-error';
import { decideOnError as decide } from '../../src/worker/crm-error-policy';

const decideOnError = (error: unknown, installationId: string, l: RateLimiter, now: number) => decide(classifySalesforceError(error, now), installationId, l);

const NOW = Date.parse('2026-11-27T12:00:00Z');

function limiter() {
  const pauses: { installationId: string; untilMs: number; reason: PauseReason }[] = [];
  const l: RateLimiter = {
    acquire: async () => NOW,
    lease: async () => ({ grantedAt: NOW, settle: async () => undefined }),
    pause: async (installationId, untilMs, reason) => {
      pauses.push({ installationId, untilMs, reason });
    },
    resume: async () => undefined,
    status: async () => ({ pausedUntil: null, reason: null, usedInWindow: { standard: 0, search: 0 }, usedToday: 0 }),
  };
  return { l, pauses };
}

describe('crm-error-policy with Salesforce errors', () => {
  it('TotalRequests exceeded: delay until the back-off and pause every worker', async () => {
    const { l, pauses } = limiter();
    const decision = await decideOnError(new DailyQuotaExhaustedError('inst-1', NOW + 3_600_000, 'crm'), 'inst-1', l, NOW);
    expect(decision).toEqual({ kind: 'delay', untilMs: NOW + 3_600_000 });
    expect(pauses).toEqual([{ installationId: 'inst-1', untilMs: NOW + 3_600_000, reason: 'daily' }]);
  });

  it('our own headroom: delay, no pause', async () => {
    const { l, pauses } = limiter();
    expect(await decideOnError(new DailyQuotaExhaustedError('inst-1', NOW + 60_000, 'counted'), 'inst-1', l, NOW)).toEqual({ kind: 'delay', untilMs: NOW + 60_000 });
    expect(pauses).toEqual([]);
  });

  it('ConcurrentRequests exceeded: a short pause for the installation', async () => {
    const { l, pauses } = limiter();
    const error = new SalesforceApiError('concurrent', 'GET /query', 403, 'REQUEST_LIMIT_EXCEEDED', true, 30_000);
    expect(await decideOnError(error, 'inst-1', l, NOW)).toEqual({ kind: 'delay', untilMs: NOW + 30_000 });
    expect(pauses).toEqual([{ installationId: 'inst-1', untilMs: NOW + 30_000, reason: 'rate-limit' }]);
  });

  it('gives up on a refused refresh token and on missing schema; retries a 503', async () => {
    const { l } = limiter();
    const refused = new SalesforceApiError('Salesforce refused the refresh token for inst-1: reconnect the org', 'POST /services/oauth2/token', 400, 'invalid_grant', false);
    expect(await decideOnError(refused, 'inst-1', l, NOW)).toEqual({ kind: 'give-up', reauthorize: true });
    expect(await decideOnError(new SalesforceSchemaSetupRequired('inst-1', []), 'inst-1', l, NOW)).toEqual({ kind: 'give-up', reauthorize: false });
    expect(await decideOnError(new SalesforceApiError('503', 'GET /query', 503, 'SERVER_UNAVAILABLE', true), 'inst-1', l, NOW)).toEqual({ kind: 'retry' });
  });
});
