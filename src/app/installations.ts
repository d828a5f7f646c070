import type { ConnectedAccount, OAuthApp } from '../connector/connector-install';
import { registerSecret } from '../log/redact';
import { scheduleDecayRescore, scheduleIncrementalSync, unscheduleIncrementalSync, scheduleRetention, scheduleSlaTick, unscheduleSlaTick } from '../queue/schedules';
import { QUEUE_NAMES } from '../queue/job-data';
import type { Installation } from '../store';
import { firstSyncStarted } from '../sync/first-sync-marks';
import { createWorkspace } from './bootstrap';
import { openCredentials, parseCredentials, sealCredentials } from './credentials';
import { startFirstSync } from './first-sync';
import type { Runtime } from './runtime';

/** How often an installation's incremental sync runs. */
export const SYNC_EVERY_MS = 5 * 60_000;

export interface ConnectResult {
  installation: Installation;
  /** A new installation (its first sync started), or a reconnected one (resumed where it stood). */
  created: boolean;
  /** Set when the CRM-side schema could not be ensured: the installation is saved in `error` with this reason. */
  problem: string | null;
}

/**
 * Creates an installation from an OAuth callback, or re-activates the existing one of the same
 * account (a reconnect after needs_reauth or a disconnect): credentials sealed, the CRM-side schema
 * ensured, then the first sync started (new) or everything resumed with nothing lost (reconnect:
 * waiting jobs run at once, writes held back go out), and the incremental sync scheduled.
 */
export async function connectInstallation(
  runtime: Runtime,
  input: { provider: string; account: ConnectedAccount<unknown>; workspaceId: string | null; workspaceName: string },
): Promise<ConnectResult> {
  const { store, box } = runtime;
  const module = runtime.deps.connectors.get(input.provider);
  const { account } = input;
  for (const secret of account.secrets) registerSecret(secret);
  const ratePolicy = Object.hasOwn(module.ratePolicies, account.ratePolicy) ? account.ratePolicy : null;
  const credentials = parseCredentials({ id: `(new ${account.externalAccountId})`, provider: input.provider, displayName: account.displayName }, module.credentialsSchema, account.credentials);

  const { installation, created } = await store.transaction(async (repos) => {
    const existing = await repos.installations.findByExternalAccount(input.provider, account.externalAccountId);
    if (existing) {
      // the caller checked who may reconnect it; a row that appeared meanwhile in another workspace is not taken
      if (input.workspaceId !== null && existing.workspaceId !== input.workspaceId) throw new Error(`${module.label} account ${account.externalAccountId} belongs to another workspace`);
      await repos.installations.reconnect(existing.workspaceId, existing.id, { displayName: account.displayName, ratePolicy, credentials: sealCredentials(box, existing.id, credentials) });
      return { installation: (await repos.installations.get(existing.workspaceId, existing.id))!, created: false };
    }
    const workspaceId = input.workspaceId ?? (await createWorkspace(repos, input.workspaceName, runtime.env.RULEBOOK_PATH)).id;
    const made = await repos.installations.create(workspaceId, { provider: input.provider, externalAccountId: account.externalAccountId, displayName: account.displayName, status: 'active', ratePolicy });
    await repos.installations.setCredentials(workspaceId, made.id, sealCredentials(box, made.id, credentials));
    return { installation: (await repos.installations.get(workspaceId, made.id))!, created: true };
  });
  runtime.forget(installation.id);

  let problem: string | null = null;
  try {
    const connector = await runtime.deps.connectorFor(installation);
    if (await firstSyncStarted(store.checkpoints, installation.id)) {
      await connector.ensureSchema();
      await resumeInstallation(runtime, installation);
    } else {
      await startFirstSync(runtime, installation); // ensures the schema first
    }
    await scheduleIncrementalSync(
      runtime.queues.sync,
      { workspaceId: installation.workspaceId, installationId: installation.id, stream: connector.streams[0]!, then: connector.streams.slice(1) },
      SYNC_EVERY_MS,
    );
    await scheduleDecayRescore(runtime.queues.score, installation.workspaceId, await store.workspaces.getTimeZone(installation.workspaceId));
    await scheduleRetention(runtime.queues.retention, installation.workspaceId);
    await scheduleSlaTick(runtime.queues.sla, { workspaceId: installation.workspaceId, installationId: installation.id });
  } catch (error) {
    problem = (error as Error).message;
    await store.installations.setStatus(installation.workspaceId, installation.id, 'error', problem.slice(0, 500));
    runtime.logger.warn('installation connected, but its setup failed', { installationId: installation.id, provider: installation.provider, error: problem });
  }
  return { installation: (await store.installations.get(installation.workspaceId, installation.id))!, created, problem };
}

