/**
 * Switchable failures, so the connector's retry, back-off and per-record handling can be exercised
 * on demand (SPEC.md §7 "nothing is lost"). Set from code (`sandbox.faults.set({...})`) or over HTTP
 * (`POST /__sandbox/faults`). Random faults draw from the sandbox's seeded PRNG, so a run with the
 * same seed and the same request sequence fails the same way.
 */
import type { Prng } from '../kit/prng';
import type { RatePolicy } from './rate-limit';

export interface FaultSettings {
  /** Added to every API response. */
  latencyMs: number;
  /** Extra random latency in [0, latencyJitterMs). */
  latencyJitterMs: number;
  /** Share of API requests answered with `errorStatus` (0..1). */
  errorRate: number;
  errorStatus: 500 | 502 | 503 | 504;
  /** The next N API requests get a 429 of `burstPolicy`, whatever the limiter says. */
  burst429: number;
  burstPolicy: Exclude<RatePolicy, 'DAILY'>;
  /** Contact ids whose batch updates fail (multi-status error for that record only). */
  batchFailIds: string[];
  /** Share of records in each batch update that fail (0..1). */
  batchFailRatio: number;
  /** Every API request gets the DAILY 429, as when the portal's daily budget is spent. */
  dailyExhausted: boolean;
  /** Limit latency/5xx/burst faults to paths starting with this prefix (e.g. "/crm/v3/objects/contacts"). */
  pathPrefix: string;
}

export const NO_FAULTS: FaultSettings = {
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  errorStatus: 503,
  burst429: 0,
  burstPolicy: 'TEN_SECONDLY_ROLLING',
  batchFailIds: [],
  batchFailRatio: 0,
  dailyExhausted: false,
  pathPrefix: '',
};

const RANGES: Partial<Record<keyof FaultSettings, [number, number]>> = {
  latencyMs: [0, 60_000],
  latencyJitterMs: [0, 60_000],
  errorRate: [0, 1],
  burst429: [0, 1_000_000],
  batchFailRatio: [0, 1],
};

/** Validates a partial fault update (from HTTP or code); returns the problems, empty when fine. */
export function checkFaultUpdate(input: unknown): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return ['body must be a JSON object'];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (!(key in NO_FAULTS)) {
      problems.push(`unknown fault "${key}"; known: ${Object.keys(NO_FAULTS).join(', ')}`);
      continue;
    }
    const range = RANGES[key as keyof FaultSettings];
    if (range && (typeof value !== 'number' || value < range[0] || value > range[1])) {
      problems.push(`${key} must be a number in [${range[0]}, ${range[1]}]`);
    }
    if (key === 'errorStatus' && ![500, 502, 503, 504].includes(value as number)) problems.push('errorStatus must be 500, 502, 503 or 504');
    if (key === 'burstPolicy' && value !== 'TEN_SECONDLY_ROLLING' && value !== 'SECONDLY') {
      problems.push('burstPolicy must be TEN_SECONDLY_ROLLING or SECONDLY');
    }
    if (key === 'batchFailIds' && (!Array.isArray(value) || value.some((id) => typeof id !== 'string'))) {
      problems.push('batchFailIds must be an array of id strings');
    }
    if ((key === 'dailyExhausted') && typeof value !== 'boolean') problems.push('dailyExhausted must be a boolean');
    if (key === 'pathPrefix' && typeof value !== 'string') problems.push('pathPrefix must be a string');
  }
  return problems;
}

export class Faults {
  private current: FaultSettings = { ...NO_FAULTS, batchFailIds: [] };

  constructor(private readonly prng: Prng) {}

  get settings(): FaultSettings {
    return { ...this.current, batchFailIds: [...this.current.batchFailIds] };
  }

  set(update: Partial<FaultSettings>): FaultSettings {
    const problems = checkFaultUpdate(update);
    if (problems.length > 0) throw new Error(`invalid fault settings: ${problems.join('; ')}`);
    this.current = { ...this.current, ...update };
    return this.settings;
  }

  reset(): void {
    this.current = { ...NO_FAULTS, batchFailIds: [] };
  }

  applies(path: string): boolean {
    return path.startsWith(this.current.pathPrefix);
  }

  latency(): number {
    const { latencyMs, latencyJitterMs } = this.current;
    return latencyMs + (latencyJitterMs > 0 ? Math.floor(this.prng.float() * latencyJitterMs) : 0);
  }

  /** Consumes one forced 429 if a burst is pending. */
  takeBurst(): RatePolicy | undefined {
    if (this.current.burst429 <= 0) return undefined;
    this.current.burst429 -= 1;
    return this.current.burstPolicy;
  }

  serverError(): number | undefined {
    return this.current.errorRate > 0 && this.prng.float() < this.current.errorRate ? this.current.errorStatus : undefined;
  }

  batchRecordFails(id: string): boolean {
    if (this.current.batchFailIds.includes(id)) return true;
    return this.current.batchFailRatio > 0 && this.prng.float() < this.current.batchFailRatio;
  }

  get dailyExhausted(): boolean {
    return this.current.dailyExhausted;
  }
}
