/**
 * The sandbox's own control API under `/__sandbox/` (no auth, no limits, not counted in stats) that
 * every sandbox has: stats, fault switches, the clock and the seed description. Each vendor's
 * routes/admin.ts mounts it and adds its own (HubSpot's rate limits; Salesforce's API limits, tokens,
 * authorization codes and field access). All of it is also reachable from code through the handle
 * the vendor's start function returns.
 */
import { Router, type Response } from 'express';
import type { SandboxClock } from './clock';
import type { CommonFaultSettings, FaultSwitches } from './faults';

/** What the common admin routes reach. */
export interface AdminTarget {
  stats: { snapshot(): unknown; reset(): void };
  faults: Pick<FaultSwitches<CommonFaultSettings>, 'settings' | 'check' | 'set' | 'reset'>;
  clock: SandboxClock;
  describeSeed(): unknown;
}

/** 400 with the problems of an admin request's body. */
export function badBody(res: Response, problems: string[]): void {
  res.status(400).json({ error: { code: 'invalid_body', errors: problems } });
}

export function commonAdminRouter(target: AdminTarget): Router {
  const router = Router();
  const { stats, faults, clock } = target;

  router.get('/__sandbox/stats', (_req, res) => {
    res.json(stats.snapshot());
  });
  router.post('/__sandbox/stats/reset', (_req, res) => {
    stats.reset();
    res.status(204).end();
  });

  router.get('/__sandbox/faults', (_req, res) => {
    res.json(faults.settings);
  });
  router.post('/__sandbox/faults', (req, res) => {
    const problems = faults.check(req.body);
    if (problems.length > 0) return badBody(res, problems);
    res.json(faults.set(req.body as Partial<CommonFaultSettings>));
  });
  router.delete('/__sandbox/faults', (_req, res) => {
    faults.reset();
    res.json(faults.settings);
  });

  const clockView = () => {
    const now = clock.now();
    return { now: new Date(now).toISOString(), epochMs: now, mode: clock.mode };
  };
  router.get('/__sandbox/clock', (_req, res) => {
    res.json(clockView());
  });
  router.post('/__sandbox/clock', (req, res) => {
    const body = (req.body ?? {}) as { now?: unknown; advanceMs?: unknown };
    if (body.now !== undefined) {
      const ms = typeof body.now === 'number' ? body.now : Date.parse(String(body.now));
      if (Number.isNaN(ms)) return badBody(res, ['now must be an ISO 8601 date-time or epoch milliseconds']);
      clock.set(ms);
    } else if (typeof body.advanceMs === 'number' && Number.isFinite(body.advanceMs)) {
      clock.advance(body.advanceMs);
    } else {
      return badBody(res, ['send {"now": "2026-11-28T09:00:00Z"} or {"advanceMs": 3600000}']);
    }
    res.json(clockView());
  });

  router.get('/__sandbox/seed', (_req, res) => {
    res.json(target.describeSeed());
  });

  return router;
}
