import { ensureInstallations } from '../../app/bootstrap';
import { createRuntime, type Runtime } from '../../app/runtime';
import { serve, stopOnSignals } from '../../app/serve';
import { startFirstSync } from '../../app/first-sync';
import { scheduleDecayRescore, scheduleIncrementalSync } from '../../queue/schedules';
import { connectorRegistry } from '../../../connectors/registry';
import type { ConnectorModule } from '../../connector/connector-module';
import { ConfigError, loadEnv } from '../../config/env';
import { registerSecret } from '../../log/redact';
import { commandHelp, parseOptions, type CommandHelp } from '../options';
import type { CommandIo } from './command';

const SYNC_EVERY_MS = 5 * 60_000;

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
    const runtime = await createRuntime({ env });
    let stop: () => Promise<void> = () => runtime.close();
    try {
      const serving = await serve(runtime, { ...roles, port: env.PORT, host: env.HOST, workerHealthPort: env.WORKER_HEALTH_PORT });
      stop = once(serving.stop);
      // from the first line printed on, SIGTERM is a graceful stop
      stopOnSignals(stop, (line) => io.err(line));
      if (serving.url) io.out(`web: ${serving.url} (/healthz, /readyz, /metrics, /webhooks/:provider)`);
      if (roles.worker) io.out(`worker: processing sync, score, writeback, tasks and records${serving.healthUrl ? `; ${serving.healthUrl}/healthz and /metrics` : ''}`);

      for (const { module, found } of roles.worker ? fromEnvironment : []) {
        const [installation] = await ensureInstallations(
          runtime.store, runtime.box, 'Default workspace', env.RULEBOOK_PATH,
          [{ provider: module.provider, externalAccountId: found.externalAccountId, displayName: found.displayName, credentials: found.credentials, ...(found.ratePolicy ? { ratePolicy: found.ratePolicy } : {}) }],
          runtime.deps.connectors,
        );
        const connector = await runtime.deps.connectorFor(installation!);
        await startFirstSync(runtime, installation!);
        await scheduleIncrementalSync(
          runtime.queues.sync,
          { workspaceId: installation!.workspaceId, installationId: installation!.id, stream: connector.streams[0]!, then: connector.streams.slice(1) },
          SYNC_EVERY_MS,
        );
        await scheduleDecayRescore(runtime.queues.score, installation!.workspaceId);
        io.out(`${module.provider}: first sync started; incremental sync every ${SYNC_EVERY_MS / 60_000} minutes; decayed scores rescored nightly at 00:05 UTC`);
      }
      if (roles.worker && fromEnvironment.length === 0) io.out(await installationsLine(runtime));
    } catch (error) {
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
  return `worker: no installation is connected, so there is nothing to sync; ${how}. Installing from the CRM (OAuth) is not available yet.`;
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
