import type { Server } from 'node:http';
import { createWebApp } from '../web/web-app';
import { startWorkers, type StallSettings, type WorkerSet } from '../worker/worker';
import type { Runtime } from './runtime';

export interface Serving {
  server: Server | null;
  workers: WorkerSet | null;
  url: string | null;
  stop(): Promise<void>;
}

/** Starts the web server and/or the workers on a runtime; `stop` is the graceful shutdown. */
export async function serve(runtime: Runtime, roles: { web: boolean; worker: boolean; port: number; stall?: StallSettings }): Promise<Serving> {
  if (roles.worker && runtime.inProcess) throw new Error('an in-process runtime runs its jobs with runtime.inProcess.drain(), not BullMQ workers');
  const workers = roles.worker ? startWorkers(runtime.redis, runtime.prefix, runtime.deps, runtime.metrics, runtime.limiter, roles.stall) : null;
  let server: Server | null = null;
  let url: string | null = null;
  if (roles.web) {
    const app = createWebApp({ store: runtime.store, redis: runtime.redis, metrics: runtime.metrics });
    server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(roles.port, '127.0.0.1', () => resolve(listening));
      listening.once('error', reject);
    });
    const address = server.address();
    url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : null;
  }
  return {
    server,
    workers,
    url,
    async stop() {
      // stop taking work, let active jobs finish, then close connections
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
