import { ensureInstallations } from '../../app/bootstrap';
import { createRuntime } from '../../app/runtime';
import { serve, stopOnSignals } from '../../app/serve';
import { startFirstSync } from '../../app/first-sync';
import { scheduleDecayRescore, scheduleIncrementalSync, scheduleRetention } from '../../queue/schedules';
import { connectorRegistry } from '../../../connectors/registry';
import { ConfigError, loadEnv } from '../../config/env';
import { registerSecret } from '../../log/redact';
import type { CommandIo } from './command';

const SYNC_EVERY_MS = 5 * 60_000;

/**
 * `leadstage web`, `leadstage worker`, `leadstage start` (both): separate entry points so web and
 * workers scale apart. In self-hosted single-account mode (a connector's variables set, e.g. a
 * private-app token), the worker side also registers that account, starts its first sync and
 * schedules the incremental one.
 */
export function serveCommand(roles: { web: boolean; worker: boolean }) {
  return async (_args: string[], io: CommandIo): Promise<number> => {
    const env = loadEnv();
    registerSecret(env.LEADSTAGE_SECRET_KEY);
    const fromEnvironment = environmentInstallations(process.env);
    const runtime = await createRuntime({ env });
    const serving = await serve(runtime, { ...roles, port: env.PORT });
    if (serving.url) io.out(`web: ${serving.url} (/healthz, /readyz, /metrics)`);
    if (roles.worker) io.out('worker: processing sync, score, writeback, tasks and retention');

    for (const { module, found } of roles.worker ? fromEnvironment : []) {
      const [installation] = await ensureInstallations(
        runtime.store, runtime.box, 'Default workspace', env.RULEBOOK_PATH,
        [{ provider: module.provider, externalAccountId: found.externalAccountId, displayName: found.displayName, credentials: found.credentials }],
        runtime.deps.connectors,
      );
      if (found.ratePolicy) runtime.setRatePolicy(installation!.id, found.ratePolicy);
      const connector = await runtime.deps.connectorFor(installation!);
      await startFirstSync(runtime, installation!);
      await scheduleIncrementalSync(
        runtime.queues.sync,
        { workspaceId: installation!.workspaceId, installationId: installation!.id, stream: connector.streams[0]!, then: connector.streams.slice(1) },
        SYNC_EVERY_MS,
      );
      await scheduleDecayRescore(runtime.queues.score, installation!.workspaceId);
      await scheduleRetention(runtime.queues.retention, installation!.workspaceId);
      io.out(`${module.provider}: first sync started; incremental sync every ${SYNC_EVERY_MS / 60_000} minutes; decayed scores rescored nightly at 00:05 UTC; retention at 03:30 UTC`);
    }
    stopOnSignals(serving.stop, (line) => io.err(line));
    await new Promise(() => undefined); // serve until a signal
    return 0;
  };
}

/** Each connector's single-account variables, checked before anything starts (a bad one is a ConfigError). */
function environmentInstallations(source: NodeJS.ProcessEnv) {
  const problems: string[] = [];
  const found = connectorRegistry.modules.flatMap((module) => {
    try {
      const installation = module.fromEnvironment?.(source) ?? null;
      if (!installation) return [];
      for (const secret of installation.secrets) registerSecret(secret);
      return [{ module, found: installation }];
    } catch (error) {
      problems.push((error as Error).message);
      return [];
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return found;
}
