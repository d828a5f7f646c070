import type { RatePolicy, RequestKind } from './rate-policy';

/** Why calls to an installation are paused: a rate-limit 429 we did not cause, or the CRM's DAILY 429. */
export type PauseReason = 'rate-limit' | 'daily';

export interface RateLimitStatus {
  /** Epoch ms, or null when the installation is not paused. */
  pausedUntil: number | null;
  reason: PauseReason | null;
  /** Requests granted in the current rolling window of each kind. */
  usedInWindow: Record<RequestKind, number>;
  /** Requests of both kinds granted since the policy's last daily reset. */
  usedToday: number;
}

/** A slot held while its request is in flight (`RateLimiter.lease`). */
export interface Lease {
  /** Epoch ms on the limiter's clock. */
  grantedAt: number;
  /**
   * Call once the response is in, or the request failed: the slot leaves the window one window
   * later. Never rejects; calling it again does nothing.
   */
  settle(): Promise<void>;
}

/** One API budget per installation, shared by every process that holds a limiter on the same Redis and prefix. */
export interface RateLimiter {
  /**
   * Waits until one request of `kind` is allowed for the installation, records it, and resolves with
   * the grant time (epoch ms on the limiter's clock). Rejects with DailyQuotaExhaustedError when the
   * day's budget is spent or the installation is paused for the day.
   */
  acquire(installationId: string, policy: RatePolicy, kind: RequestKind): Promise<number>;
  /**
   * Like `acquire`, but the slot counts from the response rather than the grant: the CRM counts a
   * request when it arrives, which may be well after the grant (a busy event loop, a slow network),
   * so a window counted from grants can let a window's worth arrive closer together than the CRM
   * allows. Counting until one window after the response cannot: every request the CRM still
   * counts is still counted here. Costs one window's share of the request latency.
   */
  lease(installationId: string, policy: RatePolicy, kind: RequestKind): Promise<Lease>;
  /**
   * Stops all processes from calling the installation until `untilMs` (epoch ms). A pause never
   * shortens one already in place. `daily` makes `acquire` reject instead of wait.
   */
  pause(installationId: string, untilMs: number, reason: PauseReason): Promise<void>;
  /** Lifts a pause at once (the CRM's budget was raised or freed earlier than we assumed). */
  resume(installationId: string): Promise<void>;
  /** `policy` says which day `usedToday` counts (its `dailyResetsAt`). */
  status(installationId: string, policy: RatePolicy): Promise<RateLimitStatus>;
}
