/**
 * Request metrics a test or benchmark reads back (`sandbox.stats()` or `GET /__sandbox/stats`). The
 * kit counts what every sandbox counts: every API request by endpoint pattern and status (including
 * those answered 401, 429/403 or an injected 5xx), injected 5xx and added latency. Each vendor's
 * stats.ts declares its snapshot (the kit's counters plus its own) and its endpoint patterns.
 */

export interface RequestCounts {
  total: number;
  byEndpoint: Record<string, number>;
  byStatus: Record<string, number>;
}

/** What every sandbox's snapshot has. */
export interface CommonStats {
  requests: RequestCounts;
  faults: { serverErrors: number; latencyAddedMs: number };
}

/** Path patterns, most specific first: ids and names become placeholders (`/:id`). */
export type EndpointPatterns = readonly (readonly [RegExp, string])[];

export function noRequests(): RequestCounts {
  return { total: 0, byEndpoint: {}, byStatus: {} };
}

/** `GET /crm/v3/objects/contacts/:id` for `GET /crm/v3/objects/contacts/123/`. */
export function endpointKey(patterns: EndpointPatterns, method: string, path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const [pattern, replacement] of patterns) {
    if (pattern.test(trimmed)) return `${method} ${trimmed.replace(pattern, replacement)}`;
  }
  return `${method} ${trimmed}`;
}

/** Adds `n` to `counts[key]`. */
export function tally(counts: Record<string, number>, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

export class RequestStats<S extends CommonStats> {
  protected data: S;

  constructor(
    private readonly empty: () => S,
    private readonly patterns: EndpointPatterns,
  ) {
    this.data = empty();
  }

  request(method: string, path: string, status: number): void {
    this.data.requests.total += 1;
    tally(this.data.requests.byEndpoint, endpointKey(this.patterns, method, path));
    tally(this.data.requests.byStatus, String(status));
  }

  latencyAdded(ms: number): void {
    this.data.faults.latencyAddedMs += ms;
  }

  serverError(): void {
    this.data.faults.serverErrors += 1;
  }

  snapshot(): S {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = this.empty();
  }
}
