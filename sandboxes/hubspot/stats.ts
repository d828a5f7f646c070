/**
 * Request metrics a test or benchmark reads back (`sandbox.stats()` or `GET /__sandbox/stats`):
 * every API request is counted, including those answered 401, 429 or an injected 5xx, per endpoint
 * pattern so "how many contact batch updates did the sync make" is one lookup (../kit/stats.ts), plus
 * HubSpot's 429s by policy, its own faults and the writes; the full snapshot adds the public app's OAuth
 * counters (oauth.ts) and webhook deliveries (webhooks.ts).
 */
import { noRequests, RequestStats, tally, type EndpointPatterns, type RequestCounts } from '../kit/stats';
import type { OAuthCounters } from './oauth';
import type { WebhookStats } from './webhooks';

/** What `sandbox.stats()` and `GET /__sandbox/stats` answer. */
export interface StatsSnapshot extends RequestStatsSnapshot {
  /** Codes issued, grants by type, failures by HubSpot status, revocations, uninstalls, expired-token calls. */
  oauth: OAuthCounters;
  webhooks: WebhookStats;
}

/** The request counters this class keeps. */
export interface RequestStatsSnapshot {
  requests: RequestCounts;
  rateLimited: { total: number; byPolicy: Record<string, number> };
  faults: { serverErrors: number; burst429s: number; batchRecordFailures: number; latencyAddedMs: number };
  /** CRM searches answered and the records they read to do it (an indexed search reads its page, not the portal). */
  search: { requests: number; recordsRead: number };
  writes: {
    contactBatchUpdateRequests: number;
    contactsUpdated: number;
    contactUpdatesIgnored: number;
    contactUpdateErrors: number;
    tasksCreated: number;
    taskAssociationsCreated: number;
    propertiesCreated: number;
    propertyGroupsCreated: number;
  };
}

/** Path patterns, most specific first: ids and names become placeholders. */
const PATTERNS: EndpointPatterns = [
  [/^\/crm\/v3\/properties\/([^/]+)\/groups\/[^/]+$/, '/crm/v3/properties/$1/groups/:groupName'],
  [/^\/crm\/v3\/properties\/([^/]+)\/groups$/, '/crm/v3/properties/$1/groups'],
  [/^\/crm\/v3\/properties\/([^/]+)\/[^/]+$/, '/crm/v3/properties/$1/:propertyName'],
  [/^\/crm\/v3\/objects\/([^/]+)\/(search|batch\/[a-z]+)$/, '/crm/v3/objects/$1/$2'],
  [/^\/crm\/v3\/objects\/([^/]+)\/[^/]+$/, '/crm/v3/objects/$1/:id'],
  [/^\/crm\/v4\/objects\/([^/]+)\/[^/]+\/associations\/([^/]+)$/, '/crm/v4/objects/$1/:id/associations/$2'],
  [/^\/crm\/v3\/owners\/[^/]+$/, '/crm/v3/owners/:ownerId'],
  [/^\/form-integrations\/v1\/submissions\/forms\/[^/]+$/, '/form-integrations/v1/submissions/forms/:formGuid'],
  [/^\/marketing\/v3\/forms\/[^/]+$/, '/marketing/v3/forms/:formId'],
  [/^\/oauth\/v1\/(access|refresh)-tokens\/[^/]+$/, '/oauth/v1/$1-tokens/:token'],
];

function empty(): RequestStatsSnapshot {
  return {
    requests: noRequests(),
    rateLimited: { total: 0, byPolicy: {} },
    faults: { serverErrors: 0, burst429s: 0, batchRecordFailures: 0, latencyAddedMs: 0 },
    search: { requests: 0, recordsRead: 0 },
    writes: {
      contactBatchUpdateRequests: 0, contactsUpdated: 0, contactUpdatesIgnored: 0, contactUpdateErrors: 0, tasksCreated: 0,
      taskAssociationsCreated: 0, propertiesCreated: 0, propertyGroupsCreated: 0,
    },
  };
}

export class SandboxStats extends RequestStats<RequestStatsSnapshot> {
  constructor() {
    super(empty, PATTERNS);
  }

  rateLimited(policy: string): void {
    this.data.rateLimited.total += 1;
    tally(this.data.rateLimited.byPolicy, policy);
  }

  fault(kind: keyof RequestStatsSnapshot['faults'], amount = 1): void {
    this.data.faults[kind] += amount;
  }

  searched(recordsRead: number): void {
    this.data.search.requests += 1;
    this.data.search.recordsRead += recordsRead;
  }

  write(kind: keyof RequestStatsSnapshot['writes'], amount = 1): void {
    this.data.writes[kind] += amount;
  }
}

/** The whole snapshot: request counters, the public app's OAuth counters and webhook deliveries. */
export function fullStats(ctx: {
  stats: SandboxStats;
  oauth: { counters: OAuthCounters };
  webhooks: { stats(): WebhookStats };
}): StatsSnapshot {
  return { ...ctx.stats.snapshot(), oauth: structuredClone(ctx.oauth.counters), webhooks: ctx.webhooks.stats() };
}

export function resetAllStats(ctx: { stats: SandboxStats; oauth: { resetCounters(): void }; webhooks: { resetStats(): void } }): void {
  ctx.stats.reset();
  ctx.oauth.resetCounters();
  ctx.webhooks.resetStats();
}
