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

/** One API budget per installation, shared by every process that holds a limiter on the same Redis and prefix. */
export interface RateLimiter {
  /**
   * Waits until one request of `kind` is allowed for the installation, records it, and resolves with
   * the grant time (epoch ms on the limiter's clock). Rejects with DailyQuotaExhaustedError when the
   * day's budget is spent or the installation is paused for the day.
   */
  acquire(installationId: string, policy: RatePolicy, kind: RequestKind): Promise<number>;
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
