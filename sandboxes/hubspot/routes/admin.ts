/**
 * The sandbox's own control API under `/__sandbox/` (no auth, no rate limits, not counted in stats):
 * the kit's stats, fault switches, clock and seed description (../../kit/admin.ts), and HubSpot's
 * rate-limit settings. Everything here is also reachable from code through the handle
 * `startHubSpotSandbox()` returns.
 */
import { Router } from 'express';
import { badBody, commonAdminRouter } from '../../kit/admin';
import type { SandboxContext } from '../context';
import type { RateLimitOptions } from '../rate-limit';
import { describeSeed } from '../seed';

export function adminRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.use(commonAdminRouter({ ...ctx, describeSeed: () => describeSeed(ctx.store.seed.options) }));

  router.get('/__sandbox/rate-limit', (_req, res) => {
    res.json(ctx.limiter.settings);
  });
  router.post('/__sandbox/rate-limit', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const known = Object.keys(ctx.limiter.settings);
    const problems = Object.entries(body)
      .filter(([k, v]) => !known.includes(k) || typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      .map(([k]) => `${k} must be one of ${known.join(', ')} with a positive integer value`);
    if (problems.length > 0) return badBody(res, problems);
    ctx.limiter.configure(body as Partial<RateLimitOptions>);
    res.json(ctx.limiter.settings);
  });
  router.post('/__sandbox/rate-limit/reset', (_req, res) => {
    ctx.limiter.reset();
    res.status(204).end();
  });

  return router;
}
