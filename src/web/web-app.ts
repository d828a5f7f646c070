import express, { type ErrorRequestHandler, type Express } from 'express';
import helmet from 'helmet';
import { FlowError } from '../app/oauth-flow';
import { sendError } from './http/errors';
import { messagePage } from './http/html';
import { loadSession } from './http/session';
import { ROUTE_GROUPS } from './routes';
import { webhookRoutes } from './routes/webhooks.route';
import type { WebDeps } from './web-deps';

export type { WebDeps } from './web-deps';

/**
 * The HTTP side: health and metrics, CRM webhooks, installing from a CRM (OAuth), sign-in, the
 * console and the members' API. The route groups are listed in routes/index.ts; this file adds what every request
 * gets: security headers, the session lookup, per-IP limits on webhooks, and the error answers.
 */
export function createWebApp(deps: WebDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(helmet());
  // webhooks are public, signed and limited per IP by their own route; they need the raw body and no session
  if (deps.webhooks) app.use(webhookRoutes(deps.webhooks));
  app.use(loadSession(deps.runtime.store, deps.clock));
  for (const group of ROUTE_GROUPS) app.use(group.router(deps));

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such route' } });
  });
  app.use(errorHandler(deps));
  return app;
}

function errorHandler(deps: WebDeps): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) return;
    if (error instanceof FlowError) {
      deps.runtime.logger.info('OAuth flow refused', { code: error.code, path: req.path });
      res.status(error.status).type('html').send(messagePage(error.title, error.message));
      return;
    }
    const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
    if (status === 413) return sendError(res, 413, 'too_large', 'the request body is too large');
    if (status >= 400 && status < 500) return sendError(res, status, 'bad_request', 'the request body could not be read');
    deps.runtime.logger.error('request failed', { path: req.path, method: req.method, error: (error as Error).message });
    sendError(res, 500, 'internal', 'something went wrong; it was logged');
  };
}
