/**
 * npm run bench:sync:salesforce [-- --leads 10000 --sf-contacts 10000]
 * (also run by `npm run bench:sync`, after the HubSpot one)
 *
 * A first sync of a Salesforce org (leads, contacts, their campaign members, tasks and deals) against
 * the Salesforce sandbox, then a re-sync with nothing changed in the org. The sandbox runs in its own
 * process so the app's memory is measured alone, and the store is PGlite on disk (or DATABASE_URL, in
 * a schema of its own that is dropped at the end: the sandbox's org id is the same every run).
 *
 * Salesforce has no per-second request window, so the sandbox enforces none; the app still paces
 * itself at its Salesforce policy (src/rate-limit/salesforce-policies.constant.ts). The budget that
 * matters is the org's rolling 24-hour DailyApiRequests, shared with every other app of the org: the
 * figures to watch are calls against it, and how full each sObject Collections write is (≤ 200
 * records a call, so a full write-back needs ceil(records / 200) calls).
 */
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { integrationUserCredentials } from '../sandboxes/salesforce';
import type { StatsSnapshot } from '../sandboxes/salesforce/stats';
import { ensureInstallations } from '../src/app/bootstrap';
import { queueCounts, waitForIdle } from '../src/app/first-sync';
import { createRuntime } from '../src/app/runtime';
import { serve } from '../src/app/serve';
import { loadEnv } from '../src/config/env';
import { createLogger } from '../src/log/logger';
import { SALESFORCE_POLICIES } from '../connectors/salesforce/rate-policies.constant';
import { sandboxJson, startSandboxProcess } from './sandbox-process';
import { timedFirstSync } from './timed-first-sync';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '10000' },
    'sf-contacts': { type: 'string', default: '10000' },
  },
});
const LEADS = Number(values.leads);
const CONTACTS = Number(values['sf-contacts']);
/** The seeded org's history ends here; the app's clock is set from the sandbox's when the run starts. */
const ORG_NOW = '2026-11-27T12:00:00Z';
const POLICY = SALESFORCE_POLICIES.production;
/** sObject Collections: at most 200 records a call. */
const COLLECTION_MAX = 200;
/** A full write-back should average at least this many records per collection call (issue target). */
const TARGET_PER_CALL = 190;

