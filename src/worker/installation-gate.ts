import type { CrmErrorClass } from '../connector/crm-error';
import type { InstallationStatus, Store } from '../store';

/**
 * How long a job of an installation that waits for an admin (needs_reauth, paused) sleeps before it
 * looks again. Reconnecting promotes the waiting jobs at once (app/installations.ts), so this only
 * bounds how long a missed promotion could delay them.
 */
export const WAIT_FOR_RECONNECT_MS = 10 * 60_000;

export type Gate =
  | { kind: 'run' }
  /** Disconnected (or gone): the job does nothing and is done. */
  | { kind: 'skip'; status: InstallationStatus | 'missing' }
  /** Waiting for an admin: run again later, never failed. */
  | { kind: 'wait'; untilMs: number; error: CrmErrorClass };

/**
 * Every job of an installation checks its status as it is now in the store (the Installation a
 * worker cached may be hours old) before it calls the CRM.
 */
export async function installationGate(store: Store, workspaceId: string, installationId: string, now: number): Promise<Gate> {
  const status = await store.installations.getStatus(workspaceId, installationId);
  if (status === null || status === 'disconnected') return { kind: 'skip', status: status ?? 'missing' };
  if (status === 'needs_reauth' || status === 'paused') {
    const code = status === 'needs_reauth' ? 'INSTALLATION_NEEDS_REAUTH' : 'INSTALLATION_PAUSED';
    const message = status === 'needs_reauth' ? 'waiting for an admin to reconnect the installation' : 'the installation is paused';
    return { kind: 'wait', untilMs: now + WAIT_FOR_RECONNECT_MS, error: { code, message, retryable: true, waitUntilMs: now + WAIT_FOR_RECONNECT_MS, budget: null, pauseInstallation: false, reauthorize: status === 'needs_reauth' } };
  }
  return { kind: 'run' };
}

/**
 * The CRM refused the installation's credentials for good: mark it needs_reauth (unless an admin
 * disconnected or reconnected it meanwhile) so every job waits for the reconnect instead of failing.
 */
export async function markNeedsReauth(store: Store, workspaceId: string, installationId: string, error: CrmErrorClass): Promise<void> {
  await store.installations.transitionStatus(workspaceId, installationId, ['active', 'pending', 'error', 'paused'], 'needs_reauth', `${error.code}: ${error.message}`.slice(0, 500));
}
