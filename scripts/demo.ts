/**
 * npm run demo [-- --contacts 2000 --once --port 3000]
 *
 * Starts the HubSpot sandbox (a seeded B2B portal on loopback), the web server and a worker; runs
 * the first sync; scores everyone; writes back; shows progress; then prints the funnel read back
 * from the sandbox, as a rep would see it. Keeps serving until Ctrl-C; --once exits after the first
 * pass, with exit code 0 only if every write landed. Needs only Node and Redis.
 */
import { parseArgs } from 'node:util';
import { startHubSpotSandbox } from '../connectors/hubspot/sandbox';
import { ensureInstallations } from '../src/app/bootstrap';
import { startFirstSync, waitForIdle, type QueueCounts } from '../src/app/first-sync';
import { RedisUnavailableError, createRuntime } from '../src/app/runtime';
import { serve, stopOnSignals } from '../src/app/serve';
import { loadEnv } from '../src/config/env';
import { createLogger } from '../src/log/logger';
import { withSafetyMargin } from '../src/rate-limit';
import type { QueueName } from '../src/queue/job-data';
import { readPortalFunnel, renderFunnel } from './demo-funnel';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '2000' },
    once: { type: 'boolean', default: false },
    port: { type: 'string' },
  },
});

async function main(): Promise<number> {
  const env = loadEnv();
  const contacts = Number(values.contacts);
  const started = Date.now();
  // the sandbox portal's history ends at its "now"; the app's clock runs from the same instant
  // HubSpot's 110 requests per 10 s, compressed to 1 s so the demo takes seconds, not minutes; the
  // app paces itself by the same policy, through the limiter every worker shares in Redis
  const policy = { standard: { max: 110, windowMs: 1_000 }, search: { max: 5, windowMs: 1_000 }, daily: null };
  const sandbox = await startHubSpotSandbox({
    port: 0,
    contacts,
    rateLimit: { maxPerWindow: policy.standard.max, windowMs: policy.standard.windowMs, searchMax: policy.search.max, searchWindowMs: policy.search.windowMs },
    warm: true,
  });
  const sandboxNow = sandbox.clock.now();
  console.log(`HubSpot sandbox: ${sandbox.url} with ${contacts.toLocaleString('en-US')} contacts (portal time ${new Date(sandboxNow).toISOString()})`);

  let runtime;
  try {
    runtime = await createRuntime({
      env,
      dataDir: 'memory',
      prefix: `leadstage-demo-${process.pid}`,
      clock: () => sandboxNow + (Date.now() - started),
      logger: createLogger({ level: 'warn' }),
      ratePolicies: { hubspot: withSafetyMargin(policy) },
    });
  } catch (error) {
    await sandbox.close();
    if (error instanceof RedisUnavailableError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const serving = await serve(runtime, { web: true, worker: true, port: values.port ? Number(values.port) : 0 });
  console.log(`Leadstage web: ${serving.url} (/healthz, /readyz, /metrics)`);

  const [installation] = await ensureInstallations(runtime.store, runtime.box, 'Demo company', env.RULEBOOK_PATH, [
    { provider: 'hubspot', externalAccountId: 'demo-portal', displayName: 'Demo HubSpot portal', credentials: { accessToken: sandbox.token, basePath: sandbox.url } },
  ]);
  await startFirstSync(runtime, installation!);

  // completed counts come from the metrics (BullMQ keeps only the last completed jobs)
  let lastPrinted = 0;
  const progress = async (counts: Record<QueueName, QueueCounts>) => {
    const completed = new Map((await runtime.metrics.jobs.get()).values.filter((v) => v.labels.outcome === 'completed').map((v) => [v.labels.queue, v.value]));
    const part = (name: QueueName) => `${name} ${completed.get(name) ?? 0} done, ${counts[name].waiting + counts[name].delayed + counts[name].active} to go`;
    const line = `  ${(['sync', 'score', 'writeback', 'tasks'] as QueueName[]).map(part).join(' | ')}`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line}   `);
    else if (Date.now() - lastPrinted > 3_000) {
      lastPrinted = Date.now();
      console.log(line);
    }
  };
  console.log('First sync: pulling contacts and engagement, scoring, writing back');
  await waitForIdle(runtime.queues, { timeoutMs: 15 * 60_000, pollMs: 500, onProgress: (counts) => void progress(counts) });
  if (process.stdout.isTTY) process.stdout.write('\n');

  const backlog = await runtime.store.outbox.outboxBacklog(installation!.id);
  const errors = await runtime.store.outbox.listRecordErrors(installation!.id);
  const failedTasks = (await runtime.store.tasks.listPendingTasks(installation!.id)).length;
  const funnel = await readPortalFunnel(sandbox.url, sandbox.token);
  const elapsed = ((Date.now() - started) / 1000).toFixed(1);
  console.log('');
  for (const line of renderFunnel(`Funnel in the HubSpot portal, read back through its API (${elapsed} s)`, funnel)) console.log(line);
  const stats = sandbox.stats();
  console.log(`\nHubSpot API calls: ${stats.requests.total} (${stats.requests.byStatus["429"] ?? 0} answered 429); writes pending: ${backlog.pending}; record errors: ${errors.length}; tasks not created: ${failedTasks}`);

  const allLanded = backlog.pending === 0 && errors.length === 0 && failedTasks === 0 && funnel.unscored === 0;
  if (values.once) {
    await serving.stop();
    await sandbox.close();
    return allLanded ? 0 : 1;
  }
  console.log(`\nServing until Ctrl-C: ${serving.url}/metrics`);
  stopOnSignals(async () => {
    await serving.stop();
    await sandbox.close();
  }, (line) => console.log(line));
  await new Promise(() => undefined);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
