/**
 * HubSpot's fault switches (SPEC.md §7 "nothing is lost"): the kit's latency, random 5xx and path
 * prefix (../kit/faults.ts), plus forced 429s of a chosen policy, an exhausted DAILY budget,
 * per-record failures in batch updates and per-input failures in association batch reads. `pathPrefix` limits the latency, 5xx and burst faults.
 */
import { COMMON_RANGES, FaultSwitches, type CommonFaultSettings, type FaultSpec } from '../kit/faults';
import type { Prng } from '../kit/prng';
import type { RatePolicy } from './rate-limit';

export interface FaultSettings extends CommonFaultSettings {
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
  /** Object ids whose association batch reads fail (a 207 entry with INTERNAL_ERROR for that input only). */
  associationFailIds: string[];
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
  associationFailIds: [],
  pathPrefix: '',
};

const SPEC: FaultSpec<FaultSettings> = {
  none: NO_FAULTS,
  ranges: { ...COMMON_RANGES, burst429: [0, 1_000_000], batchFailRatio: [0, 1] },
  choices: { errorStatus: [500, 502, 503, 504], burstPolicy: ['TEN_SECONDLY_ROLLING', 'SECONDLY'] },
};

export class Faults extends FaultSwitches<FaultSettings> {
  constructor(prng: Prng) {
    super(SPEC, prng);
  }

  /** Consumes one forced 429 if a burst is pending. */
  takeBurst(): RatePolicy | undefined {
    if (this.current.burst429 <= 0) return undefined;
    this.current.burst429 -= 1;
    return this.current.burstPolicy;
  }

  batchRecordFails(id: string): boolean {
    if (this.current.batchFailIds.includes(id)) return true;
    return this.current.batchFailRatio > 0 && this.prng.float() < this.current.batchFailRatio;
  }

  associationReadFails(id: string): boolean {
    return this.current.associationFailIds.includes(id);
  }

  get dailyExhausted(): boolean {
    return this.current.dailyExhausted;
  }
}
