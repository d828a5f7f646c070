import { createServer, type Server } from 'node:http';
import { createWebApp, type WebDeps } from '../web/web-app';
import { createWorkerHealthServer } from '../web/health';
import { startWorkers, type StallSettings, type WorkerSet } from '../worker/worker';
import type { InfraRetry } from '../worker/infra-retry';
import { checkEvictionPolicy, inspectWork, startReconciler, type Reconciler } from './self-heal';
import type { Runtime } from './runtime';
import { configureInstallables } from './oauth-flow';
import { webhookRouteDeps } from './webhooks';

export interface Serving {
  server: Server | null;
  workers: WorkerSet | null;
  /** Where the web server answers (wildcard binds shown as 127.0.0.1), or null without the web role. */
  url: string | null;
  /** The worker role's /healthz and /metrics, or null when it serves none. */
  healthUrl: string | null;
  /** The worker role's reconcile timer, or null without the worker role. */
  reconciler: Reconciler | null;
  stop(): Promise<void>;
}

export interface ServeOptions {
  web: boolean;
  worker: boolean;
  /** The web server's port (PORT); 0 picks a free one. */
  port: number;
  /** The address both servers bind (HOST); default 127.0.0.1, only this machine. */
  host?: string;
  /** The worker role's health server (WORKER_HEALTH_PORT; 0 picks a free one); none when unset or when the web role runs in the same process. */
  workerHealthPort?: number;
  stall?: StallSettings;
  /** The worker's reconcile timer (default RECONCILE_EVERY_MS); tests shorten it. */
  reconcileEveryMs?: number;
  /**
   * What a Redis whose maxmemory-policy is not noeviction does to start-up: `warn` (default; one
   * clear error line, then serve) or `refuse` (throw).
   */
  evictionPolicy?: 'warn' | 'refuse';
  /** Infrastructure retry budget of the workers (run-job.ts); tests shorten it. */
  infraRetry?: InfraRetry;
  /** The variables connectors read for their OAuth apps and webhooks (default process.env). */
  environment?: Readonly<Record<string, string | undefined>>;
  webOptions?: WebOptions;
}

export interface WebOptions {
  /** Where the OAuth apps' variables are read (default: `environment`). */
  installEnv?: Readonly<Record<string, string | undefined>>;
  /** Overrides PUBLIC_URL (tests); default PUBLIC_URL, else the address the server listens on. */
  publicUrl?: string;
  rateLimits?: WebDeps['rateLimits'];
}

/**
 * A server could not listen: the port is taken or privileged, or HOST is not an address of this
 * machine. One line naming the variable to change.
 */
export class ListenError extends Error {
  constructor(variable: string, host: string, port: number, error: NodeJS.ErrnoException) {
    super(ListenError.explain(variable, host, port, error));
    this.name = 'ListenError';
  }

  private static explain(variable: string, host: string, port: number, error: NodeJS.ErrnoException): string {
    switch (error.code) {
      case 'EADDRINUSE':
        return `port ${port} is in use; set ${variable} to a free port, or stop what listens on ${port}`;
      case 'EACCES':
        return `port ${port} needs privileges this user does not have; set ${variable} to 1024 or above`;
      case 'EADDRNOTAVAIL':
        return `HOST ${host} is not an address of this machine; set HOST to one of its addresses, 0.0.0.0 (all) or 127.0.0.1 (this machine only)`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `HOST ${host} cannot be resolved; set HOST to an address of this machine, 0.0.0.0 (all) or 127.0.0.1 (this machine only)`;
      default:
        return `cannot listen on ${host}:${port} (${error.message}); check HOST and ${variable}`;
    }
  }
}

/** The worker was told to refuse a Redis that may evict queue keys. */
export class RedisEvictionError extends Error {
  constructor() {
    super('Redis maxmemory-policy is not "noeviction": it may delete queued jobs under memory pressure; set it to noeviction (docs/operations.md, Redis)');
    this.name = 'RedisEvictionError';
  }
}

