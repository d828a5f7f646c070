/**
 * Request metrics a test or benchmark reads back (`sandbox.stats()` or `GET /__sandbox/stats`):
 * every request by endpoint pattern and status, the API calls counted against the daily budget,
 * 403 limit answers by cause, OAuth grants, queries and cursors, sObject Collections calls with
 * their record counts, Bulk API 2.0 jobs, Tooling API fields and injected faults (the request counts,
 * 5xx and latency as every sandbox counts them: ../kit/stats.ts).
 */
import { noRequests, RequestStats, tally, type EndpointPatterns, type RequestCounts } from '../kit/stats';

export interface StatsSnapshot {
  requests: RequestCounts;
  /** Requests counted against DailyApiRequests (admitted API calls). */
  apiCalls: number;
  limitExceeded: { total: number; byReason: Record<string, number> };
  unauthorized: number;
  oauth: {
    refreshGrants: number; authorizationCodeGrants: number; failedGrants: number; revocations: number;
    authorizationCodesIssued: number; consentDenied: number; introspections: number;
  };
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
const PATTERNS: EndpointPatterns = [
  [/^\/services\/data\/v[\d.]+\/(query|queryAll)\/[^/]+$/, '/services/data/vXX.X/$1/:locator'],
  [/^\/services\/data\/v[\d.]+\/jobs\/query\/[^/]+\/results$/, '/services/data/vXX.X/jobs/query/:jobId/results'],
  [/^\/services\/data\/v[\d.]+\/jobs\/query\/[^/]+$/, '/services/data/vXX.X/jobs/query/:jobId'],
  [/^\/services\/data\/v[\d.]+\/(tooling\/)?sobjects\/([^/]+)\/(describe|updated|deleted)$/, '/services/data/vXX.X/$1sobjects/$2/$3'],
  [/^\/services\/data\/v[\d.]+\/(tooling\/)?sobjects\/([^/]+)\/[^/]+\/[^/]+$/, '/services/data/vXX.X/$1sobjects/$2/:field/:value'],
  [/^\/services\/data\/v[\d.]+\/(tooling\/)?sobjects\/([^/]+)\/[^/]+$/, '/services/data/vXX.X/$1sobjects/$2/:id'],
  [/^\/services\/data\/v[\d.]+\/(.*)$/, '/services/data/vXX.X/$1'],
  [/^\/id\/[^/]+\/[^/]+$/, '/id/:orgId/:userId'],
];

function empty(): StatsSnapshot {
  return {
    requests: noRequests(),
    apiCalls: 0,
    limitExceeded: { total: 0, byReason: {} },
    unauthorized: 0,
    oauth: {
      refreshGrants: 0, authorizationCodeGrants: 0, failedGrants: 0, revocations: 0, authorizationCodesIssued: 0, consentDenied: 0, introspections: 0,
    },
    queries: { query: 0, queryAll: 0, queryMore: 0, recordsReturned: 0, cursorsOpened: 0, cursorsDropped: 0 },
    composite: { requests: 0, records: 0, byOperation: {} },
    writes: { created: 0, updated: 0, deleted: 0, failed: 0, autoAssigned: 0, byObject: {} },
    bulk: { jobsCreated: 0, jobsAborted: 0, jobsDeleted: 0, resultPages: 0, rowsReturned: 0 },
    tooling: { customFieldsCreated: 0 },
    faults: { serverErrors: 0, latencyAddedMs: 0, recordFailures: 0, limitExceeded: 0 },
  };
}

export class SandboxStats extends RequestStats<StatsSnapshot> {
  constructor() {
    super(empty, PATTERNS);
  }

  /** Live counters, for the modules that count (routes, middleware). */
  get counters(): StatsSnapshot {
    return this.data;
  }

  limitExceeded(reason: string): void {
    this.data.limitExceeded.total += 1;
    tally(this.data.limitExceeded.byReason, reason);
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
    if (kind !== 'failed') tally(this.data.writes.byObject, sobject, n);
  }
}