/** What a request is, by the sandbox's endpoint pattern (first match wins). */
const KINDS: ReadonlyArray<[RegExp, string]> = [
  [/^\S+ \/services\/oauth2\//, 'oauth (free)'],
  [/\/services\/data\/vXX\.X\/(query|queryAll)\/:locator$/, 'queryMore'],
  [/\/services\/data\/vXX\.X\/(query|queryAll)$/, 'query'],
  [/\/services\/data\/vXX\.X\/jobs\/query/, 'bulk 2.0'],
  [/^PATCH \/services\/data\/vXX\.X\/composite\/sobjects$/, 'collection update'],
  [/^POST \/services\/data\/vXX\.X\/composite\/sobjects$/, 'collection create'],
  [/\/services\/data\/vXX\.X\/tooling\//, 'tooling'],
  [/\/services\/data\/vXX\.X\/sobjects/, 'describe'],
  [/\/services\/data\/vXX\.X\/limits$/, 'limits'],
];
const kindOf = (endpoint: string) => KINDS.find(([pattern]) => pattern.test(endpoint))?.[1] ?? 'other';

interface Limits {
  dailyApiLimit: number;
  used: number;
}

interface Org {
  url: string;
  loginUrl: string;
  instanceUrl: string;
  clientId: string;
  clientSecret: string;
  accessToken: string;
  refreshToken: string;
  apiVersion: string;
  orgId: string;
  leads: number;
  contacts: number;
  stop(): void;
}

/** The sandbox in a child process; its banner carries the credentials, the userinfo endpoint the org id. */
async function startOrg(): Promise<Org> {
  const script = join(__dirname, '..', 'sandboxes', 'salesforce', 'main.js');
  const sandbox = await startSandboxProcess(script, ['--port', '0', '--leads', String(LEADS), '--contacts', String(CONTACTS), '--now', ORG_NOW], /^Admin: /m);
  const field = (pattern: RegExp) => {
    const match = pattern.exec(sandbox.banner);
    if (!match) throw new Error(`the Salesforce sandbox did not print ${pattern}:\n${sandbox.banner}`);
    return match[1]!;
  };
  const url = field(/on (http:\/\/127\.0\.0\.1:\d+)/);
  const accessToken = field(/accessToken=(\S+)/);
  // OAuth identity: not counted against the API budget
  const identity = await sandboxJson<{ organization_id: string }>(`${url}/services/oauth2/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
  return {
    url,
    // the sandbox is both the login and the instance host
    loginUrl: url,
    instanceUrl: url,
    clientId: field(/clientId=(\S+)/),
    clientSecret: field(/clientSecret=(\S+)/),
    accessToken,
    refreshToken: field(/refreshToken=(\S+)/),
    apiVersion: field(/version: '([\d.]+)'/),
    orgId: identity.organization_id,
    leads: Number(field(/(\d+) Lead\b/)),
    contacts: Number(field(/(\d+) Contact\b/)),
    stop: sandbox.stop,
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const load = () => loadavg().map((n) => n.toFixed(2)).join(' / ');
const operation = (stats: StatsSnapshot, name: string) => stats.composite.byOperation[name] ?? { requests: 0, records: 0, failures: 0 };

function byKind(stats: StatsSnapshot): string {
  const kinds = new Map<string, number>();
  for (const [endpoint, n] of Object.entries(stats.requests.byEndpoint)) kinds.set(kindOf(endpoint), (kinds.get(kindOf(endpoint)) ?? 0) + n);
  return [...kinds].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind} ${n}`).join('; ');
}

async function main(): Promise<void> {
  const org = await startOrg();
  await sandboxJson(`${org.url}/__sandbox/stats/reset`, { method: 'POST' });
  const dataDir = mkdtempSync(join(tmpdir(), 'leadstage-bench-sf-'));
  const env = loadEnv({ ...process.env, NODE_ENV: 'production', LEADSTAGE_SECRET_KEY: 'a'.repeat(64) });
  const schema = env.DATABASE_URL ? `bench_sf_${process.pid}` : undefined;
  // the app's clock runs from the sandbox clock's reading, so an incremental window ends where the org's time is
  const orgStart = (await sandboxJson<{ epochMs: number }>(`${org.url}/__sandbox/clock`)).epochMs;
  const startedAt = Date.now();
  const runtime = await createRuntime({
    env,
    dataDir,
    prefix: `leadstage-bench-sf-${process.pid}`,
    logger: createLogger({ level: 'error' }),
    ratePolicies: { salesforce: POLICY },
    clock: () => orgStart + (Date.now() - startedAt),
    ...(schema ? { schema } : {}),
  });
  const serving = await serve(runtime, { web: false, worker: true, port: 0 });
  const [installation] = await ensureInstallations(runtime.store, runtime.box, 'Bench', 'config/rulebook.default.yaml', [
    {
      provider: 'salesforce',
      externalAccountId: org.orgId,
      displayName: 'Bench org',
      credentials: integrationUserCredentials(org),
    },
  ]);

  const people = org.leads + org.contacts;
  console.log(
    `Salesforce sync benchmark: ${org.leads.toLocaleString('en-US')} leads + ${org.contacts.toLocaleString('en-US')} contacts, ` +
      `store ${env.DATABASE_URL ? `PostgreSQL (schema ${schema})` : 'PGlite on disk'}, load average ${load()} (1/5/15 min, ${availableParallelism()} cores)`,
  );
  console.log(
    `  pacing: the app's Salesforce policy, ${POLICY.standard.max} requests per ${POLICY.standard.windowMs} ms; the sandbox enforces no per-second ` +
      'limit (Salesforce has none): the budget is the daily one',
  );

  // once a second: the app's RSS, and API calls the sandbox admitted in that second
  let peakRss = 0;
  let peakPerSecond = 0;
  let lastCalls = 0;
  let samples = 0;
  const sampler = setInterval(async () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const [stats, counts] = await Promise.all([sandboxJson<StatsSnapshot>(`${org.url}/__sandbox/stats`), queueCounts(runtime.queues)]);
    peakPerSecond = Math.max(peakPerSecond, stats.apiCalls - lastCalls);
    samples++;
    if (process.env.BENCH_TRACE) {
      const queues = (['sync', 'score', 'writeback', 'tasks'] as const).map((q) => `${q} ${counts[q].waiting}/${counts[q].active}/${counts[q].delayed}`).join('  ');
      const memory = process.memoryUsage();
      const update = operation(stats, 'update');
      console.log(`  sample ${String(samples).padStart(3)}: ${String(stats.apiCalls - lastCalls).padStart(3)} calls  updates ${update.records}/${update.requests}  ${queues}  rss ${mb(memory.rss)} heap ${mb(memory.heapUsed)}/${mb(memory.heapTotal)}`);
    }
    lastCalls = stats.apiCalls;
  }, 1_000);

  const syncSeconds = await timedFirstSync(runtime, installation!);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const first = await sandboxJson<StatsSnapshot>(`${org.url}/__sandbox/stats`);
  const limits = await sandboxJson<Limits>(`${org.url}/__sandbox/limits`);
  const update = operation(first, 'update');
  const create = operation(first, 'create');
  const count = async (sql: string) => (await runtime.store.db.query<{ n: number }>(sql, [installation!.id])).rows[0]!.n;
  const taskStatus = (await runtime.store.db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM tasks WHERE installation_id = $1 GROUP BY status ORDER BY status', [installation!.id])).rows;
  const tasks = taskStatus.find((row) => row.status === 'created')?.n ?? 0;
  const notCreated = taskStatus.filter((row) => row.status !== 'created').map((row) => `${row.n} ${row.status}`).join(', ');
  // jobs that gave up (a non-retryable CRM error): their work waits for the next job of that queue
  const failedJobs = Object.entries(await queueCounts(runtime.queues)).filter(([, c]) => c.failed > 0).map(([queue, c]) => `${queue} ${c.failed}`).join(', ');
  const written = await count('SELECT count(*)::int AS n FROM written_hashes WHERE installation_id = $1');
  const recordErrors = await runtime.store.outbox.listRecordErrors(installation!.id);
  const perCall = update.requests ? update.records / update.requests : 0;
  const byObject = Object.entries(first.writes.byObject).map(([object, n]) => `${object} ${n}`).join(', ');

  console.log(`\nFirst sync`);
  console.log(`  time                     ${syncSeconds.toFixed(1)} s   (${(people / syncSeconds).toFixed(0)} records/s, leads + contacts)`);
  console.log(`  API calls                ${first.apiCalls}; peak ${peakPerSecond}/s (app pacing ${POLICY.standard.max}/s)`);
  console.log(`  daily budget             ${limits.used} of DailyApiRequests ${limits.dailyApiLimit} used (${((100 * limits.used) / limits.dailyApiLimit).toFixed(2)}%)`);
  console.log(`  requests by kind         ${byKind(first)}`);
  console.log(`  record writes            ${update.records} records in ${update.requests} collection calls: ${perCall.toFixed(1)} per call (target ≥ ${TARGET_PER_CALL}; minimum ${Math.ceil(update.records / COLLECTION_MAX)} calls); ${update.failures} failed`);
  console.log(`                           incl. ${first.writes.autoAssigned} queue-owned leads handed to the assignment rule (Sforce-Auto-Assign: TRUE, calls of their own); ${written} people with a confirmed write`);
  console.log(`  tasks                    ${tasks} created in ${create.requests} collection calls (${create.records} records; minimum ${Math.ceil(create.records / COLLECTION_MAX)} calls)${notCreated ? `; not created: ${notCreated}` : ''}`);
  console.log(`  writes by object         ${byObject || 'none'}`);
  console.log(`  REQUEST_LIMIT_EXCEEDED   ${first.limitExceeded.total} (403s${first.limitExceeded.total ? `: ${JSON.stringify(first.limitExceeded.byReason)}` : ''}; target 0)`);
  console.log(`  responses by status      ${JSON.stringify(first.requests.byStatus)}; record errors ${recordErrors.length}${recordErrors[0] ? ` (first: ${recordErrors[0].code} ${recordErrors[0].message})` : ''}`);
  console.log(`  jobs that gave up        ${failedJobs || 'none'}`);
  console.log(`  reads                    ${first.queries.recordsReturned} rows by REST query (${first.queries.query + first.queries.queryAll} queries, ${first.queries.queryMore} queryMore), ${first.bulk.rowsReturned} by Bulk 2.0 (${first.bulk.jobsCreated} jobs)`);
  console.log(`  peak RSS (app process)   ${mb(peakRss)} (target < 300 MB, flat across org sizes)`);
  console.log(`  calls by endpoint        ${Object.entries(first.requests.byEndpoint).sort((a, b) => b[1] - a[1]).map(([e, n]) => `${e} ${n}`).join('; ')}`);

  // a re-sync with nothing changed in the org: each stream from its checkpoint. Our own write-back
  // stamped SystemModstamp on every record it wrote, so those come back once, and must not be
  // written again (their values did not change)
  const connector = await runtime.deps.connectorFor(installation!);
  const resyncStarted = Date.now();
  await runtime.enqueue.sync({ workspaceId: installation!.workspaceId, installationId: installation!.id, stream: connector.streams[0]!, then: connector.streams.slice(1) });
  await waitForIdle(runtime.queues, { timeoutMs: 10 * 60_000, pollMs: 200 });
  const after = await sandboxJson<StatsSnapshot>(`${org.url}/__sandbox/stats`);
  const resyncWriteCalls = operation(after, 'update').requests - update.requests + (operation(after, 'create').requests - create.requests);
  const resyncWritten = operation(after, 'update').records - update.records + (operation(after, 'create').records - create.records);
  const resyncRead = after.queries.recordsReturned - first.queries.recordsReturned + (after.bulk.rowsReturned - first.bulk.rowsReturned);
  console.log(`\nRe-sync with nothing changed in the org`);
  console.log(`  time                     ${((Date.now() - resyncStarted) / 1000).toFixed(1)} s`);
  console.log(`  API calls                ${after.apiCalls - first.apiCalls} (${resyncRead} rows read back: records our write-back stamped)`);
  console.log(`  write calls              ${resyncWriteCalls} (${resyncWritten} records; target 0)`);
  console.log(`  REQUEST_LIMIT_EXCEEDED   ${after.limitExceeded.total - first.limitExceeded.total}`);
  console.log(`  load average             ${load()} at the end`);

  await serving.stop();
  org.stop();
  if (schema) {
    const client = new Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
