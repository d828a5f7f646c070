/**
 * Every job of an installation checks its status first (src/worker/installation-gate.ts): one that
 * waits for an admin (needs_reauth) is delayed, never failed; a scheduler's run is skipped (the
 * scheduler fires again); a disconnected installation's jobs do nothing. A refusal that needs a
 * reconnect marks the installation needs_reauth and delays the job.
 */
import type { JobDeps } from '../../jobs/job-deps';
import type { CrmErrorClass } from '../../src/connector/crm-error';
import type { RateLimiter } from '../../src/rate-limit';
import type { InstallationStatus } from '../../src/store';
import { WAIT_FOR_RECONNECT_MS } from '../../src/worker/installation-gate';
import { runJob } from '../../src/worker/run-job';

function depsWith(status: InstallationStatus | null, options: { connectorError?: unknown } = {}) {
  const transitions: string[] = [];
  const refusal: CrmErrorClass = { code: 'HTTP_401', message: 'revoked', retryable: false, waitUntilMs: null, budget: null, pauseInstallation: false, reauthorize: true };
  const deps = {
    store: {
      installations: {
        getStatus: async () => status,
        transitionStatus: async (_w: string, _i: string, _from: unknown, to: string) => {
          transitions.push(to);
          return true;
        },
      },
    },
    clock: () => 0,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    installation: async () => ({ id: 'i1', workspaceId: 'w1', provider: 'fake' }),
    connectorFor: async () => {
      throw options.connectorError ?? new Error('the handler must not run');
    },
    connectors: { has: () => true, get: () => ({ classifyError: () => refusal }) },
  } as unknown as JobDeps;
  return { deps, transitions };
}

const limiter = {} as RateLimiter;
const sync = { workspaceId: 'w1', installationId: 'i1', stream: 'contacts', then: [] };

describe('the installation gate', () => {
  it('delays the jobs of an installation waiting for a reconnect, and skips a scheduler run', async () => {
    const { deps } = depsWith('needs_reauth');
    await expect(runJob('writeback', { workspaceId: 'w1', installationId: 'i1' }, deps, limiter, () => 1_000)).resolves.toMatchObject({ kind: 'delayed', untilMs: 1_000 + WAIT_FOR_RECONNECT_MS, error: { code: 'INSTALLATION_NEEDS_REAUTH' } });
    await expect(runJob('sync', { ...sync, scheduled: true }, deps, limiter)).resolves.toEqual({ kind: 'completed', result: { skipped: 'INSTALLATION_NEEDS_REAUTH' } });
  });

  it('skips every job of a disconnected or deleted installation', async () => {
    await expect(runJob('sync', sync, depsWith('disconnected').deps, limiter)).resolves.toEqual({ kind: 'completed', result: { skipped: 'disconnected' } });
    await expect(runJob('tasks', { workspaceId: 'w1', installationId: 'i1' }, depsWith(null).deps, limiter)).resolves.toEqual({ kind: 'completed', result: { skipped: 'missing' } });
  });

  it('marks the installation needs_reauth when the CRM refuses its credentials, and delays the job instead of failing it', async () => {
    const { deps, transitions } = depsWith('active', { connectorError: new Error('401') });
    const outcome = await runJob('writeback', { workspaceId: 'w1', installationId: 'i1' }, deps, limiter, () => 5);
    expect(outcome).toMatchObject({ kind: 'delayed', untilMs: 5 + WAIT_FOR_RECONNECT_MS, error: { reauthorize: true } });
    expect(transitions).toEqual(['needs_reauth']);
  });
});
