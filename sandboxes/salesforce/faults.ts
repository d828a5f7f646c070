/**
 * Salesforce's fault switches: the kit's latency, random 5xx and path prefix (../kit/faults.ts), plus
 * the next N requests failing, a spent daily budget (403 REQUEST_LIMIT_EXCEEDED), per-record write
 * failures, writes that commit late with an earlier stamp, and `expireTokens`, which acts once. `pathPrefix` limits latency, 5xx and limitExceeded.
 */
import { COMMON_RANGES, FaultSwitches, type CommonFaultSettings, type FaultSpec } from '../kit/faults';
import type { Prng } from '../kit/prng';

export type ServerErrorStatus = 500 | 502 | 503;

export interface FaultSettings extends CommonFaultSettings {
  errorStatus: ServerErrorStatus;
  /** The next N API requests are answered with `errorStatus`, whatever errorRate says. */
  failNext: number;
  /** Every API request answers 403 REQUEST_LIMIT_EXCEEDED, as when the org's daily budget is spent. */
  limitExceeded: boolean;
  /** Record ids whose collection/single-record writes fail with FIELD_CUSTOM_VALIDATION_EXCEPTION. */
  recordFailIds: string[];
  /** Share of records in collection writes that fail the same way (0..1). */
  recordFailRatio: number;
  /**
   * The next N record writes (creates, updates, deletes, any object) commit late: stamped when their
   * transaction starts (now), visible to queries only `lateCommitMs` of sandbox time later, with that
   * earlier SystemModstamp, behind rows already visible. Until then queries see the row as it was.
   */
  lateCommitNext: number;
  /** Sandbox-clock ms between a late write's stamp and its commit (default 0: never late). */
  lateCommitMs: number;
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
  lateCommitNext: 0,
  lateCommitMs: 0,
  pathPrefix: '',
};

const SPEC: FaultSpec<FaultSettings> = {
  none: NO_FAULTS,
  ranges: { ...COMMON_RANGES, failNext: [0, 1_000_000], recordFailRatio: [0, 1], lateCommitNext: [0, 1_000_000], lateCommitMs: [0, 86_400_000] },
  choices: { errorStatus: [500, 502, 503] },
  actions: ['expireTokens'],
};

export class Faults extends FaultSwitches<FaultSettings> {
  private failIds = new Set<string>();

  constructor(
    prng: Prng,
    /** Invalidates all access tokens (wired to the auth server). */
    private readonly onExpireTokens: () => number,
  ) {
    super(SPEC, prng);
  }

  /** Applies a partial update; `expireTokens: true` in it acts once (all access tokens invalid now). */
  override set(update: Partial<FaultSettings> & { expireTokens?: true }): FaultSettings {
    const settings = super.set(update);
    // 15- and 18-character ids both match
    this.failIds = new Set(this.current.recordFailIds.map((id) => id.slice(0, 15)));
    if (update.expireTokens) this.expireTokens();
    return settings;
  }

  override reset(): void {
    super.reset();
    this.failIds.clear();
  }

  /** Every access token issued so far stops working now (jsforce then refreshes); returns how many. */
  expireTokens(): number {
    return this.onExpireTokens();
  }

  override serverError(): ServerErrorStatus | undefined {
    if (this.current.failNext > 0) {
      this.current.failNext -= 1;
      return this.current.errorStatus;
    }
    return super.serverError();
  }

  get limitExceeded(): boolean {
    return this.current.limitExceeded;
  }

  /** How long this record write's commit lags its stamp (ms of sandbox time; 0: at once). */
  commitDelay(): number {
    if (this.current.lateCommitNext <= 0 || this.current.lateCommitMs <= 0) return 0;
    this.current.lateCommitNext -= 1;
    return this.current.lateCommitMs;
  }

  /** Whether this record's write fails (by id, or by the random ratio). */
  recordFails(id: string | undefined): boolean {
    if (id !== undefined && this.failIds.has(id.slice(0, 15))) return true;
    return this.current.recordFailRatio > 0 && this.prng.float() < this.current.recordFailRatio;
  }
}
