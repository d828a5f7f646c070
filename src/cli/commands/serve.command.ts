import { ensureInstallations } from '../../app/bootstrap';
import { createRuntime, type Runtime } from '../../app/runtime';
import { serve, stopOnSignals, type Serving } from '../../app/serve';
import { retrySetup } from '../../app/setup-retry';
import { isInfrastructureError } from '../../worker/infra-retry';
import { startFirstSync } from '../../app/first-sync';
import { scheduleDecayRescore, scheduleIncrementalSync, scheduleRetention, scheduleSlaTick } from '../../queue/schedules';
import { connectorRegistry } from '../../../connectors/registry';
import type { ConnectorModule } from '../../connector/connector-module';
import { ConfigError, loadEnv } from '../../config/env';
import { registerSecret } from '../../log/redact';
import { commandHelp, parseOptions, type CommandHelp } from '../options';
import type { CommandIo } from './command';

import { SYNC_EVERY_MS } from '../../app/self-heal';

const ENVIRONMENT = [
  '',
  'Configuration comes from the environment (docs/operations.md lists every variable): DATABASE_URL',
  '(unset: the embedded store in LEADSTAGE_DATA_DIR), REDIS_URL, HOST, PORT, WORKER_HEALTH_PORT,',
  'LEADSTAGE_SECRET_KEY, LOG_LEVEL. Stops gracefully on SIGTERM or Ctrl-C (active jobs finish).',
  '',
  '  -h, --help   this help',
];

export const SERVE_HELP: Record<'web' | 'worker' | 'start', CommandHelp> = {
  web: commandHelp(
    'usage: leadstage web',
    'The HTTP server on HOST:PORT: /healthz (alive), /readyz (the store and Redis answer), /metrics (Prometheus).',
    ...ENVIRONMENT,
  ),
  worker: commandHelp(
    'usage: leadstage worker',
    'The queue workers (sync, score, writeback, tasks), and /healthz and /metrics on HOST:WORKER_HEALTH_PORT.',
    "With a connector's single-account variables set (e.g. a private app's token), it registers that",
    'account, starts its first sync and schedules the incremental one.',
    ...ENVIRONMENT,
  ),
  start: commandHelp('usage: leadstage start', 'web and worker in one process (the web server also answers for the workers).', ...ENVIRONMENT),
};

/**
 * `leadstage web`, `leadstage worker`, `leadstage start` (both): separate entry points so web and
 * workers scale apart. In self-hosted single-account mode (a connector's variables set, e.g. a
 * private-app token), the worker side also registers that account, starts its first sync and
 * schedules the incremental one.
 */
