/**
 * The one shape every connector turns its vendor's errors into (`ConnectorModule.classifyError`).
 * The worker and the jobs act only on this: they never learn a vendor's status codes, error codes,
 * header names or policy names. Messages are already scrubbed of secrets by the connector.
 */

/** Which of the installation's budgets a refusal spent. */
export type CrmBudget =
  /** A short rolling window (requests per second or per ten seconds): clears within seconds. */
  | 'window'
  /** The day's request budget: clears at the next daily reset. */
  | 'daily'
  /** Concurrent long-running requests: clears when others finish. */
  | 'concurrency';

export interface CrmErrorClass {
  /** A fixed code for logs and metrics: the vendor's own when it sent one (`RATE_LIMIT`, `INVALID_FIELD`). */
  code: string;
  /** What went wrong, naming the endpoint; never a token. */
  message: string;
  /** Worth running again later (a 5xx, a lock, a rate limit, no response). */
  retryable: boolean;
  /** Do not call this installation again before this instant (epoch ms); null: the queue's backoff. */
  waitUntilMs: number | null;
  /** The budget a rate-limit refusal spent; null when it was not about quota. */
  budget: CrmBudget | null;
  /**
   * Every worker must stop calling this installation until `waitUntilMs` (someone else spent the
   * quota, or the day's budget is gone), not only this job.
   */
  pauseInstallation: boolean;
  /** The CRM refused our credentials for good (revoked, expired refresh token): an admin must reconnect. */
  reauthorize: boolean;
}

/**
 * What a connector says about an error it did not raise itself (a store or a programming error):
 * retryable, unless the error says `retryable: false` (unreadable credentials, no rate policy),
 * which retrying cannot mend.
 */
export function unclassifiedError(error: unknown): CrmErrorClass {
  const said = typeof error === 'object' && error !== null ? (error as { retryable?: unknown }).retryable : undefined;
  return {
    code: 'UNCLASSIFIED',
    message: error instanceof Error ? error.message : String(error),
    retryable: said !== false,
    waitUntilMs: null,
    budget: null,
    pauseInstallation: false,
    reauthorize: false,
  };
}
