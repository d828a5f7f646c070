import type { RatePolicy } from '../../src/rate-limit/rate-policy';

/**
 * HubSpot's published limits (shared/reference/hubspot-api.md §1.10, usage guidelines).
 * The daily budget resets at midnight in the account's timezone; these policies count to midnight UTC.
 * For an account elsewhere, spread one and set `dailyResetsAt: (now) => nextMidnight(now, 'Europe/Berlin')`.
 */
const SEARCH = { max: 5, windowMs: 1_000 } as const;

export const HUBSPOT_POLICIES = {
  /**
   * Public OAuth app: 110 per 10 s per installing account, search excluded. The daily
   * budget belongs to the account's tier, which a public app does not know (and HubSpot sends no
   * Daily headers to OAuth calls), so it is not counted here: a DAILY 429 pauses the installation.
   */
  publicApp: { standard: { max: 110, windowMs: 10_000 }, search: SEARCH, daily: null },
  /** Private apps: the 10 s figure is per app; the daily budget is per account, shared by all its apps. */
  privateStarter: { standard: { max: 100, windowMs: 10_000 }, search: SEARCH, daily: 250_000 },
  privatePro: { standard: { max: 190, windowMs: 10_000 }, search: SEARCH, daily: 625_000 },
  privateEnterprise: { standard: { max: 190, windowMs: 10_000 }, search: SEARCH, daily: 1_000_000 },
  /**
   * With the API Limit Increase add-on (private apps only): 250 per 10 s. The day gains 1M per add-on
   * (at most 2) on top of the tier's budget, which only the account's owner knows: set `daily` to it.
   */
  privateWithAddOn: { standard: { max: 250, windowMs: 10_000 }, search: SEARCH, daily: null },
} as const satisfies Record<string, RatePolicy>;

export type HubSpotPolicyName = keyof typeof HUBSPOT_POLICIES;

/**
 * The policy of each way in: an OAuth install is the public app (`publicApp`, chosen by the install
 * flow); a private app's token is one of these, by the account's tier (chosen by configuration).
 * There is no default: an installation without a policy is refused rather than paced by a guess.
 */
export const PUBLIC_APP_POLICY: HubSpotPolicyName = 'publicApp';
export const PRIVATE_APP_POLICIES: readonly HubSpotPolicyName[] = ['privateStarter', 'privatePro', 'privateEnterprise', 'privateWithAddOn'];
