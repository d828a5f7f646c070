/**
 * Switchable failures, so the connector's retries, limit handling and per-record error handling can
 * be exercised on demand. Set from code (`sandbox.faults.set({...})`) or over HTTP
 * (`POST /__sandbox/faults`). Random faults draw from the sandbox's seeded PRNG, so the same seed and
 * the same request sequence fail the same way.
 */
import type { Prng } from '../kit/prng';

export type ServerErrorStatus = 500 | 502 | 503;

export interface FaultSettings {
  /** Added to every API response (ms). */
  latencyMs: number;
  /** Extra random latency in [0, latencyJitterMs). */
  latencyJitterMs: number;
  /** Share of API requests answered with `errorStatus` (0..1). */
  errorRate: number;
  errorStatus: ServerErrorStatus;
  /** The next N API requests are answered with `errorStatus`, whatever errorRate says. */
  failNext: number;
  /** Every API request answers 403 REQUEST_LIMIT_EXCEEDED, as when the org's daily budget is spent. */
  limitExceeded: boolean;
  /** Record ids whose collection/single-record writes fail with FIELD_CUSTOM_VALIDATION_EXCEPTION. */
  recordFailIds: string[];
  /** Share of records in collection writes that fail the same way (0..1). */
  recordFailRatio: number;
  /** Limit latency, 5xx and limitExceeded to request paths starting with this prefix. */
  pathPrefix: string;
}

export const NO_FAULTS: FaultSettings = {
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  errorStatus: 503,
  failNext: 0,
  limitExceeded: false,
  recordFailIds: [],
  recordFailRatio: 0,
  pathPrefix: '',
};

const RANGES: Partial<Record<keyof FaultSettings, [number, number]>> = {
  latencyMs: [0, 60_000],
  latencyJitterMs: [0, 60_000],
  errorRate: [0, 1],
  failNext: [0, 1_000_000],
  recordFailRatio: [0, 1],
};

/** Validates a partial fault update (from HTTP or code); returns the problems, empty when fine. */
export function checkFaultUpdate(input: unknown): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return ['body must be a JSON object'];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (key === 'expireTokens') {
      if (value !== true) problems.push('expireTokens must be true (it acts once, it is not a setting)');
      continue;
    }
    if (!(key in NO_FAULTS)) {
      problems.push(`unknown fault "${key}"; known: ${[...Object.keys(NO_FAULTS), 'expireTokens'].join(', ')}`);
      continue;
    }
    const range = RANGES[key as keyof FaultSettings];
    if (range && (typeof value !== 'number' || !(value >= range[0] && value <= range[1]))) problems.push(`${key} must be a number in [${range[0]}, ${range[1]}]`);
    if (key === 'errorStatus' && ![500, 502, 503].includes(value as number)) problems.push('errorStatus must be 500, 502 or 503');
    if (key === 'limitExceeded' && typeof value !== 'boolean') problems.push('limitExceeded must be a boolean');
    if (key === 'recordFailIds' && (!Array.isArray(value) || value.some((id) => typeof id !== 'string'))) problems.push('recordFailIds must be an array of id strings');
    if (key === 'pathPrefix' && typeof value !== 'string') problems.push('pathPrefix must be a string');
  }
  return problems;
}

export class Faults {
  private current: FaultSettings = { ...NO_FAULTS, recordFailIds: [] };
  private failIds = new Set<string>();

  constructor(
    private readonly prng: Prng,
    /** Invalidates all access tokens (wired to the auth server). */
    private readonly onExpireTokens: () => number,
  ) {}

  get settings(): FaultSettings {
    return { ...this.current, recordFailIds: [...this.current.recordFailIds] };
  }

  /** Applies a partial update; `expireTokens: true` in it acts once (all access tokens invalid now). */
  set(update: Partial<FaultSettings> & { expireTokens?: true }): FaultSettings {
    const problems = checkFaultUpdate(update);
    if (problems.length > 0) throw new Error(`invalid fault settings: ${problems.join('; ')}`);
    const { expireTokens, ...settings } = update;
    this.current = { ...this.current, ...settings };
    // 15- and 18-character ids both match
    this.failIds = new Set(this.current.recordFailIds.map((id) => id.slice(0, 15)));
    if (expireTokens) this.expireTokens();
    return this.settings;
  }

  reset(): void {
    this.current = { ...NO_FAULTS, recordFailIds: [] };
    this.failIds.clear();
  }

  /** Every access token issued so far stops working now (jsforce then refreshes); returns how many. */
  expireTokens(): number {
    return this.onExpireTokens();
  }

  applies(path: string): boolean {
    return path.startsWith(this.current.pathPrefix);
  }

  latency(): number {
    const { latencyMs, latencyJitterMs } = this.current;
    return latencyMs + (latencyJitterMs > 0 ? Math.floor(this.prng.float() * latencyJitterMs) : 0);
  }

  serverError(): ServerErrorStatus | undefined {
    if (this.current.failNext > 0) {
      this.current.failNext -= 1;
      return this.current.errorStatus;
    }
    return this.current.errorRate > 0 && this.prng.float() < this.current.errorRate ? this.current.errorStatus : undefined;
  }

  get limitExceeded(): boolean {
    return this.current.limitExceeded;
  }

  /** Whether this record's write fails (by id, or by the random ratio). */
  recordFails(id: string | undefined): boolean {
    if (id !== undefined && this.failIds.has(id.slice(0, 15))) return true;
    return this.current.recordFailRatio > 0 && this.prng.float() < this.current.recordFailRatio;
  }
}
