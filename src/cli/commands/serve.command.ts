import { ensureInstallations } from '../../app/bootstrap';
import { createRuntime } from '../../app/runtime';
import { serve, stopOnSignals } from '../../app/serve';
import { startFirstSync } from '../../app/first-sync';
import { scheduleDecayRescore, scheduleIncrementalSync } from '../../queue/schedules';
import { loadEnv } from '../../config/env';
import { registerSecret } from '../../log/redact';
import type { CommandIo } from './command';

const SYNC_EVERY_MS = 5 * 60_000;

/**
 * `leadstage web`, `leadstage worker`, `leadstage start` (both): separate entry points so web and
 * workers scale apart. With HUBSPOT_ACCESS_TOKEN set (single-portal mode), the worker side also
 * registers that portal, starts its first sync and schedules the incremental one.
 */
export function serveCommand(roles: { web: boolean; worker: boolean }) {
  return async (_args: string[], io: CommandIo): Promise<number> => {
    const env = loadEnv();
    registerSecret(env.HUBSPOT_ACCESS_TOKEN);
    registerSecret(env.LEADSTAGE_SECRET_KEY);
    const runtime = await createRuntime({ env });
    const serving = await serve(runtime, { ...roles, port: env.PORT });
    if (serving.url) io.out(`web: ${serving.url} (/healthz, /readyz, /metrics)`);
    if (roles.worker) io.out('worker: processing sync, score, writeback and tasks');

    if (roles.worker && env.HUBSPOT_ACCESS_TOKEN) {
      const [installation] = await ensureInstallations(runtime.store, runtime.box, 'Default workspace', env.RULEBOOK_PATH, [
        {
          provider: 'hubspot',
          externalAccountId: process.env.HUBSPOT_PORTAL_ID ?? 'single-portal',
          displayName: 'HubSpot portal',
          credentials: { accessToken: env.HUBSPOT_ACCESS_TOKEN, ...(env.HUBSPOT_BASE_URL ? { basePath: env.HUBSPOT_BASE_URL } : {}) },
        },
      ]);
      const connector = await runtime.deps.connectorFor(installation!);
      await startFirstSync(runtime, installation!);
      await scheduleIncrementalSync(
        runtime.queues.sync,
        { workspaceId: installation!.workspaceId, installationId: installation!.id, stream: connector.streams[0]!, then: connector.streams.slice(1) },
        SYNC_EVERY_MS,
      );
      await scheduleDecayRescore(runtime.queues.score, installation!.workspaceId);
      io.out(`hubspot: first sync started; incremental sync every ${SYNC_EVERY_MS / 60_000} minutes; decayed scores rescored nightly at 00:05 UTC`);
    }
    stopOnSignals(serving.stop, (line) => io.err(line));
    await new Promise(() => undefined); // serve until a signal
    return 0;
  };
}
