/**
 * Switchable failures, so a connector's retries, back-off and per-record error handling can be
 * exercised on demand. Set from code (`sandbox.faults.set({...})`) or over HTTP
 * (`POST /__sandbox/faults`). Random faults draw from the sandbox's seeded PRNG, so the same seed and
 * the same request sequence fail the same way.
 *
 * The kit holds the switches every sandbox has (latency, random 5xx, a path prefix) and the checking
 * of an update; each vendor's faults.ts declares its whole set of switches (`FaultSpec`) and adds
 * what is its own (HubSpot's forced 429s, Salesforce's spent budget and expired tokens). How a fault
 * looks on the wire (the error body) is the vendor's middleware's.
 */
import type { Prng } from './prng';

/** The switches every sandbox has. */
export interface CommonFaultSettings {
  /** Added to every API response (ms). */
  latencyMs: number;
  /** Extra random latency in [0, latencyJitterMs). */
  latencyJitterMs: number;
  /** Share of API requests answered with `errorStatus` (0..1). */
  errorRate: number;
  errorStatus: number;
  /** Limit the faults to request paths starting with this prefix (which faults: the vendor's README). */
  pathPrefix: string;
}

/** Ranges of the common numeric switches. */
export const COMMON_RANGES = {
  latencyMs: [0, 60_000],
  latencyJitterMs: [0, 60_000],
  errorRate: [0, 1],
} as const;

/** A vendor's switches. Checking an update follows from it: a switch is checked by its kind. */
export interface FaultSpec<S extends CommonFaultSettings> {
  /** Every switch off, in the order the settings are shown. */
  none: S;
  /** Numeric switches and their ranges. */
  ranges: Partial<Record<keyof S, readonly [number, number]>>;
  /** Switches that take one of a few values (`errorStatus`, …). */
  choices: Partial<Record<keyof S, readonly (string | number)[]>>;
  /** Keys an update may carry that act once (`true`) rather than set a switch. */
  actions?: readonly string[];
}

/** "a, b or c" */
function orList(values: readonly (string | number)[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/**
 * Validates a partial fault update (from HTTP or code); returns the problems, empty when fine.
 * Booleans, id lists and strings are checked by the kind of their value in `none`.
 */
export function checkFaultUpdate<S extends CommonFaultSettings>(spec: FaultSpec<S>, input: unknown): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return ['body must be a JSON object'];
  const actions = spec.actions ?? [];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (actions.includes(key)) {
      if (value !== true) problems.push(`${key} must be true (it acts once, it is not a setting)`);
      continue;
    }
    if (!(key in spec.none)) {
      problems.push(`unknown fault "${key}"; known: ${[...Object.keys(spec.none), ...actions].join(', ')}`);
      continue;
    }
    const range = spec.ranges[key as keyof S];
    const choices = spec.choices[key as keyof S];
    const off: unknown = spec.none[key as keyof S];
    if (range) {
      if (typeof value !== 'number' || !(value >= range[0] && value <= range[1])) problems.push(`${key} must be a number in [${range[0]}, ${range[1]}]`);
    } else if (choices) {
      if (!choices.includes(value as string | number)) problems.push(`${key} must be ${orList(choices)}`);
    } else if (typeof off === 'boolean') {
      if (typeof value !== 'boolean') problems.push(`${key} must be a boolean`);
    } else if (Array.isArray(off)) {
      if (!Array.isArray(value) || value.some((id) => typeof id !== 'string')) problems.push(`${key} must be an array of id strings`);
    } else if (typeof off !== typeof value) {
      problems.push(`${key} must be a ${typeof off}`);
    }
  }
  return problems;
}

/** A copy whose lists are copies too, so a caller cannot change the switches behind their back. */
function copy<S extends object>(settings: S): S {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v])) as S;
}

export class FaultSwitches<S extends CommonFaultSettings> {
  protected current: S;

  constructor(
    protected readonly spec: FaultSpec<S>,
    protected readonly prng: Prng,
  ) {
    this.current = copy(spec.none);
  }

  /** The problems with an update (an HTTP body or code's), empty when it is fine. */
  check(update: unknown): string[] {
    return checkFaultUpdate(this.spec, update);
  }

  get settings(): S {
    return copy(this.current);
  }

  /** Applies a partial update (its action keys act in the vendor's override); throws on a bad one. */
  set(update: Partial<S>): S {
    const problems = this.check(update);
    if (problems.length > 0) throw new Error(`invalid fault settings: ${problems.join('; ')}`);
    const actions = this.spec.actions ?? [];
    const settings = Object.fromEntries(Object.entries(update).filter(([key]) => !actions.includes(key)));
    this.current = { ...this.current, ...settings };
    return this.settings;
  }

  reset(): void {
    this.current = copy(this.spec.none);
  }

  applies(path: string): boolean {
    return path.startsWith(this.current.pathPrefix);
  }

  latency(): number {
    const { latencyMs, latencyJitterMs } = this.current;
    return latencyMs + (latencyJitterMs > 0 ? Math.floor(this.prng.float() * latencyJitterMs) : 0);
  }

  /** The status of an injected 5xx for this request (by `errorRate`), or undefined. */
  serverError(): S['errorStatus'] | undefined {
    return this.current.errorRate > 0 && this.prng.float() < this.current.errorRate ? this.current.errorStatus : undefined;
  }
}
