/**
 * npm run demo [-- --contacts 2000 --leads 1000 --sf-contacts 1000 --once --port 3000]
 *
 * Starts two sandboxes on loopback, a seeded HubSpot portal (marketing) and a seeded Salesforce org
 * (sales), connected as two installations of one company; the web server and a worker; runs both
 * first syncs side by side; scores everyone with the one rulebook; writes back; shows progress; then
 * prints each system's funnel read back through its API, as a rep would see it. Keeps serving until
 * Ctrl-C; --once exits after the first pass, with exit code 0 only if every write and task landed.
 * Needs only Node and Redis.
 */
import { parseArgs } from 'node:util';
import { startHubSpotSandbox } from '../sandboxes/hubspot';
import { integrationUserCredentials, sharedFromHubSpot, startSalesforceSandbox } from '../sandboxes/salesforce';
import { ensureInstallations } from '../src/app/bootstrap';
import { startFirstSync, waitForIdle, type QueueCounts } from '../src/app/first-sync';
import { RedisUnavailableError, createRuntime } from '../src/app/runtime';
import { serve, stopOnSignals } from '../src/app/serve';
import { loadEnv } from '../src/config/env';
import { createLogger } from '../src/log/logger';
import { withSafetyMargin } from '../src/rate-limit';
import type { QueueName } from '../src/queue/job-data';
import { readPortalFunnel, renderFunnel } from './demo-funnel';
import { readOrgFunnel } from './demo-funnel-salesforce';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '2000' },
    leads: { type: 'string', default: '1000' },
    'sf-contacts': { type: 'string', default: '1000' },
    once: { type: 'boolean', default: false },
    port: { type: 'string' },
  },
});

/** HubSpot contacts that are also Salesforce leads or contacts (every 5th; at most half the org). */
const SHARED_PEOPLE = 300;

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
  // the org's history ends at the same instant as the portal's, so one clock serves both; and, as in a
  // real company, people marketing handed to sales are in both systems under the same email
  const leads = Number(values.leads);
  const sfContacts = Number(values['sf-contacts']);
  const shared = { people: sharedFromHubSpot(sandbox.store.seed, { count: Math.min(SHARED_PEOPLE, Math.floor((leads + sfContacts) / 2)) }) };
  const org = await startSalesforceSandbox({ port: 0, leads, contacts: sfContacts, now: sandboxNow, shared });
  console.log(`Salesforce sandbox: ${org.url} with ${org.seedCounts.Lead?.toLocaleString('en-US')} leads and ${org.seedCounts.Contact?.toLocaleString('en-US')} contacts, ${shared.people.length} of them people of the HubSpot portal`);
  const closeSandboxes = async () => {
    await sandbox.close();
    await org.close();
  };

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
    await closeSandboxes();
    if (error instanceof RedisUnavailableError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const serving = await serve(runtime, { web: true, worker: true, port: values.port ? Number(values.port) : 0 });
  console.log(`Leadstage web: ${serving.url} (/healthz, /readyz, /metrics)`);

  // one company, two systems: one workspace, one rulebook, one person across both
  const installations = await ensureInstallations(runtime.store, runtime.box, 'Demo company', env.RULEBOOK_PATH, [
    { provider: 'hubspot', externalAccountId: 'demo-portal', displayName: 'Demo HubSpot portal', credentials: { accessToken: sandbox.token, basePath: sandbox.url } },
    {
      provider: 'salesforce',
      externalAccountId: org.orgId,
      displayName: 'Demo Salesforce org',
      credentials: integrationUserCredentials(org),
    },
  ]);
  for (const installation of installations) await startFirstSync(runtime, installation);

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
  console.log('First sync of both systems: pulling people and engagement, scoring, writing back');
  await waitForIdle(runtime.queues, { timeoutMs: 15 * 60_000, pollMs: 500, onProgress: (counts) => void progress(counts) });
  if (process.stdout.isTTY) process.stdout.write('\n');

  const elapsed = ((Date.now() - started) / 1000).toFixed(1);
  let allLanded = true;
  for (const installation of installations) {
    const backlog = await runtime.store.outbox.outboxBacklog(installation.id);
    const errors = await runtime.store.outbox.listRecordErrors(installation.id);
    const failedTasks = (await runtime.store.tasks.listPendingTasks(installation.id)).length;
    console.log('');
    if (installation.provider === 'hubspot') {
      const funnel = await readPortalFunnel(sandbox.url, sandbox.token);
      for (const line of renderFunnel(`Funnel in the HubSpot portal, read back through its API (${elapsed} s)`, funnel)) console.log(line);
      const stats = sandbox.stats();
      console.log(`HubSpot API calls: ${stats.requests.total} (${stats.requests.byStatus['429'] ?? 0} answered 429); writes pending: ${backlog.pending}; record errors: ${errors.length}; tasks not created: ${failedTasks}`);
      allLanded &&= funnel.unscored === 0;
    } else {
      const funnel = await readOrgFunnel({ instanceUrl: org.instanceUrl, accessToken: org.issueTokens().accessToken, apiVersion: org.apiVersion });
      for (const line of renderFunnel('Funnel in the Salesforce org (open leads and contacts), read back with SOQL', funnel, 'people', 'lead or contact')) console.log(line);
      const stats = org.stats();
      console.log(`Salesforce API calls: ${stats.apiCalls}; writes pending: ${backlog.pending}; record errors: ${errors.length}; tasks not created: ${failedTasks}`);
    }
    if (errors[0]) console.log(`  first record error: ${errors[0].code} ${errors[0].message}`);
    allLanded &&= backlog.pending === 0 && errors.length === 0 && failedTasks === 0;
  }
  const people = await runtime.store.db.query<{ n: number; both: number }>(
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE (SELECT count(DISTINCT installation_id) FROM person_identities pi WHERE pi.person_id = p.id) > 1)::int AS both
       FROM people p`,
  );
  console.log(`\nOne company, one funnel: ${people.rows[0]?.n} people in the workspace, ${people.rows[0]?.both} of them in both systems`);

  if (values.once) {
    await serving.stop();
    await closeSandboxes();
    return allLanded ? 0 : 1;
  }
  console.log(`\nServing until Ctrl-C: ${serving.url}/metrics`);
  stopOnSignals(async () => {
    await serving.stop();
    await closeSandboxes();
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
