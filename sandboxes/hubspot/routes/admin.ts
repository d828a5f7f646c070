/**
 * The sandbox's own control API under `/__sandbox/` (no auth, no rate limits, not counted in stats):
 * stats, fault switches, the clock, rate-limit settings and the seed description. Everything here
 * is also reachable from code through the handle `startHubSpotSandbox()` returns.
 */
import { Router } from 'express';
import type { SandboxContext } from '../context';
import { checkFaultUpdate } from '../faults';
import type { RateLimitOptions } from '../rate-limit';
import { describeSeed } from '../seed';

function bad(res: import('express').Response, problems: string[]): void {
  res.status(400).json({ error: { code: 'invalid_body', errors: problems } });
}

export function adminRouter(ctx: SandboxContext): Router {
  const router = Router();

  router.get('/__sandbox/stats', (_req, res) => {
    res.json(ctx.stats.snapshot());
  });
  router.post('/__sandbox/stats/reset', (_req, res) => {
    ctx.stats.reset();
    res.status(204).end();
  });

  router.get('/__sandbox/faults', (_req, res) => {
    res.json(ctx.faults.settings);
  });
  router.post('/__sandbox/faults', (req, res) => {
    const problems = checkFaultUpdate(req.body);
    if (problems.length > 0) return bad(res, problems);
    res.json(ctx.faults.set(req.body as Record<string, never>));
  });
  router.delete('/__sandbox/faults', (_req, res) => {
    ctx.faults.reset();
    res.json(ctx.faults.settings);
  });

  const clockView = () => {
    const now = ctx.clock.now();
    return { now: new Date(now).toISOString(), epochMs: now, mode: ctx.clock.mode };
  };
  router.get('/__sandbox/clock', (_req, res) => {
    res.json(clockView());
  });
  router.post('/__sandbox/clock', (req, res) => {
    const body = (req.body ?? {}) as { now?: unknown; advanceMs?: unknown };
    if (body.now !== undefined) {
      const ms = typeof body.now === 'number' ? body.now : Date.parse(String(body.now));
      if (Number.isNaN(ms)) return bad(res, ['now must be an ISO 8601 date-time or epoch milliseconds']);
      ctx.clock.set(ms);
    } else if (typeof body.advanceMs === 'number' && Number.isFinite(body.advanceMs)) {
      ctx.clock.advance(body.advanceMs);
    } else {
      return bad(res, ['send {"now": "2026-11-28T09:00:00Z"} or {"advanceMs": 3600000}']);
    }
    res.json(clockView());
  });

  router.get('/__sandbox/rate-limit', (_req, res) => {
    res.json(ctx.limiter.settings);
  });
  router.post('/__sandbox/rate-limit', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const known = Object.keys(ctx.limiter.settings);
    const problems = Object.entries(body)
      .filter(([k, v]) => !known.includes(k) || typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      .map(([k]) => `${k} must be one of ${known.join(', ')} with a positive integer value`);
    if (problems.length > 0) return bad(res, problems);
    ctx.limiter.configure(body as Partial<RateLimitOptions>);
    res.json(ctx.limiter.settings);
  });
  router.post('/__sandbox/rate-limit/reset', (_req, res) => {
    ctx.limiter.reset();
    res.status(204).end();
  });

  router.get('/__sandbox/seed', (_req, res) => {
    res.json(describeSeed(ctx.store.seed.options));
  });

  return router;
}
