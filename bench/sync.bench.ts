/**
 * npm run bench:sync [-- --crm hubspot|salesforce|both] [--contacts 20000 --window-ms 10000 --max-per-window 110]
 *                    [--leads 10000 --sf-contacts 10000]
 *
 * Both CRMs by default: HubSpot here, then Salesforce (sync-salesforce.bench.ts, which
 * `npm run bench:sync:salesforce` runs alone) in a process of its own with this one's Node flags,
 * the worker's deployed heap budget, so each run's peak RSS is its own.
 *
 * HubSpot: a first sync of a HubSpot portal with engagement, against the sandbox enforcing HubSpot's request
 * rate: 110 per 10 s, the public-app limit, by default. A compressed window (`--window-ms 1000`)
 * runs faster but measures this machine's database and CPU more than the quota. The sandbox runs in
 * its own process so the app's memory is measured alone, and the store is PGlite on disk (or
 * DATABASE_URL), so memory reflects pages streaming through, not a database held in RAM. Then a
 * re-sync with nothing changed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureInstallations } from '../src/app/bootstrap';
import { queueCounts, waitForIdle } from '../src/app/first-sync';
import { createRuntime } from '../src/app/runtime';
import { serve } from '../src/app/serve';
import { loadEnv } from '../src/config/env';
import { createLogger } from '../src/log/logger';
import { withSafetyMargin } from '../src/rate-limit';
import { heaviestQueries, queryStatsEnabled } from '../src/store/query-stats';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process';
import { timedFirstSync } from './timed-first-sync';

const CRMS = ['hubspot', 'salesforce', 'both'] as const;
const { values } = parseArgs({
  options: {
    crm: { type: 'string', default: 'both' },
    // HubSpot
    contacts: { type: 'string', default: '20000' },
    'window-ms': { type: 'string', default: '10000' },
    'max-per-window': { type: 'string', default: '110' },
    // Salesforce (sync-salesforce.bench.ts)
    leads: { type: 'string', default: '10000' },
    'sf-contacts': { type: 'string', default: '10000' },
  },
});
const CRM = values.crm as (typeof CRMS)[number];
if (!CRMS.includes(CRM)) throw new Error(`--crm must be one of ${CRMS.join(', ')}, got "${values.crm}"`);
const CONTACTS = Number(values.contacts);
const WINDOW_MS = Number(values['window-ms']);
const MAX = Number(values['max-per-window']);
const SEARCH_MAX = 5;
/** The sandbox portal's history ends here; the app's clock runs from the same instant. */
const PORTAL_NOW = Date.parse('2026-11-27T12:00:00Z');

interface Stats {
  requests: { total: number; byEndpoint: Record<string, number>; byStatus: Record<string, number> };
}

async function startSandbox(): Promise<{ url: string; token: string; process: SandboxProcess }> {
  const token = `bench-${process.pid}`;
  const ready = /on (http:\/\/127\.0\.0\.1:\d+)/;
  const sandbox = await startSandboxProcess(
    join(__dirname, '..', 'sandboxes', 'hubspot', 'main.js'),
    ['--port', '0', '--contacts', String(CONTACTS), '--window-ms', String(WINDOW_MS), '--max-per-window', String(MAX), '--search-max', String(SEARCH_MAX), '--token', token, '--now', new Date(PORTAL_NOW).toISOString()],
    ready,
  );
  return { url: ready.exec(sandbox.banner)![1]!, token, process: sandbox };
}

async function sandboxStats(url: string): Promise<Stats> {
  return (await (await fetch(`${url}/__sandbox/stats`)).json()) as Stats;
}

const sum = (stats: Stats, test: (endpoint: string) => boolean) =>
  Object.entries(stats.requests.byEndpoint).reduce((total, [endpoint, n]) => total + (test(endpoint) ? n : 0), 0);

