/**
 * npm run demo [-- --seed 20261127 --contacts 2000 --leads 1000 --sf-contacts 1000 --once --port 3000]
 *
 * Starts two sandboxes on loopback, a seeded HubSpot portal (marketing) and a seeded Salesforce org
 * (sales), connected as two installations of one company; the web server and a worker; runs the
 * first pass in phases, one after the other (HubSpot's first sync, Salesforce's, everyone scored
 * with the one rulebook, the writes, the rep tasks); then prints each system's funnel read back
 * through its API, as a rep would see it, and how the two funnels add up to the company's people.
 * Keeps serving until Ctrl-C; --once exits after the first pass, with exit code 0 only if every
 * write and task landed and the funnels add up. Needs only Node and Redis.
 *
 * Standard output is the same in every run with the same options and seed: both portals' history
 * ends at the seed's fixed "now" and the app's clock starts there (DemoClock), and each phase starts
 * when the one before is done (DemoPhases). What differs per run (addresses, elapsed time) goes to
 * standard error, marked "(this run)".
 */
import { Redis } from 'ioredis';
import { parseArgs } from 'node:util';
import { DEFAULT_NOW, DEFAULT_SEED, startHubSpotSandbox } from '../sandboxes/hubspot';
import { integrationUserCredentials, sharedFromHubSpot, startSalesforceSandbox } from '../sandboxes/salesforce';
import { ensureInstallations } from '../src/app/bootstrap';
import { startFirstSync, waitForIdle } from '../src/app/first-sync';
import { RedisUnavailableError, createRuntime } from '../src/app/runtime';
import { serve, stopOnSignals } from '../src/app/serve';
import { loadEnv } from '../src/config/env';
import { createLogger } from '../src/log/logger';
import { withSafetyMargin } from '../src/rate-limit';
import type { Installation } from '../src/store';
import { readPortalFunnel, renderFunnel } from './demo-funnel';
import { readOrgFunnel, readOrgRecords } from './demo-funnel-salesforce';
import { DemoClock, DemoPhases } from './demo-phases';
import { countWorkspacePeople, renderReconciliation } from './demo-reconcile';

const USAGE = 'npm run demo [-- --seed 20261127 --contacts 2000 --leads 1000 --sf-contacts 1000 --once --port 3000]';

