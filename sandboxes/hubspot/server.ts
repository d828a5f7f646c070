/**
 * `startHubSpotSandbox()`: an HTTP server on 127.0.0.1 that answers HubSpot's API paths with the
 * seeded portal, so the real @hubspot/api-client (with `basePath`) can run against it unchanged in the
 * demo, end-to-end tests and the sync benchmark. See README.md for the endpoint list.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import express, { type ErrorRequestHandler } from 'express';
import { createClock, parseNow, type ClockMode, type SandboxClock } from '../kit/clock';
import { listenOnLoopback } from '../kit/listen';
import { countRequests, injectLatency } from '../kit/middleware';
import { Prng } from '../kit/prng';
import type { SandboxContext } from './context';
import { HubSpotError } from './errors';
import { Faults, type FaultSettings } from './faults';
import { submitForm, type FormSubmissionRequest, type FormSubmissionResult } from './form-submissions';
import { applyContactChanges, type ContactChangeRequest, type ContactChangeResult } from './contact-changes';
import { enforceRateLimits, injectServerErrors, requireBearerToken, requireScopes } from './middleware';
import { DEFAULT_APP, HubSpotOAuth, type HubSpotAppOptions } from './oauth';
import { DEFAULT_RATE_LIMIT, RateLimiter, privateAppLimits, type PortalTier, type RateLimitOptions } from './rate-limit';
import { adminRouter } from './routes/admin';
import { associationsRouter } from './routes/associations';
import { contactsUpdateRouter } from './routes/contacts-update';
import { crmObjectsRouter } from './routes/crm-objects';
import { emailEventsRouter } from './routes/email-events';
import { formsRouter } from './routes/forms';
import { appInstallsRouter, oauthRouter } from './routes/oauth';
import { ownersRouter } from './routes/owners';
import { propertiesRouter } from './routes/properties';
import { tasksRouter } from './routes/tasks';
import { loggedEngagementsRouter } from './routes/logged-engagements';
import { webEventsRouter } from './routes/web-events';
import { DEFAULT_NOW, DEFAULT_SEED, describeSeed, type SeedDescription } from './seed';
import { fullStats, resetAllStats, SandboxStats, type StatsSnapshot } from './stats';
import { PortalStore } from './store';
import { DEFAULT_WEBHOOK_SETTINGS, WebhookDispatcher, type WebhookSettings } from './webhooks';

export const DEFAULT_TOKEN = 'sandbox-token';
/** The id a private app's writes report as `sourceId` in webhook events. */
export const DEFAULT_PRIVATE_APP_ID = 2718281;

export interface HubSpotSandboxOptions {
  /** 0 (default) picks a free port. The server listens on 127.0.0.1 only. */
  port?: number;
  seed?: number;
  /** Number of seeded contacts (default 2,000; up to 500,000). */
  contacts?: number;
  /** Accepted bearer token(s); default "sandbox-token". Rate limits are counted per token. */
  token?: string | string[];
  /** Where the seeded history ends and the clock starts (default 2026-11-27T12:00:00Z). */
  now?: string | number | Date;
  /**
   * The portal's tier (default `starter`), which sets the private-app token's limits: 100 per 10 s
   * and 250,000 a day (starter), 190 and 625,000 (professional), 190 and 1,000,000 (enterprise).
   */
  tier?: PortalTier;
  /** API Limit Increase add-ons (0–2): the private app's window becomes 250 per 10 s, +1,000,000 a day each. */
  apiLimitIncrease?: number;
  /** Overrides the tier's figures (a test shrinks them, a benchmark compresses the window). */
  rateLimit?: Partial<RateLimitOptions>;
  /** `running` (default) ticks with wall time from `now`; `frozen` moves only when set; or your own clock. */
  clock?: ClockMode | SandboxClock;
  /** Monotonic time source for rate-limit windows (default performance.now). */
  monotonic?: () => number;
  faults?: Partial<FaultSettings>;
  /** Build the engagement/deal index at start instead of on the first request that needs it. */
  warm?: boolean;
  /** The public app (OAuth): client id and secret, app id, redirect URIs, scopes, token lifetime, its rate limit. */
  app?: Partial<HubSpotAppOptions>;
  /** Webhook settings of the app (target URL, subscriptions, batching, retries); none → no webhooks. */
  webhooks?: Partial<WebhookSettings> & Pick<WebhookSettings, 'targetUrl' | 'subscriptions'>;
  /** The id of the private app that owns `token` (the `sourceId` of its writes in webhook events). */
  privateAppId?: number;
  /** Wall clock for webhook signature timestamps and delivery latencies (default Date.now). */
  wallClock?: () => number;
  /**
   * How v4 association reads type `toObjectId`: `string` (default) as the public spec types it
   * (`MultiAssociatedObjectWithLabel.toObjectId: string`), or `number` as the API has been seen to
   * answer (hubspot-api-nodejs#552). A reader must accept both.
   */
  associationIdType?: 'string' | 'number';
}

