import type { RatePolicy } from '../../src/rate-limit/rate-policy';

/**
 * Salesforce has no per-second or per-10-second request window (shared/reference/salesforce-api.md §1
 * "Limits and errors"): it has a rolling 24-hour request budget per org (100,000 + per-licence adds,
 * shared by every app and user of the org) and a cap on concurrent long-running requests (≥20 s:
 * 25 in production, 5 in Developer Edition), answered with REQUEST_LIMIT_EXCEEDED.
 *
 * - The window below only paces us politely (a burst of workers cannot flood an org), generous
 *   enough never to be the bottleneck of a sync: 25 requests per rolling second per installation.
 * - The daily budget is not counted here (`daily: null`): its size differs per org and other apps
 *   spend it too, so the connector reads it from Salesforce (`/limits`, then every response's
 *   Sforce-Limit-Info) and stops at 90% (`dailyHeadroom`), throwing DailyQuotaExhaustedError.
 *   REQUEST_LIMIT_EXCEEDED pauses the installation for every worker (crm-error-policy.ts).
 * - All Salesforce requests (REST and Bulk 2.0) count as `standard`; `search` is unused.
 */
const UNUSED_SEARCH = { max: 5, windowMs: 1_000 } as const;

export const SALESFORCE_POLICIES = {
  /** Production and full-copy sandbox orgs. */
  production: { standard: { max: 25, windowMs: 1_000 }, search: UNUSED_SEARCH, daily: null },
  /** Developer Edition and scratch orgs: 15,000 requests a day and 5 concurrent long requests. */
  developerEdition: { standard: { max: 5, windowMs: 1_000 }, search: UNUSED_SEARCH, daily: null },
} as const satisfies Record<string, RatePolicy>;

export type SalesforcePolicyName = keyof typeof SALESFORCE_POLICIES;

export const DEFAULT_SALESFORCE_POLICY: RatePolicy = SALESFORCE_POLICIES.production;