function parseOptions() {
  try {
    return parseArgs({
      options: {
        seed: { type: 'string', default: String(DEFAULT_SEED) },
        contacts: { type: 'string', default: '2000' },
        leads: { type: 'string', default: '1000' },
        'sf-contacts': { type: 'string', default: '1000' },
        once: { type: 'boolean', default: false },
        port: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: ${USAGE}`);
    process.exit(2);
  }
}

const values = parseOptions();

/** HubSpot contacts that are also Salesforce leads or contacts (every 5th; at most half the org). */
const SHARED_PEOPLE = 300;

/** A whole number option, or the usage line and exit code 2. */
function wholeNumber(name: string, text: string | undefined, max: number): number {
  const value = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || !Number.isSafeInteger(value) || value > max) {
    console.error(`--${name} must be a whole number from 0 to ${max}, got "${text}"\nusage: ${USAGE}`);
    process.exit(2);
  }
  return value;
}

const n = (value: number) => value.toLocaleString('en-US');
const calls = (value: number) => `${n(value)} API call${value === 1 ? '' : 's'}`;

async function main(): Promise<number> {
  if (values.help) {
    console.log(`usage: ${USAGE}`);
    return 0;
  }
  const seed = wholeNumber('seed', values.seed, 0xffff_ffff);
  const contacts = wholeNumber('contacts', values.contacts, 500_000);
  const leads = wholeNumber('leads', values.leads, 200_000);
  const sfContacts = wholeNumber('sf-contacts', values['sf-contacts'], 200_000);
  const port = values.port === undefined ? 0 : wholeNumber('port', values.port, 65_535);
  const env = loadEnv();
  const started = Date.now();
  // Both portals' history ends at the same fixed instant and their clocks stand still there (they
  // only stamp our writes); the app's clock starts at that instant too, not at this machine's time
  const now = Date.parse(DEFAULT_NOW);
  const clock = new DemoClock(now);
  // HubSpot's 110 requests per 10 s, compressed to 1 s so the demo takes seconds, not minutes; the
  // app paces itself by the same policy, through the limiter every worker shares in Redis
  const policy = { standard: { max: 110, windowMs: 1_000 }, search: { max: 5, windowMs: 1_000 }, daily: null };
  const sandbox = await startHubSpotSandbox({
    port: 0,
    seed,
    contacts,
    now,
    clock: 'frozen',
    rateLimit: { maxPerWindow: policy.standard.max, windowMs: policy.standard.windowMs, searchMax: policy.search.max, searchWindowMs: policy.search.windowMs },
    warm: true,
  });
  console.log(`HubSpot sandbox: ${n(contacts)} contacts, seed ${seed}, portal time ${new Date(sandbox.clock.now()).toISOString()}`);
  // as in a real company, people marketing handed to sales are in both systems under the same email
  const shared = { people: sharedFromHubSpot(sandbox.store.seed, { count: Math.min(SHARED_PEOPLE, Math.floor((leads + sfContacts) / 2)) }) };
  const org = await startSalesforceSandbox({ port: 0, seed, leads, contacts: sfContacts, now, clock: 'frozen', shared });
  console.log(`Salesforce sandbox: ${n(org.seedCounts.Lead ?? 0)} leads and ${n(org.seedCounts.Contact ?? 0)} contacts, ${n(shared.people.length)} of them people of the HubSpot portal`);
  console.error(`(this run) HubSpot sandbox ${sandbox.url}, Salesforce sandbox ${org.url}`);
  const closeSandboxes = async () => {
    await sandbox.close();
    await org.close();
  };

  let runtime;
  try {
    runtime = await createRuntime({
      env: { ...env, DATABASE_URL: undefined },
      // the demo's store is always in memory, even where DATABASE_URL names a server
      dataDir: 'memory',
      prefix: `leadstage-demo-${process.pid}`,
      clock: clock.now,
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
  const phases = new DemoPhases(runtime.queues);
  // later phases wait their turn: nothing is scored, written or created before its phase
  await phases.hold(['score', 'writeback', 'tasks']);
  const serving = await serve(runtime, { web: true, worker: true, port });
  console.log('Leadstage: web server (/healthz, /readyz, /metrics) and worker started');
  console.error(`(this run) Leadstage web ${serving.url}`);

  // one company, two systems: one workspace, one rulebook, one person across both
  const [hubspot, salesforce] = (await ensureInstallations(runtime.store, runtime.box, 'Demo company', env.RULEBOOK_PATH, [
    { provider: 'hubspot', externalAccountId: 'demo-portal', displayName: 'Demo HubSpot portal', credentials: { accessToken: sandbox.token, basePath: sandbox.url } },
    {
      provider: 'salesforce',
      externalAccountId: org.orgId,
      displayName: 'Demo Salesforce org',
      credentials: integrationUserCredentials(org),
    },
  ])) as [Installation, Installation];
  const timeout = { timeoutMs: 15 * 60_000 };
  const count = async (sql: string, params: unknown[] = []) => (await runtime.store.db.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0;
  const perSystem = async (sql: string) => ({ hubspot: await count(sql, [hubspot.id]), salesforce: await count(sql, [salesforce.id]) });
  // the phases run one at a time, so the calls a sandbox counted since the last phase are this phase's
  let counted = { hubspot: 0, salesforce: 0 };
  const phaseCalls = () => {
    const total = { hubspot: sandbox.stats().requests.total, salesforce: org.stats().apiCalls };
    const spent = { hubspot: total.hubspot - counted.hubspot, salesforce: total.salesforce - counted.salesforce };
    counted = total;
    return spent;
  };

  let phaseStarted = Date.now();
  const timed = (label: string) => {
    console.error(`(this run) ${label} took ${((Date.now() - phaseStarted) / 1000).toFixed(1)} s`);
    phaseStarted = Date.now();
  };
  console.log('First pass, one phase after the other:');
  // one system after the other: a person in both gets the two systems' values in the same order in
  // every run (the later record's values win), not in whichever order two side-by-side syncs stored them
  const liveRecords = `SELECT count(*)::int AS n FROM person_identities WHERE installation_id = $1 AND retired_at IS NULL AND object_type IN ('contact', 'lead')`;
  const events = 'SELECT count(*)::int AS n FROM events WHERE installation_id = $1';
  await startFirstSync(runtime, hubspot);
  await phases.idle(['sync'], timeout);
  console.log(`  1. HubSpot first sync: ${n(await count(liveRecords, [hubspot.id]))} contacts, ${n(await count(events, [hubspot.id]))} engagement events (${calls(phaseCalls().hubspot)})`);
  timed('HubSpot first sync');
  await startFirstSync(runtime, salesforce);
  await phases.idle(['sync'], timeout);
  console.log(`  2. Salesforce first sync: ${n(await count(liveRecords, [salesforce.id]))} open leads and contacts, ${n(await count(events, [salesforce.id]))} engagement events (${calls(phaseCalls().salesforce)})`);
  timed('Salesforce first sync');
  await phases.run(['score'], timeout);
  const scored = await count('SELECT count(*)::int AS n FROM person_state');
  console.log(`  3. Scored: ${n(scored)} people with the one rulebook, at ${new Date(clock.now()).toISOString()}`);
  timed('scoring');
  // from here on the app's clock runs: a write that has to be retried waits its turn, as in production
  clock.run();
  const writes = await perSystem('SELECT count(*)::int AS n FROM outbox WHERE installation_id = $1');
  await phases.run(['writeback'], timeout);
  const wrote = phaseCalls();
  const batches = {
    hubspot: sandbox.stats().requests.byEndpoint['POST /crm/v3/objects/contacts/batch/update'] ?? 0,
    salesforce: org.stats().composite.byOperation.update?.requests ?? 0,
  };
  console.log(`  4. Written back: ${n(writes.hubspot)} HubSpot contacts in ${n(batches.hubspot)} batch updates (${calls(wrote.hubspot)}), ` +
    `${n(writes.salesforce)} Salesforce leads and contacts in ${n(batches.salesforce)} collection updates (${calls(wrote.salesforce)})`);
  timed('write-back');
  await phases.run(['tasks'], timeout);
  const tasks = await perSystem(`SELECT count(*)::int AS n FROM tasks WHERE installation_id = $1 AND status = 'created'`);
  const tasked = phaseCalls();
  console.log(`  5. Rep tasks: ${n(tasks.hubspot)} created in HubSpot (${calls(tasked.hubspot)}), ${n(tasks.salesforce)} in Salesforce (${calls(tasked.salesforce)})`);
  timed('rep tasks');
  await waitForIdle(runtime.queues, { timeoutMs: 60_000, pollMs: 200 });
  console.error(`(this run) first pass took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // what Leadstage cost each system, before the demo's own read-back below adds to it
  const hubspotStats = sandbox.stats();
  const orgStats = org.stats();

  let allLanded = true;
  const orgAccess = { instanceUrl: org.instanceUrl, accessToken: org.issueTokens().accessToken, apiVersion: org.apiVersion };
  const outcome = async (installation: Installation) => {
    const backlog = await runtime.store.outbox.outboxBacklog(installation.id);
    const errors = await runtime.store.outbox.listRecordErrors(installation.id);
    const failed = await runtime.store.db.query<{ n: number; error: string | null }>(
      `SELECT count(*)::int AS n, min(error) AS error FROM tasks WHERE installation_id = $1 AND status <> 'created'`,
      [installation.id],
    );
    const notCreated = failed.rows[0]?.n ?? 0;
    allLanded &&= backlog.pending === 0 && errors.length === 0 && notCreated === 0;
    const lines = [`writes pending: ${backlog.pending}; record errors: ${errors.length}; tasks not created: ${notCreated}`];
    if (errors[0]) lines.push(`  first record error: ${errors[0].code} ${errors[0].message}`);
    if (notCreated > 0 && failed.rows[0]?.error) lines.push(`  a task not created: ${failed.rows[0].error}`);
    return lines;
  };

  console.log('');
  const portalFunnel = await readPortalFunnel(sandbox.url, sandbox.token);
  for (const line of renderFunnel('Funnel in the HubSpot portal, read back through its API', portalFunnel)) console.log(line);
  const [hubspotLine, ...hubspotProblems] = await outcome(hubspot);
  console.log(`HubSpot API calls by Leadstage: ${n(hubspotStats.requests.total)} (${hubspotStats.requests.byStatus['429'] ?? 0} answered 429); ${hubspotLine}`);
  for (const line of hubspotProblems) console.log(line);
  allLanded &&= portalFunnel.unscored === 0;

  console.log('');
  const orgFunnel = await readOrgFunnel(orgAccess);
  for (const line of renderFunnel('Funnel in the Salesforce org (open leads and contacts), read back with SOQL', orgFunnel, 'records', 'lead or contact')) console.log(line);
  const [orgLine, ...orgProblems] = await outcome(salesforce);
  console.log(`Salesforce API calls by Leadstage: ${n(orgStats.apiCalls)}; ${orgLine}`);
  for (const line of orgProblems) console.log(line);
  allLanded &&= orgFunnel.unscored === 0;

  // the closing total, and how it follows from the two funnels
  const people = await countWorkspacePeople(runtime.store.db, { hubspot: hubspot.id, salesforce: salesforce.id });
  const reconciliation = renderReconciliation({ hubspot: portalFunnel.contacts, salesforce: orgFunnel.contacts }, people, await readOrgRecords(orgAccess));
  console.log('');
  for (const line of reconciliation.lines) console.log(line);
  allLanded &&= reconciliation.addsUp;

  if (values.once) {
    await serving.stop();
    await closeSandboxes();
    await forgetDemoQueues(env.REDIS_URL, runtime.prefix);
    return allLanded ? 0 : 1;
  }
  console.log('\nServing until Ctrl-C (/metrics on the Leadstage web address above)');
  stopOnSignals(async () => {
    await serving.stop();
    await closeSandboxes();
    await forgetDemoQueues(env.REDIS_URL, runtime.prefix);
  }, (line) => console.log(line));
  await new Promise(() => undefined);
  return 0;
}

/** The demo's store lives in memory; its queues are dropped too, so a demo leaves nothing in Redis. */
async function forgetDemoQueues(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
