import type { Server } from 'node:http';
import { createWebApp, type WebDeps } from '../web/web-app';
import { configureInstallables } from './oauth-flow';
import { startWorkers, type StallSettings, type WorkerSet } from '../worker/worker';
import type { Runtime } from './runtime';

export interface Serving {
  server: Server | null;
  workers: WorkerSet | null;
  url: string | null;
  stop(): Promise<void>;
}

/** Starts the web server and/or the workers on a runtime; `stop` is the graceful shutdown. */
export interface WebOptions {
  /** Where the OAuth apps' variables are read (default process.env). */
  installEnv?: Readonly<Record<string, string | undefined>>;
  /** Overrides PUBLIC_URL (tests); default PUBLIC_URL, else the address the server listens on. */
  publicUrl?: string;
  rateLimits?: WebDeps['rateLimits'];
}

export async function serve(runtime: Runtime, roles: { web: boolean; worker: boolean; port: number; stall?: StallSettings; webOptions?: WebOptions }): Promise<Serving> {
  const workers = roles.worker ? startWorkers(runtime.redis, runtime.prefix, runtime.deps, runtime.metrics, runtime.limiter, roles.stall) : null;
  let server: Server | null = null;
  let url: string | null = null;
  let purge: NodeJS.Timeout | null = null;
  if (roles.web) {
    const options = roles.webOptions ?? {};
    const installables = configureInstallables(runtime.deps.connectors, options.installEnv ?? process.env);
    // the callback URL is fixed before listening only when configured; else it is the listening address
    const deps: WebDeps = {
      runtime,
      installables,
      publicUrl: options.publicUrl ?? runtime.env.PUBLIC_URL ?? '',
      secureCookies: runtime.env.NODE_ENV === 'production',
      clock: Date.now,
      ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    };
    const app = createWebApp(deps);
    server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(roles.port, '127.0.0.1', () => resolve(listening));
      listening.once('error', reject);
    });
    const address = server.address();
    url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : null;
    // expired sessions and abandoned OAuth states are refused already; this only keeps the tables small
    purge = setInterval(() => {
      runtime.store.sessions.purgeExpired(new Date()).catch((error: unknown) => runtime.logger.warn('purging expired sessions failed', { error: (error as Error).message }));
    }, 15 * 60_000);
    purge.unref();
    if (!deps.publicUrl) {
      deps.publicUrl = url ?? '';
      if (installables.size > 0 && runtime.env.NODE_ENV === 'production') {
        runtime.logger.warn('PUBLIC_URL is not set: OAuth callbacks point at the listening address, which a CRM cannot reach from outside', { url });
      }
    }
  }
  return {
    server,
    workers,
    url,
    async stop() {
      // stop taking work, let active jobs finish, then close connections
      if (purge) clearInterval(purge);
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
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