async function benchHubSpot(): Promise<void> {
  const sandbox = await startSandbox();
  const dataDir = mkdtempSync(join(tmpdir(), 'leadstage-bench-'));
  const env = loadEnv({ ...process.env, NODE_ENV: 'production', LEADSTAGE_SECRET_KEY: 'a'.repeat(64) });
  const policy = { standard: { max: MAX, windowMs: WINDOW_MS }, search: { max: SEARCH_MAX, windowMs: 1_000 }, daily: null };
  const startedAt = Date.now();
  const runtime = await createRuntime({
    env,
    dataDir,
    prefix: `leadstage-bench-${process.pid}`,
    logger: createLogger({ level: 'error' }),
    ratePolicies: { hubspot: withSafetyMargin(policy) },
    clock: () => PORTAL_NOW + (Date.now() - startedAt),
  });
  const serving = await serve(runtime, { web: false, worker: true, port: 0 });
  const [installation] = await ensureInstallations(runtime.store, runtime.box, 'Bench', 'config/rulebook.default.yaml', [
    { provider: 'hubspot', externalAccountId: `bench-${process.pid}`, displayName: 'Bench portal', credentials: { accessToken: sandbox.token, basePath: sandbox.url } },
  ]);

  console.log(`Sync benchmark: ${CONTACTS.toLocaleString('en-US')} contacts, HubSpot limit ${MAX} requests per ${WINDOW_MS} ms (+ search ${SEARCH_MAX}/s), store ${env.DATABASE_URL ? 'PostgreSQL' : 'PGlite on disk'}, load average ${loadavg().map((n) => n.toFixed(2)).join(' / ')}`);

  // sample once a second (or once per window if shorter): requests the sandbox answered, and
  // whether API work was pending; each sample's share of the quota is MAX × sample / window
  const SAMPLE_MS = Math.min(1_000, WINDOW_MS);
  const allowedPerSample = (MAX * SAMPLE_MS) / WINDOW_MS;
  let peakRss = 0;
  const windows: Array<{ requests: number; pending: boolean }> = [];
  let lastStandard = 0;
  const isSearch = (endpoint: string) => endpoint.endsWith('/search');
  const sampler = setInterval(async () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const [stats, counts] = await Promise.all([sandboxStats(sandbox.url), queueCounts(runtime.queues)]);
    const standard = sum(stats, (e) => !isSearch(e) && !e.includes('__sandbox'));
    // API work is pending when a job that calls the CRM is queued or running (a write-back that is
    // gathering a batch, or waiting for a retry time, is not waiting for quota)
    const pending = (['sync', 'writeback', 'tasks'] as const).some((q) => counts[q].waiting + counts[q].active > 0);
    windows.push({ requests: standard - lastStandard, pending });
    if (process.env.BENCH_TRACE) {
      const active = (['sync', 'score', 'writeback', 'tasks'] as const).map((q) => `${q} ${counts[q].waiting}/${counts[q].active}/${counts[q].delayed}`).join('  ');
      const memory = process.memoryUsage();
      const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
      console.log(`  sample ${String(windows.length).padStart(3)}: ${String(standard - lastStandard).padStart(3)} requests  ${pending ? 'pending' : 'idle   '}  ${active}  rss ${mb(memory.rss)} heap ${mb(memory.heapUsed)}/${mb(memory.heapTotal)} ext ${mb(memory.external)}`);
    }
    lastStandard = standard;
  }, SAMPLE_MS);

  const syncSeconds = await timedFirstSync(runtime, installation!);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  if (process.env.BENCH_HEAPSNAPSHOT) console.log(`heap snapshot: ${(await import('node:v8')).writeHeapSnapshot(process.env.BENCH_HEAPSNAPSHOT)}`);
  const first = await sandboxStats(sandbox.url);
  const writes = first.requests.byEndpoint['POST /crm/v3/objects/contacts/batch/update'] ?? 0;
  const taskCreates = first.requests.byEndpoint['POST /crm/v3/objects/tasks/batch/create'] ?? 0;
  const tasks = (await runtime.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM tasks WHERE status = 'created' AND installation_id = $1", [installation!.id])).rows[0]!.n;
  const written = (await runtime.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM written_hashes WHERE installation_id = $1', [installation!.id])).rows[0]!.n;
  const recordErrors = await runtime.store.outbox.listRecordErrors(installation!.id);
  const own429 = first.requests.byStatus['429'] ?? 0;
  const busy = windows.filter((w) => w.pending);
  // the first and last samples are partial
  const measured = busy.slice(1, -1);
  const utilisation = measured.length ? measured.reduce((total, w) => total + w.requests, 0) / (measured.length * allowedPerSample) : 0;

  console.log(`\nFirst sync`);
  console.log(`  time                     ${syncSeconds.toFixed(1)} s   (${(CONTACTS / syncSeconds).toFixed(0)} contacts/s)`);
  console.log(`  API calls                ${first.requests.total} (${sum(first, isSearch)} searches)`);
  console.log(`  contact writes           ${written} in ${writes} batch calls (minimum ${Math.ceil(written / 100)})`);
  console.log(`  tasks                    ${tasks} in ${taskCreates} batch calls (minimum ${Math.ceil(tasks / 100)})`);
  console.log(`  quota utilisation        ${(utilisation * 100).toFixed(1)}% of ${MAX} per ${WINDOW_MS} ms over ${((measured.length * SAMPLE_MS) / 1000).toFixed(0)} s with API work pending (target ≥ 90%)`);
  console.log(`  429s from our pacing     ${own429} (target 0)`);
  console.log(`  responses by status      ${JSON.stringify(first.requests.byStatus)}; record errors ${recordErrors.length}${recordErrors[0] ? ` (first: ${recordErrors[0].code} ${recordErrors[0].message})` : ''}`);
  console.log(`  peak RSS (app process)   ${(peakRss / 1024 / 1024).toFixed(0)} MB (target < 300 MB, flat across portal sizes)`);
  if (queryStatsEnabled()) printHeaviestQueries();
  console.log(`  calls by endpoint        ${Object.entries(first.requests.byEndpoint).filter(([e]) => !e.includes('__sandbox')).sort((a, b) => b[1] - a[1]).map(([e, n]) => `${e} ${n}`).join('; ')}`);

  // a re-sync with nothing changed in the portal: only reads; writes only where time itself changed
  // a rounded score (engagement decays between the two runs)
  const before = await sandboxStats(sandbox.url);
  const connector = await runtime.deps.connectorFor(installation!);
  const resyncStarted = Date.now();
  // everyone the re-sync re-scored gets a decision stamped with the app's clock from here on
  const resyncClock = new Date(PORTAL_NOW + (resyncStarted - startedAt));
  await runtime.enqueue.sync({ workspaceId: installation!.workspaceId, installationId: installation!.id, stream: connector.streams[0]!, then: connector.streams.slice(1) });
  await waitForIdle(runtime.queues, { timeoutMs: 30 * 60_000, pollMs: 200 });
  const after = await sandboxStats(sandbox.url);
  const delta = (endpoint: string) => (after.requests.byEndpoint[endpoint] ?? 0) - (before.requests.byEndpoint[endpoint] ?? 0);
  const resyncCalls = after.requests.total - before.requests.total;
  const resyncWrites = delta('POST /crm/v3/objects/contacts/batch/update') + delta('POST /crm/v3/objects/tasks/batch/create');
  const rescored = (await runtime.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM person_state WHERE workspace_id = $1 AND decided_at >= $2', [installation!.workspaceId, resyncClock])).rows[0]!.n;
  console.log(`\nRe-sync with nothing changed in the portal`);
  console.log(`  time                     ${((Date.now() - resyncStarted) / 1000).toFixed(1)} s`);
  console.log(`  API calls                ${resyncCalls} (reads only: ${resyncWrites === 0 ? 'yes' : 'no'})`);
  console.log(`  writes                   ${resyncWrites} (target 0)`);
  console.log(`  people re-scored         ${rescored} (target 0: our own write-back echoing is not a change)`);
  console.log(`  calls by endpoint        ${Object.keys(after.requests.byEndpoint).filter((e) => !e.includes('__sandbox') && delta(e) > 0).sort((a, b) => delta(b) - delta(a)).map((e) => `${e} ${delta(e)}`).join('; ')}`);

  await serving.stop();
  sandbox.process.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

/** LEADSTAGE_QUERY_STATS=1 (PostgreSQL): where the store's time went during the first sync. */
function printHeaviestQueries(): void {
  console.log('  heaviest statements      total ms / calls / max ms');
  for (const q of heaviestQueries(12)) {
    console.log(`    ${q.totalMs.toFixed(0).padStart(8)} ${String(q.calls).padStart(6)} ${q.maxMs.toFixed(0).padStart(6)}  ${q.sql.slice(0, 150)}`);
  }
}

/** The Salesforce benchmark in a child process with this process's Node flags; resolves with its exit code. */
function benchSalesforce(): Promise<number> {
  const script = join(__dirname, 'sync-salesforce.bench.js');
  const child = spawn(process.execPath, [...process.execArgv, script, '--leads', values.leads, '--sf-contacts', values['sf-contacts']], { stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

async function main(): Promise<number> {
  if (CRM !== 'salesforce') await benchHubSpot();
  if (CRM === 'hubspot') return 0;
  if (CRM === 'both') console.log('');
  return benchSalesforce();
}

void main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
