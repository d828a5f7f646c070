/**
 * Request metrics a test or benchmark reads back (`sandbox.stats()` or `GET /__sandbox/stats`):
 * every request by endpoint pattern and status, the API calls counted against the daily budget,
 * 403 limit answers by cause, OAuth grants, queries and cursors, sObject Collections calls with
 * their record counts, Bulk API 2.0 jobs, Tooling API fields and injected faults.
 */
export interface StatsSnapshot {
  requests: { total: number; byEndpoint: Record<string, number>; byStatus: Record<string, number> };
  /** Requests counted against DailyApiRequests (admitted API calls). */
  apiCalls: number;
  limitExceeded: { total: number; byReason: Record<string, number> };
  unauthorized: number;
  oauth: { refreshGrants: number; authorizationCodeGrants: number; failedGrants: number; revocations: number };
  queries: { query: number; queryAll: number; queryMore: number; recordsReturned: number; cursorsOpened: number; cursorsDropped: number };
  composite: {
    requests: number;
    records: number;
    byOperation: Record<string, { requests: number; records: number; failures: number }>;
  };
  writes: { created: number; updated: number; deleted: number; failed: number; autoAssigned: number; byObject: Record<string, number> };
  bulk: { jobsCreated: number; jobsAborted: number; jobsDeleted: number; resultPages: number; rowsReturned: number };
  tooling: { customFieldsCreated: number };
  faults: { serverErrors: number; latencyAddedMs: number; recordFailures: number; limitExceeded: number };
}

/** Path patterns, most specific first: versions, ids, locators and job ids become placeholders. */
const PATTERNS: [RegExp, string][] = [
  [/^\/services\/data\/v[\d.]+\/(query|queryAll)\/[^/]+$/, '/services/data/vXX.X/$1/:locator'],
  [/^\/services\/data\/v[\d.]+\/jobs\/query\/[^/]+\/results$/, '/services/data/vXX.X/jobs/query/:jobId/results'],
  [/^\/services\/data\/v[\d.]+\/jobs\/query\/[^/]+$/, '/services/data/vXX.X/jobs/query/:jobId'],
  [/^\/services\/data\/v[\d.]+\/(tooling\/)?sobjects\/([^/]+)\/(describe|updated|deleted)$/, '/services/data/vXX.X/$1sobjects/$2/$3'],
  [/^\/services\/data\/v[\d.]+\/(tooling\/)?sobjects\/([^/]+)\/[^/]+\/[^/]+$/, '/services/data/vXX.X/$1sobjects/$2/:field/:value'],
  [/^\/services\/data\/v[\d.]+\/(tooling\/)?sobjects\/([^/]+)\/[^/]+$/, '/services/data/vXX.X/$1sobjects/$2/:id'],
  [/^\/services\/data\/v[\d.]+\/(.*)$/, '/services/data/vXX.X/$1'],
  [/^\/id\/[^/]+\/[^/]+$/, '/id/:orgId/:userId'],
];

export function endpointKey(method: string, path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const [pattern, replacement] of PATTERNS) {
    if (pattern.test(trimmed)) return `${method} ${trimmed.replace(pattern, replacement)}`;
  }
  return `${method} ${trimmed}`;
}

function empty(): StatsSnapshot {
  return {
    requests: { total: 0, byEndpoint: {}, byStatus: {} },
    apiCalls: 0,
    limitExceeded: { total: 0, byReason: {} },
    unauthorized: 0,
    oauth: { refreshGrants: 0, authorizationCodeGrants: 0, failedGrants: 0, revocations: 0 },
    queries: { query: 0, queryAll: 0, queryMore: 0, recordsReturned: 0, cursorsOpened: 0, cursorsDropped: 0 },
    composite: { requests: 0, records: 0, byOperation: {} },
    writes: { created: 0, updated: 0, deleted: 0, failed: 0, autoAssigned: 0, byObject: {} },
    bulk: { jobsCreated: 0, jobsAborted: 0, jobsDeleted: 0, resultPages: 0, rowsReturned: 0 },
    tooling: { customFieldsCreated: 0 },
    faults: { serverErrors: 0, latencyAddedMs: 0, recordFailures: 0, limitExceeded: 0 },
  };
}

export class SandboxStats {
  private data = empty();

  /** Live counters, for the modules that count (routes, middleware). */
  get counters(): StatsSnapshot {
    return this.data;
  }

  request(method: string, path: string, status: number): void {
    const key = endpointKey(method, path);
    this.data.requests.total += 1;
    this.data.requests.byEndpoint[key] = (this.data.requests.byEndpoint[key] ?? 0) + 1;
    this.data.requests.byStatus[String(status)] = (this.data.requests.byStatus[String(status)] ?? 0) + 1;
  }

  limitExceeded(reason: string): void {
    this.data.limitExceeded.total += 1;
    this.data.limitExceeded.byReason[reason] = (this.data.limitExceeded.byReason[reason] ?? 0) + 1;
  }

  composite(operation: string, records: number, failures: number): void {
    this.data.composite.requests += 1;
    this.data.composite.records += records;
    const entry = (this.data.composite.byOperation[operation] ??= { requests: 0, records: 0, failures: 0 });
    entry.requests += 1;
    entry.records += records;
    entry.failures += failures;
  }

  written(kind: 'created' | 'updated' | 'deleted' | 'failed', sobject: string, n = 1): void {
    this.data.writes[kind] += n;
    if (kind !== 'failed') this.data.writes.byObject[sobject] = (this.data.writes.byObject[sobject] ?? 0) + n;
  }

  snapshot(): StatsSnapshot {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = empty();
  }
}
