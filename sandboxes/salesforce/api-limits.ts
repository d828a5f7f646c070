/**
 * The org's API allocations. Salesforce has no per-second limit: what it enforces is a rolling
 * 24-hour budget of API requests (`DailyApiRequests`, reported on every response as
 * `Sforce-Limit-Info: api-usage=<used>/<max>`), 10,000 Bulk API 2.0 query jobs per rolling 24 hours,
 * and a cap on concurrent long-running requests. Over the budget every call answers 403
 * REQUEST_LIMIT_EXCEEDED. The daily windows run on the sandbox clock; the optional `rateLimit`
 * window (off by default, for benchmarks) and the concurrency cap run on real time.
 */

export interface ApiLimitOptions {
  /** Requests per rolling 24 h of sandbox time (default 100,000, a Developer/Enterprise baseline). */
  dailyApiLimit: number;
  /** Bulk API 2.0 query jobs per rolling 24 h (default 10,000). */
  dailyBulkQueryJobs: number;
  /** Optional fixed window (real time): at most maxPerWindow requests per windowMs; off when undefined. */
  rateLimit?: { maxPerWindow: number; windowMs: number };
  /** Optional cap on requests in flight at once; off when undefined. */
  maxConcurrent?: number;
}

export const DEFAULT_API_LIMITS: ApiLimitOptions = { dailyApiLimit: 100_000, dailyBulkQueryJobs: 10_000 };

const DAY = 86_400_000;
const BUCKET = 60_000;

/** Counts events in a rolling 24-hour window, in one-minute buckets (bounded memory). */
export class RollingDailyCounter {
  private readonly buckets: { minute: number; count: number }[] = [];
  private total = 0;

  constructor(private readonly now: () => number) {}

  private prune(): void {
    const oldest = Math.floor((this.now() - DAY) / BUCKET);
    while (this.buckets.length > 0 && this.buckets[0]!.minute <= oldest) this.total -= this.buckets.shift()!.count;
  }

  used(): number {
    this.prune();
    return this.total;
  }

  add(n = 1): void {
    const minute = Math.floor(this.now() / BUCKET);
    const last = this.buckets[this.buckets.length - 1];
    if (last && last.minute === minute) last.count += n;
    else this.buckets.push({ minute, count: n });
    this.total += n;
  }

  reset(): void {
    this.buckets.length = 0;
    this.total = 0;
  }
}

export type LimitDecision = { ok: true } | { ok: false; reason: 'daily' | 'rateLimit' | 'concurrency'; message: string };

export class ApiLimits {
  readonly api: RollingDailyCounter;
  readonly bulkQueryJobs: RollingDailyCounter;
  private windowStart = 0;
  private windowCount = 0;
  private inFlight = 0;

  constructor(
    private options: ApiLimitOptions,
    sandboxNow: () => number,
    private readonly monotonic: () => number,
  ) {
    this.api = new RollingDailyCounter(sandboxNow);
    this.bulkQueryJobs = new RollingDailyCounter(sandboxNow);
  }

  get settings(): ApiLimitOptions {
    return { ...this.options, ...(this.options.rateLimit ? { rateLimit: { ...this.options.rateLimit } } : {}) };
  }

  configure(update: Partial<ApiLimitOptions>): void {
    this.options = { ...this.options, ...update };
  }

  /** Admits one API request (and counts it) or says which limit it hit. */
  admit(): LimitDecision {
    if (this.options.maxConcurrent !== undefined && this.inFlight >= this.options.maxConcurrent) {
      return { ok: false, reason: 'concurrency', message: 'ConcurrentRequests (Concurrent API Requests) Limit exceeded.' };
    }
    const window = this.options.rateLimit;
    if (window) {
      const now = this.monotonic();
      if (now - this.windowStart >= window.windowMs) {
        this.windowStart = now;
        this.windowCount = 0;
      }
      if (this.windowCount >= window.maxPerWindow) {
        return { ok: false, reason: 'rateLimit', message: `Request rate limit exceeded: ${window.maxPerWindow} per ${window.windowMs} ms (sandbox rateLimit option).` };
      }
      this.windowCount++;
    }
    if (this.api.used() >= this.options.dailyApiLimit) return { ok: false, reason: 'daily', message: 'TotalRequests Limit exceeded.' };
    this.api.add();
    return { ok: true };
  }

  started(): void {
    this.inFlight++;
  }

  finished(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** `Sforce-Limit-Info` value. */
  limitInfo(): string {
    return `api-usage=${this.api.used()}/${this.options.dailyApiLimit}`;
  }

  dailyMax(): number {
    return this.options.dailyApiLimit;
  }

  bulkJobsMax(): number {
    return this.options.dailyBulkQueryJobs;
  }

  /** Forgets all usage (tests, benchmarks). */
  reset(): void {
    this.api.reset();
    this.bulkQueryJobs.reset();
    this.windowCount = 0;
  }
}