export interface HubSpotSandbox {
  url: string;
  port: number;
  token: string;
  store: PortalStore;
  clock: SandboxClock;
  faults: Faults;
  rateLimiter: RateLimiter;
  /** The public app: `oauth.app` (client id, secret, redirect URIs, scopes), `oauth.install()`, `oauth.uninstall()`, … */
  oauth: HubSpotOAuth;
  /** Webhook settings, deliveries and `webhooks.idle()` to await them. */
  webhooks: WebhookDispatcher;
  /** What a CRM user does to contacts (as `POST /__sandbox/contacts/change`). */
  changeContacts(request: ContactChangeRequest): ContactChangeResult;
  /** A visitor submits a form (as `POST /__sandbox/forms/:formId/submissions`). */
  submitForm(request: FormSubmissionRequest): FormSubmissionResult;
  stats(): StatsSnapshot;
  resetStats(): void;
  describeSeed(): SeedDescription;
  close(): Promise<void>;
}

const handleErrors = (ctx: SandboxContext): ErrorRequestHandler => (err, _req, res, _next) => {
  let error: HubSpotError;
  if (err instanceof HubSpotError) error = err;
  else if ((err as { type?: string }).type === 'entity.parse.failed') {
    error = new HubSpotError(400, { status: 'error', message: `Invalid input JSON: ${(err as Error).message}`, category: 'VALIDATION_ERROR' });
  } else if ((err as { type?: string }).type === 'entity.too.large') {
    error = new HubSpotError(413, { status: 'error', message: 'Request body too large', category: 'VALIDATION_ERROR' });
  } else {
    error = new HubSpotError(500, { status: 'error', message: `Sandbox bug: ${(err as Error).message}`, category: 'INTERNAL_ERROR' });
  }
  const { status, message, ...rest } = error.body;
  res.status(error.status).json({ status, message, correlationId: ctx.prng.uuid(), ...rest });
};

export function createSandboxApp(ctx: SandboxContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.json({ limit: '20mb' }), adminRouter(ctx));
  // OAuth (app.hubspot.com's install page, api.hubapi.com's token endpoints) needs no bearer token
  app.use(countRequests(ctx), injectLatency(ctx), oauthRouter(ctx));
  app.use(requireBearerToken(ctx), requireScopes(ctx), enforceRateLimits(ctx), injectServerErrors(ctx));
  for (const router of [
    propertiesRouter, contactsUpdateRouter, tasksRouter, loggedEngagementsRouter, crmObjectsRouter, associationsRouter, ownersRouter,
    emailEventsRouter, formsRouter, webEventsRouter, appInstallsRouter,
  ]) {
    app.use(router(ctx));
  }
  app.use((req, _res, next) => {
    next(new HubSpotError(404, { status: 'error', message: `The sandbox does not serve ${req.method} ${req.path}`, category: 'OBJECT_NOT_FOUND' }));
  });
  app.use(handleErrors(ctx));
  return app;
}

export async function startHubSpotSandbox(options: HubSpotSandboxOptions = {}): Promise<HubSpotSandbox> {
  const now = parseNow(options.now, DEFAULT_NOW);
  const seed = options.seed ?? DEFAULT_SEED;
  const clock = typeof options.clock === 'object' ? options.clock : createClock(now, options.clock ?? 'running');
  const tokens = [options.token ?? DEFAULT_TOKEN].flat();
  if (tokens.length === 0 || tokens.some((t) => t === '')) throw new Error('token must be a non-empty string');
  const store = new PortalStore({ seed, contacts: options.contacts, now });
  const faults = new Faults(Prng.for(seed, 0xfa17));
  if (options.faults) faults.set(options.faults);
  const limiter = new RateLimiter(
    { ...DEFAULT_RATE_LIMIT, ...privateAppLimits(options.tier ?? 'starter', options.apiLimitIncrease ?? 0), ...options.rateLimit },
    options.monotonic ?? (() => performance.now()),
    () => new Date(clock.now()).toISOString().slice(0, 10),
  );
  const oauth = new HubSpotOAuth({ ...DEFAULT_APP, ...options.app }, clock, Prng.for(seed, 0x0a07));
  const webhooks = new WebhookDispatcher({
    clock, prng: Prng.for(seed, 0x4eb4), wallClock: options.wallClock,
    app: () => ({ appId: oauth.app.appId, clientSecret: oauth.app.clientSecret, installed: oauth.installed }),
  });
  if (options.webhooks) webhooks.configure({ ...DEFAULT_WEBHOOK_SETTINGS, ...options.webhooks });
  // uninstalling unsubscribes the portal: queued events and retries are dropped
  oauth.onUninstall = () => webhooks.dropAll();
  const ctx: SandboxContext = {
    store, clock, faults, limiter, stats: new SandboxStats(), prng: Prng.for(seed, 0xc0de), tokens: new Set(tokens), oauth, webhooks,
    privateAppId: options.privateAppId ?? DEFAULT_PRIVATE_APP_ID,
    associationIdType: options.associationIdType ?? 'string',
  };
  if (options.warm) void store.activity;

  const listening = await listenOnLoopback(http.createServer(createSandboxApp(ctx)), options.port);
  const { url, port } = listening;
  return {
    url,
    port,
    token: tokens[0]!,
    store,
    clock,
    faults,
    rateLimiter: limiter,
    oauth,
    webhooks,
    changeContacts: (request) => applyContactChanges(ctx, request),
    submitForm: (request) => submitForm(ctx, request),
    stats: () => fullStats(ctx),
    resetStats: () => resetAllStats(ctx),
    describeSeed: () => describeSeed(store.seed.options),
    close: async () => {
      webhooks.close();
      await listening.close();
    },
  };
}
