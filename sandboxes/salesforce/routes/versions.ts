/**
 * `GET /services/data` (the API versions; no session needed), `GET /services/data/vXX.X` (the
 * resources of a version) and `GET /services/data/vXX.X/limits` (the org's allocations, with
 * DailyApiRequests and DailyBulkV2QueryJobs live from the sandbox's counters).
 */
import { Router } from 'express';
import type { SandboxContext } from '../context';
import { apiVersionOf } from '../context';

const SEASONS = ['Winter', 'Spring', 'Summer'] as const;

/** v62.0 is Winter '25; three releases a year. */
export function releaseLabel(version: number): string {
  const offset = version - 62;
  const season = SEASONS[((offset % 3) + 3) % 3]!;
  const year = 25 + Math.floor(offset / 3);
  return `${season} '${String(year).padStart(2, '0')}`;
}

export const API_VERSIONS = Array.from({ length: 66 - 31 + 1 }, (_, i) => 31 + i);

export function versionsRouter(): Router {
  const router = Router();
  router.get(['/services/data', '/services/data/'], (_req, res) => {
    res.json(API_VERSIONS.map((v) => ({ label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` })));
  });
  return router;
}

/** Mounted under /services/data/:version (after the session and limit checks). */
export function resourcesRouter(ctx: SandboxContext): Router {
  const router = Router({ mergeParams: true });
  router.get('/', (req, res) => {
    const base = `/services/data/v${apiVersionOf(req)}`;
    const names = ['tooling', 'metadata', 'eclair', 'folders', 'prechatForms', 'chatter', 'tabs', 'appMenu', 'quickActions', 'queryAll',
      'commerce', 'wave', 'iot', 'analytics', 'search', 'identity', 'composite', 'parameterizedSearch', 'fingerprint', 'theme', 'nouns',
      'recent', 'licensing', 'limits', 'async-queries', 'query', 'sobjects', 'actions', 'support', 'jobs'];
    const out: Record<string, string> = {};
    for (const name of names) out[name] = `${base}/${name}`;
    out.identity = `${ctx.url()}/id/${ctx.orgId}/${String(res.locals.userId)}`;
    res.json(out);
  });

  router.get('/limits', (_req, res) => {
    const apiMax = ctx.limits.dailyMax();
    const bulkMax = ctx.limits.bulkJobsMax();
    let records = 0;
    for (const def of ctx.store.objects()) records += ctx.store.table(def.name)!.rows.size;
    const dataStorageMb = 1024;
    const fixed = (max: number, remaining = max) => ({ Max: max, Remaining: remaining });
    res.json({
      ActiveScratchOrgs: fixed(3),
      AnalyticsExternalDataSizeMB: fixed(40960),
      ConcurrentAsyncGetReportInstances: fixed(200),
      ConcurrentSyncReportRuns: fixed(20),
      DailyAnalyticsDataflowJobExecutions: fixed(60),
      DailyApiRequests: fixed(apiMax, Math.max(0, apiMax - ctx.limits.api.used())),
      DailyAsyncApexExecutions: fixed(250000),
      DailyAsyncApexTests: fixed(500),
      DailyBulkApiBatches: fixed(15000),
      DailyBulkV2QueryFileStorageMB: fixed(976562),
      DailyBulkV2QueryJobs: fixed(bulkMax, Math.max(0, bulkMax - ctx.limits.bulkQueryJobs.used())),
      DailyDurableGenericStreamingApiEvents: fixed(10000),
      DailyDurableStreamingApiEvents: fixed(10000),
      DailyGenericStreamingApiEvents: fixed(10000),
      DailyStandardVolumePlatformEvents: fixed(10000),
      DailyStreamingApiEvents: fixed(10000),
      DailyWorkflowEmails: fixed(1000),
      DataStorageMB: fixed(dataStorageMb, Math.max(0, dataStorageMb - Math.ceil((records * 2) / 1024))),
      FileStorageMB: fixed(20480),
      HourlyAsyncReportRuns: fixed(1200),
      HourlyDashboardRefreshes: fixed(200),
      HourlyODataCallout: fixed(10000),
      HourlySyncReportRuns: fixed(500),
      HourlyTimeBasedWorkflow: fixed(1000),
      MassEmail: fixed(5000),
      SingleEmail: fixed(5000),
      StreamingApiConcurrentClients: fixed(1000),
    });
  });
  return router;
}
