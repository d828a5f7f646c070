/**
 * The sandbox's own control API under `/__sandbox/` (no auth, no limits, not counted): the kit's
 * stats, fault switches, clock and seed description (../../kit/admin.ts), and Salesforce's API limits,
 * tokens, authorization codes, the connected app and the authorize page's session, and field access.
 * All of it is also reachable from code through the handle `startSalesforceSandbox()` returns.
 */
import { Router } from 'express';
import { badBody, commonAdminRouter } from '../../kit/admin';
import type { SandboxContext } from '../context';
import { USERS } from '../seed-catalog';
import type { PicklistSpec, ValidationRuleSpec } from '../org-rules';

export function adminRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.use(commonAdminRouter(ctx));

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
    if (problems.length > 0) return badBody(res, problems);
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
    const body = (req.body ?? {}) as { redirectUri?: unknown; codeChallenge?: unknown; userId?: unknown };
    if (body.userId !== undefined && !USERS.some((u) => u.id === body.userId && u.isActive)) return badBody(res, ['userId must be an active user']);
    res.json({
      code: ctx.auth.issueAuthorizationCode({
        ...(typeof body.redirectUri === 'string' ? { redirectUri: body.redirectUri } : {}),
        ...(typeof body.codeChallenge === 'string' ? { codeChallenge: body.codeChallenge } : {}),
        ...(typeof body.userId === 'string' ? { userId: body.userId } : {}),
      }),
    });
  });
  // the connected app, and who the authorize page's browser is logged in as
  const oauthView = () => {
    const { clientId, clientSecret, callbackUrls, scopes, accessTokenTtlMs, codeTtlMs, maxGrantsPerUser, rotateRefreshTokens } = ctx.auth.options;
    return {
      app: { name: ctx.settings.appName, clientId, clientSecret, callbackUrls, scopes, accessTokenTtlMs, codeTtlMs, maxGrantsPerUser, rotateRefreshTokens },
      session: ctx.oauthSession.userId,
      users: USERS.filter((u) => u.isActive).map((u) => ({ id: u.id, username: u.username, email: u.email })),
    };
  };
  router.get('/__sandbox/oauth', (_req, res) => {
    res.json(oauthView());
  });
  router.post('/__sandbox/oauth/session', (req, res) => {
    const userId = (req.body as { userId?: unknown } | undefined)?.userId;
    if (userId !== null && !USERS.some((u) => u.id === userId && u.isActive)) return badBody(res, ['userId must be an active user id or null']);
    ctx.oauthSession.userId = userId as string | null;
    res.json(oauthView());
  });

  router.post('/__sandbox/field-access', (req, res) => {
    const fullName = (req.body as { fullName?: unknown } | undefined)?.fullName;
    res.json({ granted: ctx.grantFieldAccess(typeof fullName === 'string' ? fullName : undefined) });
  });
  router.post('/__sandbox/field-access/revoke', (req, res) => {
    const fullName = (req.body as { fullName?: unknown } | undefined)?.fullName;
    if (typeof fullName !== 'string' || !fullName.includes('.')) return badBody(res, ['fullName must name one field, e.g. "Lead.Leadstage_Score__c"']);
    res.json({ revoked: ctx.revokeFieldAccess(fullName) });
  });

  router.get('/__sandbox/validation-rules', (_req, res) => {
    res.json({ rules: ctx.rules.validationRules() });
  });
  router.post('/__sandbox/validation-rules', (req, res) => {
    try {
      res.status(201).json(ctx.rules.addValidationRule(req.body as ValidationRuleSpec));
    } catch (error) {
      badBody(res, [(error as Error).message]);
    }
  });
  router.delete('/__sandbox/validation-rules', (_req, res) => {
    ctx.rules.clearValidationRules();
    res.status(204).end();
  });
  router.post('/__sandbox/activities/archive', (req, res) => {
    const body = (req.body ?? {}) as { ids?: unknown; olderThanDays?: unknown };
    const ids = Array.isArray(body.ids) ? body.ids.map(String) : undefined;
    const olderThanDays = typeof body.olderThanDays === 'number' ? body.olderThanDays : undefined;
    if (ids === undefined && olderThanDays === undefined) return badBody(res, ['give ids or olderThanDays']);
    res.json({ archived: ctx.archiveActivities({ ...(ids ? { ids } : {}), ...(olderThanDays !== undefined ? { olderThanDays } : {}) }) });
  });
  router.post('/__sandbox/picklists', (req, res) => {
    try {
      ctx.rules.setPicklist(req.body as PicklistSpec);
      res.status(204).end();
    } catch (error) {
      badBody(res, [(error as Error).message]);
    }
  });

  return router;
}
