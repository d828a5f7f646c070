/**
 * HubSpot's three limits, per access token (reference §1.10):
 * - a rolling window for ordinary calls (`TEN_SECONDLY_ROLLING`): a private app's follows the
 *   account's tier (100 per 10 s on Free/Starter, 190 on Professional and Enterprise, 250 with the API
 *   Limit Increase add-on), the public app's is 110 per installing account (below),
 * - a separate per-second limit for CRM search (5/s; `SECONDLY`), and search responses carry no
 *   rate-limit headers,
 * - a daily budget (`DAILY`, per account and shared by its private apps: 250,000 on Free/Starter,
 *   625,000 on Professional, 1,000,000 on Enterprise, +1,000,000 per add-on), reset at midnight (UTC
 *   here) of the sandbox clock.
 * The window length is an option so a benchmark can compress "100 per 10 s" into "100 per 1 s".
 * Only admitted requests use up the budget; rejected ones are counted in stats, not in the window.
 *
 * OAuth calls of the public app are the other tier: one rolling window per installing account (all of
 * the app's tokens in the portal share it: 110 per 10 s), the same search limit, no daily budget and no
 * `-Daily` headers (reference §1.10). The caller passes that tier to `check`.
 */
export interface RateLimitOptions {
  /** Requests per rolling window for non-search calls. */
  maxPerWindow: number;
  windowMs: number;
  /** Search requests per search window. */
  searchMax: number;
  searchWindowMs: number;
  /** Requests per day (all kinds). */
  daily: number;
}

/** The portal's subscription tier, which sets its private apps' limits. */
export const PORTAL_TIERS = ['starter', 'professional', 'enterprise'] as const;
export type PortalTier = (typeof PORTAL_TIERS)[number];

const TIER_LIMITS: Record<PortalTier, { maxPerWindow: number; daily: number }> = {
  starter: { maxPerWindow: 100, daily: 250_000 },
  professional: { maxPerWindow: 190, daily: 625_000 },
  enterprise: { maxPerWindow: 190, daily: 1_000_000 },
};

/**
 * A private app's limits in a portal of this tier (usage guidelines, reference §1.10): per 10 s per
 * app, per day per account. Each API Limit Increase add-on (at most 2) lifts the window to 250 and
 * adds 1,000,000 a day.
 */
export function privateAppLimits(tier: PortalTier, apiLimitIncrease = 0): { maxPerWindow: number; daily: number } {
  if (!PORTAL_TIERS.includes(tier)) throw new Error(`tier must be one of ${PORTAL_TIERS.join(', ')}, got "${String(tier)}"`);
  if (!Number.isInteger(apiLimitIncrease) || apiLimitIncrease < 0 || apiLimitIncrease > 2) {
    throw new Error(`apiLimitIncrease must be 0, 1 or 2 (add-ons), got ${String(apiLimitIncrease)}`);
  }
  const base = TIER_LIMITS[tier];
  return apiLimitIncrease === 0 ? { ...base } : { maxPerWindow: 250, daily: base.daily + 1_000_000 * apiLimitIncrease };
}

/** A Starter portal's private app: 100 per 10 s and 250,000 a day. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = {
  ...privateAppLimits('starter'),
  windowMs: 10_000,
  searchMax: 5,
  searchWindowMs: 1_000,
};

export type RatePolicy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';

export const RATE_LIMIT_MESSAGES: Record<RatePolicy, string> = {
  TEN_SECONDLY_ROLLING: 'You have reached your ten_secondly_rolling limit.',
  // The SDK's retry decorator recognises exactly this text (reference §1.2).
  SECONDLY: 'You have reached your secondly limit.',
  DAILY: 'You have reached your daily limit.',
};

export type RequestKind = 'standard' | 'search';

/** The public-app tier: its own rolling window, no daily budget. */
export interface OAuthTier {
  maxPerWindow: number;
  windowMs: number;
}

export type RateDecision =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; policy: RatePolicy; headers: Record<string, string> };

/** A rolling window of admission times; old entries are dropped from the front. */
class Window {
  private times: number[] = [];
  private head = 0;

  count(now: number, windowMs: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= now - windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(now: number): void {
    this.times.push(now);
  }
}

interface TokenState {
  standard: Window;
  search: Window;
  day: string;
  usedToday: number;
}

export class RateLimiter {
  private readonly tokens = new Map<string, TokenState>();

  constructor(
    private options: RateLimitOptions,
    /** Monotonic milliseconds for the windows (wall time by default). */
    private readonly monotonic: () => number,
    /** The current day of the sandbox clock, for the DAILY budget. */
    private readonly today: () => string,
  ) {}

  get settings(): RateLimitOptions {
    return { ...this.options };
  }

  configure(partial: Partial<RateLimitOptions>): void {
    this.options = { ...this.options, ...partial };
  }

  /** Forgets all usage (windows and daily counts). */
  reset(): void {
    this.tokens.clear();
  }

  private state(token: string): TokenState {
    let state = this.tokens.get(token);
    const day = this.today();
    if (!state) {
      state = { standard: new Window(), search: new Window(), day, usedToday: 0 };
      this.tokens.set(token, state);
    }
    if (state.day !== day) {
      state.day = day;
      state.usedToday = 0;
    }
    return state;
  }

  /** Uses up the whole daily budget, as the DAILY fault switch does. */
  exhaustDaily(token: string): void {
    this.state(token).usedToday = this.options.daily;
  }

  check(token: string, kind: RequestKind, forcedDaily = false, tier?: OAuthTier): RateDecision {
    const o = this.options;
    const maxPerWindow = tier?.maxPerWindow ?? o.maxPerWindow;
    const windowMs = tier?.windowMs ?? o.windowMs;
    const state = this.state(token);
    const now = this.monotonic();
    const inWindow = state.standard.count(now, windowMs);
    const headers = (remaining: number): Record<string, string> => {
      if (kind === 'search') return {};
      const rolling = {
        'X-HubSpot-RateLimit-Max': String(maxPerWindow),
        'X-HubSpot-RateLimit-Remaining': String(Math.max(0, remaining)),
        'X-HubSpot-RateLimit-Interval-Milliseconds': String(windowMs),
      };
      return tier ? rolling : {
        ...rolling,
        'X-HubSpot-RateLimit-Daily': String(o.daily),
        'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, o.daily - state.usedToday)),
      };
    };
    if (!tier && (forcedDaily || state.usedToday >= o.daily)) {
      return { ok: false, policy: 'DAILY', headers: headers(maxPerWindow - inWindow) };
    }
    if (kind === 'search') {
      if (state.search.count(now, o.searchWindowMs) >= o.searchMax) return { ok: false, policy: 'SECONDLY', headers: {} };
      state.search.add(now);
    } else {
      if (inWindow >= maxPerWindow) return { ok: false, policy: 'TEN_SECONDLY_ROLLING', headers: headers(0) };
      state.standard.add(now);
    }
    if (!tier) state.usedToday += 1;
    return { ok: true, headers: headers(maxPerWindow - inWindow - 1) };
  }
}
