/** What every route handler may use: the portal, the clock, the fault switches and the counters. */
import type { SandboxClock } from '../kit/clock';
import type { Prng } from '../kit/prng';
import type { Faults } from './faults';
import type { RateLimiter } from './rate-limit';
import type { SandboxStats } from './stats';
import type { PortalStore } from './store';

export interface SandboxContext {
  store: PortalStore;
  clock: SandboxClock;
  faults: Faults;
  limiter: RateLimiter;
  stats: SandboxStats;
  /** Seeded generator for correlation ids and other per-request randomness. */
  prng: Prng;
  tokens: ReadonlySet<string>;
}

/** Timestamps HubSpot puts on batch responses. */
export function batchTimes(ctx: SandboxContext, startedAt: number): { startedAt: string; completedAt: string } {
  return { startedAt: new Date(startedAt).toISOString(), completedAt: new Date(ctx.clock.now()).toISOString() };
}
