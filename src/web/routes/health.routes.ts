import { Router } from 'express';
import { checkDependencies } from '../health';
import type { RouteGroup } from './route-group';

/** Liveness, readiness (the store and Redis answer) and Prometheus metrics: public, for probes. */
export const healthRoutes: RouteGroup = {
  name: 'health',
  access: 'public',
  router({ runtime }) {
    const router = Router();
    router.get('/healthz', (_req, res) => {
      res.json({ status: 'ok' });
    });

    router.get('/readyz', async (_req, res) => {
      const { ok, checks } = await checkDependencies({ store: runtime.store, redis: runtime.redis });
      res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks });
    });

    router.get('/metrics', async (_req, res) => {
      res.type(runtime.metrics.registry.contentType).send(await runtime.metrics.registry.metrics());
    });
    return router;
  },
};