function listen(server: Server, host: string, port: number, variable: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(new ListenError(variable, host, port, error));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      resolve(`http://${shown}:${bound}`);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Starts the web server and/or the workers on a runtime; `stop` is the graceful shutdown. Servers
 * listen before the workers take jobs, so a port that is taken fails start-up (ListenError) with
 * nothing left running.
 */
export async function serve(runtime: Runtime, roles: ServeOptions): Promise<Serving> {
  const host = roles.host ?? '127.0.0.1';
  let workers: WorkerSet | null = null;
  const opened: Server[] = [];
  if (roles.worker && runtime.inProcess) throw new Error('an in-process runtime runs its jobs with runtime.inProcess.drain(), not BullMQ workers');
  let server: Server | null = null;
  let url: string | null = null;
  let healthUrl: string | null = null;
  let purge: NodeJS.Timeout | null = null;
  try {
    if (roles.web) {
      const environment = roles.environment ?? process.env;
      const options = roles.webOptions ?? {};
      const installables = configureInstallables(runtime.deps.connectors, options.installEnv ?? environment);
      const deps: WebDeps = {
        runtime,
        installables,
        // the callback URL is fixed before listening only when configured; else it is the listening address
        publicUrl: options.publicUrl ?? runtime.env.PUBLIC_URL ?? '',
        secureCookies: runtime.env.NODE_ENV === 'production',
        clock: Date.now,
        webhooks: webhookRouteDeps(runtime, environment),
        ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
      };
      server = createServer(createWebApp(deps));
      url = await listen(server, host, roles.port, 'PORT');
      opened.push(server);
      if (!deps.publicUrl) {
        deps.publicUrl = url;
        if (installables.size > 0 && runtime.env.NODE_ENV === 'production') {
          runtime.logger.warn('PUBLIC_URL is not set: OAuth callbacks point at the listening address, which a CRM cannot reach from outside', { url });
        }
      }
      // expired sessions and abandoned OAuth states are refused already; this only keeps the tables small
      purge = setInterval(() => {
        runtime.store.sessions.purgeExpired(new Date()).catch((error: unknown) => runtime.logger.warn('purging expired sessions failed', { error: (error as Error).message }));
      }, 15 * 60_000);
      purge.unref();
    }
    if (roles.worker && !roles.web && roles.workerHealthPort !== undefined) {
      const health = createWorkerHealthServer({
        store: runtime.store,
        redis: runtime.redis,
        metrics: runtime.metrics,
        workersRunning: () => workers !== null && workers.workers.every((worker) => worker.isRunning()),
        work: () => inspectWork(runtime, runtime.heal),
      });
      healthUrl = await listen(health, host, roles.workerHealthPort, 'WORKER_HEALTH_PORT');
      opened.push(health);
    }
  } catch (error) {
    if (purge) clearInterval(purge);
    await Promise.all(opened.map(close));
    throw error;
  }
  let reconciler: Reconciler | null = null;
  if (roles.worker) {
    if ((await checkEvictionPolicy(runtime.redis, runtime.logger)) === 'evicting' && roles.evictionPolicy === 'refuse') {
      await Promise.all(opened.map(close));
      throw new RedisEvictionError();
    }
    workers = startWorkers(runtime.redis, runtime.prefix, runtime.deps, runtime.metrics, runtime.limiter, roles.stall, roles.infraRetry);
    // on every start and on this process's own timer: Redis may have lost schedulers and jobs
    reconciler = startReconciler(runtime, { ...runtime.heal, ...(roles.reconcileEveryMs ? { everyMs: roles.reconcileEveryMs } : {}) });
  }
  return {
    server,
    workers,
    url,
    healthUrl,
    reconciler,
    async stop() {
      // stop taking work, let active jobs finish, then close connections
      reconciler?.stop();
      if (purge) clearInterval(purge);
      await Promise.all(opened.map(close));
      if (workers) await workers.close();
      await runtime.close();
    },
  };
}

/** SIGTERM/SIGINT → graceful stop, once; a second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>, log: (message: string) => void): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log(`${signal}: finishing active jobs, then stopping`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
