import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics at /metrics: jobs, CRM API calls and 429s per connector, sync lag, webhooks. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'leadstage_' });
  return {
    registry,
    jobs: new Counter({ name: 'leadstage_jobs_total', help: 'Jobs processed, by queue and outcome', labelNames: ['queue', 'outcome'], registers: [registry] }),
    jobSeconds: new Histogram({ name: 'leadstage_job_seconds', help: 'Job duration', labelNames: ['queue'], registers: [registry] }),
    apiCalls: new Counter({ name: 'leadstage_crm_api_calls_total', help: 'CRM API calls, by provider and kind', labelNames: ['provider', 'kind'], registers: [registry] }),
    rateLimited: new Counter({ name: 'leadstage_crm_429_total', help: 'CRM 429 responses, by provider and policy', labelNames: ['provider', 'policy'], registers: [registry] }),
    syncLag: new Gauge({ name: 'leadstage_sync_lag_seconds', help: 'Age of the newest stored checkpoint, by installation and stream', labelNames: ['installation', 'stream'], registers: [registry] }),
    webhookRequests: new Counter({ name: 'leadstage_webhook_requests_total', help: 'Webhook deliveries received, by provider and answer status', labelNames: ['provider', 'status'], registers: [registry] }),
    webhookChanges: new Counter({ name: 'leadstage_webhook_changes_total', help: 'Record changes in accepted webhook deliveries, by provider and what became of them', labelNames: ['provider', 'outcome'], registers: [registry] }),
    queueDepth: new Gauge({ name: 'leadstage_queue_depth', help: 'Jobs waiting or delayed, by queue', labelNames: ['queue'], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