export function serveCommand(roles: { web: boolean; worker: boolean }) {
  const help = SERVE_HELP[roles.web && roles.worker ? 'start' : roles.web ? 'web' : 'worker'];
  return async (args: string[], io: CommandIo): Promise<number> => {
    parseOptions(args, {}, help);
    const env = loadEnv();
    registerSecret(env.LEADSTAGE_SECRET_KEY);
    const fromEnvironment = environmentInstallations(process.env);
    // the signal handlers come first: SIGTERM during start-up (a setup still retrying) is a graceful stop too
    const stopping = new AbortController();
    let runtime: Runtime | null = null;
    let serving: Serving | null = null;
    const stop = once(async () => {
      stopping.abort();
      if (serving) await serving.stop();
      else await runtime?.close();
    });
    stopOnSignals(stop, (line) => io.err(line));
    runtime = await createRuntime({ env });
    try {
      serving = await serve(runtime, { ...roles, port: env.PORT, host: env.HOST, workerHealthPort: env.WORKER_HEALTH_PORT });
      if (serving.url) io.out(`web: ${serving.url} (/healthz, /readyz, /metrics, /webhooks/:provider)`);
      if (roles.worker) io.out(`worker: processing sync, score, writeback, tasks, records and retention${serving.healthUrl ? `; ${serving.healthUrl}/healthz and /metrics` : ''}`);

      for (const { module, found } of roles.worker ? fromEnvironment : []) {
        const ready = runtime;
        // a CRM answering 5xx (or the store restarting) at start-up is retried with backoff; past
        // SETUP_TIMEOUT_SECONDS, or on a refusal retrying cannot help, start-up fails with one line
        await retrySetup(
          `setting up the ${module.label} account`,
          async () => {
            const [installation] = await ensureInstallations(
              ready.store, ready.box, 'Default workspace', env.RULEBOOK_PATH,
              [{ provider: module.provider, externalAccountId: found.externalAccountId, displayName: found.displayName, credentials: found.credentials, ...(found.ratePolicy ? { ratePolicy: found.ratePolicy } : {}) }],
              ready.deps.connectors,
            );
            const connector = await ready.deps.connectorFor(installation!);
            await startFirstSync(ready, installation!);
            await scheduleIncrementalSync(
              ready.queues.sync,
              { workspaceId: installation!.workspaceId, installationId: installation!.id, stream: connector.streams[0]!, then: connector.streams.slice(1) },
              SYNC_EVERY_MS,
            );
            await scheduleDecayRescore(ready.queues.score, installation!.workspaceId, await ready.store.workspaces.getTimeZone(installation!.workspaceId));
            await scheduleRetention(ready.queues.retention, installation!.workspaceId);
            await scheduleSlaTick(ready.queues.sla, { workspaceId: installation!.workspaceId, installationId: installation!.id });
          },
          {
            budgetMs: env.SETUP_TIMEOUT_SECONDS * 1000,
            signal: stopping.signal,
            retryable: (error) => isInfrastructureError(error) || module.classifyError(error, Date.now()).retryable,
            onRetry: (error, waitMs) => ready.logger.warn(`setting up the ${module.label} account failed; retrying`, { inMs: waitMs, error: (error as Error).message }),
          },
        );
        io.out(`${module.provider}: first sync started; incremental sync every ${SYNC_EVERY_MS / 60_000} minutes; decayed scores rescored nightly at 00:05 UTC; retention at 03:30 UTC`);
      }
      if (roles.worker && fromEnvironment.length === 0) io.out(await installationsLine(runtime));
    } catch (error) {
      if (stopping.signal.aborted) return await new Promise<number>(() => undefined); // the signal handler exits
      await stop().catch(() => undefined); // nothing may keep the process alive after a failed start
      throw error;
    }
    await new Promise(() => undefined); // serve until a signal
    return 0;
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => (running ??= fn());
}

/**
 * What the worker has to work on when no account comes from the environment: the installations
 * already in the store, or, with none, how an operator connects one today.
 */
async function installationsLine(runtime: Runtime): Promise<string> {
  // every workspace's, so not a repository method: one count at start-up
  const { rows } = await runtime.store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM installations WHERE status <> 'disconnected'`);
  const connected = Number(rows[0]?.n ?? 0);
  if (connected > 0) return `worker: ${connected} installation${connected === 1 ? '' : 's'} connected`;
  return noInstallationMessage(runtime.deps.connectors.modules);
}

/** Says that nothing is connected and how to connect an account with what exists today. */
export function noInstallationMessage(modules: readonly ConnectorModule[]): string {
  const ways = modules.flatMap((module) => {
    const variables = environmentVariablesOf(module);
    return variables.length > 0 ? [`${variables[0]} for ${module.label}`] : [];
  });
  const how =
    ways.length > 0
      ? `connect one in self-hosted single-account mode: set ${ways.join(', or ')} and restart the worker (docs/operations.md)`
      : 'no connector offers a single-account mode (docs/operations.md)';
  const installable = modules.filter((module) => module.install).map((module) => module.label);
  const oauth = installable.length > 0 ? ` Or install from the CRM (${installable.join(', ')}): open /install/<system> on the web server with the system's OAuth app configured (README, Install from the CRM).` : '';
  return `worker: no installation is connected, so there is nothing to sync; ${how}.${oauth}`;
}

/**
 * The variables a connector's single-account mode reads, in the order it reads them (the first
 * switches it on), found by running its `fromEnvironment` on an empty, recording environment: the
 * connector stays the one place that knows its variables' names.
 */
export function environmentVariablesOf(module: ConnectorModule): string[] {
  if (!module.fromEnvironment) return [];
  const read: string[] = [];
  const recorder = new Proxy({} as Record<string, string | undefined>, {
    get(_target, key) {
      if (typeof key === 'string' && !read.includes(key)) read.push(key);
      return undefined;
    },
  });
  try {
    module.fromEnvironment(recorder);
  } catch {
    // an empty environment is not this connector's mode; the names read so far are what we need
  }
  return read;
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
