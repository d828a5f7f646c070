import { Router } from 'express';
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
      const checks: Record<string, string> = {};
      try {
        await runtime.store.db.query('SELECT 1');
        checks.store = 'ok';
      } catch (error) {
        checks.store = (error as Error).message;
      }
      try {
        checks.redis = (await runtime.redis.ping()) === 'PONG' ? 'ok' : 'no PONG';
      } catch (error) {
        checks.redis = (error as Error).message;
      }
      const ready = Object.values(checks).every((value) => value === 'ok');
      res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
    });

    router.get('/metrics', async (_req, res) => {
      res.type(runtime.metrics.registry.contentType).send(await runtime.metrics.registry.metrics());
    });
    return router;
  },
};
