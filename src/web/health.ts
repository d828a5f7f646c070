import { createServer, type Server } from 'node:http';
import type { Redis } from 'ioredis';
import type { Metrics } from '../metrics/metrics';
import type { Store } from '../store';
import type { WorkReport } from '../app/self-heal';

export interface HealthDeps {
  store: Store;
  redis: Redis;
}

export interface DependencyChecks {
  ok: boolean;
  /** `ok`, or a fixed word saying why not (`unavailable`, `timeout`, `missing`, `stuck`, `stalled`). */
  checks: Record<string, string>;
}

/** How long a check may take: a dependency that does not answer in time is not healthy. */
const CHECK_TIMEOUT_MS = 2_000;

async function answers(probe: () => Promise<unknown>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    // fixed words only: a probe or a terminal never sees raw error text (hosts, SQL, credentials)
    return await Promise.race([probe().then(() => 'ok', () => 'unavailable'), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether the store and Redis answer, each within a deadline (queued commands would otherwise
 * wait for a reconnect): the web server's /readyz and the worker's /healthz.
 */
export async function checkDependencies(deps: HealthDeps, extra: Record<string, () => string> = {}, timeoutMs = CHECK_TIMEOUT_MS, work?: () => Promise<WorkReport>): Promise<DependencyChecks> {
  const [store, redis] = await Promise.all([
    answers(() => deps.store.db.query('SELECT 1'), timeoutMs),
    deps.redis.status === 'ready'
      ? answers(async () => {
          if ((await deps.redis.ping()) !== 'PONG') throw new Error('no PONG');
        }, timeoutMs)
      : Promise.resolve(`connection ${deps.redis.status}`), // ioredis's own fixed status words
  ]);
  const checks: Record<string, string> = { store, redis };
  for (const [name, check] of Object.entries(extra)) checks[name] = check();
  if (work) {
    // is the work moving: schedulers present, no write stuck, no first sync without a job
    if (store === 'ok' && redis === 'ok') {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), timeoutMs);
      });
      const report = await Promise.race([work().catch(() => null), late]).finally(() => clearTimeout(timer));
      if (report) Object.assign(checks, report.checks);
      else Object.assign(checks, { schedulers: 'unavailable', writes: 'unavailable', firstSync: 'unavailable' });
    } else {
      Object.assign(checks, { schedulers: 'unavailable', writes: 'unavailable', firstSync: 'unavailable' });
    }
  }
  return { ok: Object.values(checks).every((value) => value === 'ok'), checks };
}

/**
 * The worker role serves no web pages, but an orchestrator (Docker HEALTHCHECK, a Kubernetes
 * probe) must still see whether it can work: `GET /healthz` answers 200 while its Redis and store
 * connections answer and its queue workers run, 503 otherwise; `GET /readyz` also checks that the
 * work moves (schedulers present, no write stuck, no first sync stalled), as the web server's does; `GET /metrics` is this process's
 * Prometheus metrics (job counts and durations live in the worker, not in the web process).
 */
export function createWorkerHealthServer(deps: HealthDeps & { metrics: Metrics; workersRunning: () => boolean; work?: () => Promise<WorkReport> }): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'method_not_allowed', message: 'GET only' } }));
      return;
    }
    if (path === '/healthz') {
      checkDependencies(deps, { workers: () => (deps.workersRunning() ? 'ok' : 'stopped') }).then(({ ok, checks }) => {
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : 'unhealthy', checks }));
      });
      return;
    }
    if (path === '/readyz') {
      // what the web server's /readyz says: the dependencies, and whether the work moves
      checkDependencies(deps, { workers: () => (deps.workersRunning() ? 'ok' : 'stopped') }, CHECK_TIMEOUT_MS, deps.work).then(({ ok, checks }) => {
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ready' : 'not ready', checks }));
      });
      return;
    }
    if (path === '/metrics') {
      deps.metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(text),
        (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'no such route' } }));
  });
}
