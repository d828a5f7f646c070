/** What every route handler may use: the portal, the clock, the fault switches, the app's OAuth and webhooks, the counters. */
import type { SandboxClock } from '../kit/clock';
import type { Prng } from '../kit/prng';
import type { Faults } from './faults';
import type { HubSpotOAuth } from './oauth';
import type { RateLimiter } from './rate-limit';
import type { SandboxStats } from './stats';
import type { PortalStore } from './store';
import type { WebhookDispatcher } from './webhooks';

export interface SandboxContext {
  store: PortalStore;
  clock: SandboxClock;
  faults: Faults;
  limiter: RateLimiter;
  stats: SandboxStats;
  /** Seeded generator for correlation ids and other per-request randomness. */
  prng: Prng;
  /** Private-app tokens (the `token` option). */
  tokens: ReadonlySet<string>;
  /** The public app: consent, codes, grants, OAuth access tokens. */
  oauth: HubSpotOAuth;
  webhooks: WebhookDispatcher;
  /** The id a private app's writes carry as `sourceId` in webhook events. */
  privateAppId: number;
  /** How association reads type `toObjectId` (HubSpotSandboxOptions.associationIdType). */
  associationIdType: 'string' | 'number';
}

/** Who is calling: a private-app token, or an OAuth access token of the public app. */
export type Caller =
  | { kind: 'private'; token: string }
  | { kind: 'oauth'; token: string; userId: number; scopes: readonly string[] };

/** The authenticated caller of a request (set by the auth middleware). */
export function callerOf(locals: Record<string, unknown>): Caller {
  return locals.caller as Caller;
}

/** Timestamps HubSpot puts on batch responses. */
export function batchTimes(ctx: SandboxContext, startedAt: number): { startedAt: string; completedAt: string } {
  return { startedAt: new Date(startedAt).toISOString(), completedAt: new Date(ctx.clock.now()).toISOString() };
}
