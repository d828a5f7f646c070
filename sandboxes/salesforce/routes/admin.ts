/**
 * The sandbox's own control API under `/__sandbox/` (no auth, no limits, not counted): stats, fault
 * switches, the clock, API limits, tokens and authorization codes, and the seed description. All of
 * it is also reachable from code through the handle `startSalesforceSandbox()` returns.
 */
import { Router, type Response } from 'express';
import type { SandboxContext } from '../context';
import { checkFaultUpdate } from '../faults';

function bad(res: Response, problems: string[]): void {
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

  const limitsView = () => ({ ...ctx.limits.settings, used: ctx.limits.api.used(), bulkQueryJobsUsed: ctx.limits.bulkQueryJobs.used() });
  router.get('/__sandbox/limits', (_req, res) => {
    res.json(limitsView());
  });
  router.post('/__sandbox/limits', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const problems: string[] = [];
    for (const [key, value] of Object.entries(body)) {
      if (key === 'dailyApiLimit' || key === 'dailyBulkQueryJobs' || key === 'maxConcurrent') {
        if (!(value === null && key === 'maxConcurrent') && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) {
          problems.push(`${key} must be a non-negative integer`);
        }
      } else if (key === 'rateLimit') {
        const r = value as { maxPerWindow?: unknown; windowMs?: unknown } | null;
        if (r !== null && (typeof r !== 'object' || typeof r.maxPerWindow !== 'number' || typeof r.windowMs !== 'number')) {
          problems.push('rateLimit must be null or {maxPerWindow, windowMs}');
        }
      } else problems.push(`unknown limit "${key}"; known: dailyApiLimit, dailyBulkQueryJobs, rateLimit, maxConcurrent`);
    }
    if (problems.length > 0) return bad(res, problems);
    const update = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, v === null ? undefined : v]));
    ctx.limits.configure(update);
    res.json(limitsView());
  });
  router.post('/__sandbox/limits/reset', (_req, res) => {
    ctx.limits.reset();
    res.status(204).end();
  });

  router.post('/__sandbox/tokens', (_req, res) => {
    res.json(ctx.auth.issueInitialTokens());
  });
  router.post('/__sandbox/tokens/expire', (_req, res) => {
    res.json({ expired: ctx.faults.expireTokens() });
  });
  router.post('/__sandbox/oauth/code', (req, res) => {
    const body = (req.body ?? {}) as { redirectUri?: unknown; codeChallenge?: unknown };
    res.json({
      code: ctx.auth.issueAuthorizationCode({
        ...(typeof body.redirectUri === 'string' ? { redirectUri: body.redirectUri } : {}),
        ...(typeof body.codeChallenge === 'string' ? { codeChallenge: body.codeChallenge } : {}),
      }),
    });
  });

  router.post('/__sandbox/field-access', (req, res) => {
    const fullName = (req.body as { fullName?: unknown } | undefined)?.fullName;
    res.json({ granted: ctx.grantFieldAccess(typeof fullName === 'string' ? fullName : undefined) });
  });

  router.get('/__sandbox/seed', (_req, res) => {
    res.json(ctx.describeSeed());
  });

  return router;
}
