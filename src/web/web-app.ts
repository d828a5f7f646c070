import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import type { Metrics } from '../metrics/metrics';
import type { Store } from '../store';
import { checkDependencies } from './health';
import { webhookRoutes, type WebhookRouteDeps } from './routes/webhooks.route';

export interface WebDeps {
  store: Store;
  redis: Redis;
  metrics: Metrics;
  /** Inbound CRM webhooks (`POST /webhooks/:provider`); without it the route is not served. */
  webhooks?: WebhookRouteDeps;
}

/**
 * The HTTP side: liveness, readiness (the store and Redis answer) and Prometheus metrics. Routes are
 * listed here, in one place.
 */
export function createWebApp(deps: WebDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(helmet());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const { ok, checks } = await checkDependencies(deps);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  if (deps.webhooks) app.use(webhookRoutes(deps.webhooks));

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such route' } });
  });
  return app;
}
