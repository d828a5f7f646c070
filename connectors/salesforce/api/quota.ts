/**
 * The org's daily API request budget as this connection sees it. Salesforce's budget is a rolling
 * 24 h per org, shared with every other app and user of the org, so we stop short of it: once
 * `used ≥ max × (1 − headroom)` no request goes out until `quotaBackoffMs` after that reading, and
 * then one request probes again. Readings come from `GET /limits` (read before the first request,
 * so the headroom holds from the first call) and from every response's Sforce-Limit-Info header.
 */
import type { Connection } from 'jsforce';
import { DailyQuotaExhaustedError } from '../../../src/rate-limit/daily-quota-exhausted-error';
import { DAY_MS, type QuotaSettings } from '../salesforce-api-error';
import type { SfApiUsage } from '../salesforce-api.types';

export interface QuotaOptions {
  installationId: string;
  /** Share of the daily budget left for the org's other apps and users (default 0.1: stop at 90%). */
  dailyHeadroom?: number | undefined;
  /** Default 1 h, at most 24 h. */
  quotaBackoffMs?: number | undefined;
  /** Default 30 s. */
  concurrencyBackoffMs?: number | undefined;
}

/** Checks the options once, up front: a bad headroom would silently spend the org's whole budget. */
export function resolveQuotaSettings(options: QuotaOptions): { headroom: number; quota: QuotaSettings } {
  const headroom = options.dailyHeadroom ?? 0.1;
  if (!(headroom >= 0 && headroom < 1)) throw new RangeError(`dailyHeadroom must be in [0, 1), got ${headroom}`);
  return {
    headroom,
    quota: {
      installationId: options.installationId,
      // Salesforce's window is 24 h: waiting longer than that can never be needed
      quotaBackoffMs: Math.min(options.quotaBackoffMs ?? 3_600_000, DAY_MS),
      concurrencyBackoffMs: options.concurrencyBackoffMs ?? 30_000,
    },
  };
}

export interface DailyBudgetSettings {
  headroom: number;
  quota: QuotaSettings;
  /** jsforce's own `limitInfo` is kept in step, for anyone reading it off the connection. */
  connection: Connection;
  clock: () => number;
  /** Read `/limits` before the first request (default true). */
  readLimitsOnFirstUse?: boolean | undefined;
  /** Reads `/limits` (which records its reading here) without passing the budget check itself. */
  readLimits: () => Promise<unknown>;
  onApiUsage?: ((usage: SfApiUsage) => void) | undefined;
}

export interface DailyBudget {
  /** Throws DailyQuotaExhaustedError while the last reading leaves less than the headroom. */
  ensureRoom(): Promise<void>;
  /** A reading from a response's Sforce-Limit-Info header (`api-usage=used/max`), if it has one. */
  observeHeaders(headers: Record<string, string> | undefined): void;
  /** A reading from `GET /limits`' DailyApiRequests, if it has a usable one. */
  observeLimits(limits: Record<string, { Max: number; Remaining: number }>): void;
  /** The latest reading, or null before the first. */
  current(): SfApiUsage | null;
}

const LIMIT_INFO = /api-usage=(\d+)\/(\d+)/;

export function createDailyBudget(settings: DailyBudgetSettings): DailyBudget {
  const { headroom, quota, clock } = settings;
  let usage: SfApiUsage | null = null;
  /** One `/limits` read shared by every request that starts before the first reading. */
  let firstReading: Promise<unknown> | null = null;

  function record(next: SfApiUsage): void {
    usage = next;
    settings.connection.limitInfo = { apiUsage: { used: next.used, limit: next.max } };
    settings.onApiUsage?.(next);
  }

  /** A failed read is forgotten, so the next request tries again instead of inheriting the failure. */
  function readFirstLimits(): Promise<unknown> {
    firstReading ??= settings.readLimits().catch((error: unknown) => {
      firstReading = null;
      throw error;
    });
    return firstReading;
  }

  return {
    async ensureRoom() {
      if (usage === null && (settings.readLimitsOnFirstUse ?? true)) await readFirstLimits();
      const reading = usage;
      if (reading === null || reading.max <= 0) return;
      const now = clock();
      // an old reading is stale after the back-off: let one request through to take a new one
      const resumeAt = reading.at + quota.quotaBackoffMs;
      if (reading.used >= reading.max * (1 - headroom) && now < resumeAt) {
        throw new DailyQuotaExhaustedError(quota.installationId, resumeAt, 'counted');
      }
    },
    observeHeaders(headers) {
      const match = LIMIT_INFO.exec(headers?.['sforce-limit-info'] ?? '');
      if (match) record({ used: Number(match[1]), max: Number(match[2]), at: clock() });
    },
    observeLimits(limits) {
      const daily = limits.DailyApiRequests;
      if (daily && Number.isFinite(daily.Max) && Number.isFinite(daily.Remaining)) {
        record({ used: daily.Max - daily.Remaining, max: daily.Max, at: clock() });
      }
    },
    current: () => usage,
  };
}
