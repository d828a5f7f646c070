import { Router } from 'express';
import { inspectWork, setGauges } from '../../app/self-heal';
import { checkDependencies } from '../health';
import type { RouteGroup } from './route-group';

/** Liveness, readiness (the store and Redis answer, and the work moves: schedulers, writes, first syncs) and Prometheus metrics: public, for probes. */
export const healthRoutes: RouteGroup = {
  name: 'health',
  access: 'public',
  router({ runtime }) {
    const router = Router();
    router.get('/healthz', (_req, res) => {
      res.json({ status: 'ok' });
    });

    router.get('/readyz', async (_req, res) => {
      // the work checks need the queues in Redis: an in-process runtime (tests) has none
      const work = runtime.inProcess ? undefined : () => inspectWork(runtime, runtime.heal);
      const { ok, checks } = await checkDependencies({ store: runtime.store, redis: runtime.redis }, {}, undefined, work);
      res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks });
    });

    router.get('/metrics', async (_req, res) => {
      // the queue-depth and sync-lag gauges are set on scrape (and on the worker's reconcile timer)
      if (!runtime.inProcess) await inspectWork(runtime, runtime.heal).then((report) => setGauges(runtime, report), () => undefined);
      res.type(runtime.metrics.registry.contentType).send(await runtime.metrics.registry.metrics());
    });
    return router;
  },
};