/**
 * After a reconnect: jobs that were waiting for it run now, writes that failed while the
 * credentials were refused are due now, and the writeback and tasks jobs are woken.
 */
export async function resumeInstallation(runtime: Runtime, installation: Installation): Promise<{ promoted: number; released: number }> {
  let promoted = 0;
  for (const name of QUEUE_NAMES) {
    const queue = runtime.queues[name];
    for (let start = 0; ; start += 500) {
      const jobs = await queue.getDelayed(start, start + 499);
      for (const job of jobs) {
        if ((job.data as { installationId?: unknown } | undefined)?.installationId !== installation.id) continue;
        await job.promote().then(() => promoted++, () => undefined); // it may have started meanwhile
      }
      if (jobs.length < 500) break;
    }
  }
  const released = await runtime.store.outbox.releaseWaiting(installation.id, new Date(runtime.deps.clock()));
  const data = { workspaceId: installation.workspaceId, installationId: installation.id };
  await runtime.enqueue.writeback(data, 0);
  await runtime.enqueue.tasks(data, 0);
  return { promoted, released };
}

export interface DisconnectResult {
  /** True when the CRM confirmed the tokens are revoked; false with `problem` when it could not be asked or refused. */
  revoked: boolean;
  problem: string | null;
}

/**
 * Stops all work for an installation: status `disconnected` (every pending job is skipped), its
 * periodic sync removed, its tokens revoked in the CRM and deleted from the store. Its data stays,
 * so connecting the same account again resumes it.
 */
export async function disconnectInstallation(runtime: Runtime, installation: Installation, app: OAuthApp<unknown> | null): Promise<DisconnectResult> {
  const { store } = runtime;
  await store.installations.setStatus(installation.workspaceId, installation.id, 'disconnected', 'disconnected by an admin');
  await unscheduleIncrementalSync(runtime.queues.sync, installation.id);
  await unscheduleSlaTick(runtime.queues.sla, installation.id);
  runtime.forget(installation.id);
  let result: DisconnectResult = { revoked: false, problem: null };
  if (installation.hasCredentials) {
    if (!app) {
      result = { revoked: false, problem: 'this system has no OAuth app configured here: remove Leadstage in its settings to revoke the token' };
    } else {
      try {
        const module = runtime.deps.connectors.get(installation.provider);
        await app.revoke(await openCredentials(store, runtime.box, installation, module.credentialsSchema));
        result = { revoked: true, problem: null };
      } catch (error) {
        result = { revoked: false, problem: (error as Error).message };
        runtime.logger.warn('disconnect: revoking the tokens failed', { installationId: installation.id, error: result.problem });
      }
    }
  }
  await store.installations.setCredentials(installation.workspaceId, installation.id, null);
  return result;
}

/**
 * An admin pauses an installation: every job of it waits (the installation gate delays it, never
 * fails it) and writes stay in the outbox until it is resumed. Only an active, pending or failed
 * setup can be paused (a disconnected one has no work; one waiting for a reconnect already waits).
 */
export async function pauseInstallation(runtime: Runtime, installation: Installation, by: string): Promise<boolean> {
  const moved = await runtime.store.installations.transitionStatus(installation.workspaceId, installation.id, ['active', 'pending', 'error'], 'paused', `paused by ${by}`.slice(0, 500));
  if (moved) runtime.forget(installation.id);
  return moved;
}

/** Resumes a paused installation: active again, waiting jobs run at once and held writes go out. */
export async function unpauseInstallation(runtime: Runtime, installation: Installation): Promise<boolean> {
  const moved = await runtime.store.installations.transitionStatus(installation.workspaceId, installation.id, ['paused'], 'active', null);
  if (!moved) return false;
  runtime.forget(installation.id);
  await resumeInstallation(runtime, installation);
  return true;
}

/**
 * Syncs an installation again: `full` starts a first sync from the beginning of every stream (the
 * records are matched to the people already stored, nothing is duplicated); `incremental` pulls
 * what changed since the checkpoints now instead of at the next scheduled run.
 */
export async function resyncInstallation(runtime: Runtime, installation: Installation, kind: 'full' | 'incremental'): Promise<void> {
  const connector = await runtime.deps.connectorFor(installation);
  if (kind === 'full') {
    // the cursors and the first sync's caught-up marks: the phases run again from the start
    await runtime.store.checkpoints.clearStreams(installation.id, [...connector.streams, ...connector.streams.map((stream) => `first-run:${stream}`)]);
    return startFirstSync(runtime, installation);
  }
  await runtime.enqueue.sync({ workspaceId: installation.workspaceId, installationId: installation.id, stream: connector.streams[0]!, then: connector.streams.slice(1) });
}
