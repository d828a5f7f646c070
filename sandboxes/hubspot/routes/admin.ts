/**
 * The sandbox's own control API under `/__sandbox/` (no auth, no rate limits, not counted in stats):
 * the kit's stats, fault switches, clock and seed description (../../kit/admin.ts), and HubSpot's
 * rate-limit settings, the public app (install, uninstall), its webhook settings and deliveries, and
 * contact changes as a CRM user makes them, and form submissions as visitors make them. Everything here is also reachable from code through the
 * handle `startHubSpotSandbox()` returns.
 */
import { Router } from 'express';
import { badBody, commonAdminRouter } from '../../kit/admin';
import { applyContactChanges, ChangeRejected, type ContactChangeRequest } from '../contact-changes';
import type { SandboxContext } from '../context';
import { FormSubmissionRejected, submitForm, type FormSubmissionRequest } from '../form-submissions';
import { PORTAL_NAME, PORTAL_USERS } from '../oauth';
import type { RateLimitOptions } from '../rate-limit';
import { describeSeed } from '../seed';
import { fullStats, resetAllStats } from '../stats';
import { checkWebhookSettings, type WebhookSettings } from '../webhooks';

export function adminRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.use(commonAdminRouter({
    ...ctx,
    stats: { snapshot: () => fullStats(ctx), reset: () => resetAllStats(ctx) },
    describeSeed: () => describeSeed(ctx.store.seed.options),
  }));

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

  // the public app
  router.get('/__sandbox/oauth', (_req, res) => {
    const app = ctx.oauth.app;
    res.json({
      app: { ...app }, portal: { hubId: ctx.oauth.hubId, name: PORTAL_NAME }, users: PORTAL_USERS,
      installed: ctx.oauth.installed, liveGrants: ctx.oauth.liveGrants(),
    });
  });
  router.post('/__sandbox/oauth/install', (req, res) => {
    const { userId, optionalScopes } = (req.body ?? {}) as { userId?: unknown; optionalScopes?: unknown };
    const problems: string[] = [];
    if (userId !== undefined && !PORTAL_USERS.some((u) => u.id === userId)) problems.push(`userId must be one of ${PORTAL_USERS.map((u) => u.id).join(', ')}`);
    const optional = optionalScopes === undefined ? [] : optionalScopes;
    if (!Array.isArray(optional) || optional.some((s) => !ctx.oauth.app.optionalScopes.includes(String(s)))) {
      problems.push(`optionalScopes must be a subset of ${ctx.oauth.app.optionalScopes.join(', ')}`);
    }
    if (problems.length > 0) return badBody(res, problems);
    res.json(ctx.oauth.install(userId as number | undefined, (optional as unknown[]).map(String)));
  });
  router.post('/__sandbox/uninstall', (_req, res) => {
    const { wasInstalled, grantsRevoked } = ctx.oauth.uninstall();
    res.json({ uninstalled: wasInstalled, grantsRevoked, appUninstallWebhook: false });
  });

  // webhooks
  const webhooksView = () => ({ settings: ctx.webhooks.settings ?? null, stats: ctx.webhooks.stats() });
  router.get('/__sandbox/webhooks', (_req, res) => {
    res.json(webhooksView());
  });
  router.post('/__sandbox/webhooks', (req, res) => {
    const problems = checkWebhookSettings(req.body, false);
    if (problems.length > 0) return badBody(res, problems);
    ctx.webhooks.configure(req.body as WebhookSettings);
    res.json(webhooksView());
  });
  router.patch('/__sandbox/webhooks', (req, res) => {
    const problems = checkWebhookSettings(req.body, ctx.webhooks.settings !== undefined);
    if (problems.length > 0) return badBody(res, problems);
    ctx.webhooks.configure(req.body as Partial<WebhookSettings>, true);
    res.json(webhooksView());
  });
  router.delete('/__sandbox/webhooks', (_req, res) => {
    ctx.webhooks.clear();
    res.json(webhooksView());
  });
  router.get('/__sandbox/webhooks/deliveries', (_req, res) => {
    res.json({ deliveries: ctx.webhooks.deliveries() });
  });

  // what a CRM user does to contacts
  router.post('/__sandbox/contacts/change', (req, res) => {
    try {
      res.json(applyContactChanges(ctx, (req.body ?? {}) as ContactChangeRequest));
    } catch (error) {
      if (error instanceof ChangeRejected) return badBody(res, error.problems);
      throw error;
    }
  });

  // a visitor submitting a form
  router.post('/__sandbox/forms/:formId/submissions', (req, res) => {
    try {
      res.json(submitForm(ctx, { ...((req.body ?? {}) as Omit<FormSubmissionRequest, 'formId'>), formId: req.params.formId }));
    } catch (error) {
      if (error instanceof FormSubmissionRejected) return badBody(res, error.problems);
      throw error;
    }
  });

  return router;
}
