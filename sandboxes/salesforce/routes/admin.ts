/**
 * The sandbox's own control API under `/__sandbox/` (no auth, no limits, not counted): the kit's
 * stats, fault switches, clock and seed description (../../kit/admin.ts), and Salesforce's API limits,
 * tokens, authorization codes and field access. All of it is also reachable from code through the
 * handle `startSalesforceSandbox()` returns.
 */
import { Router } from 'express';
import { badBody, commonAdminRouter } from '../../kit/admin';
import type { SandboxContext } from '../context';
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
