/**
 * npm run bench:webhook [-- --contacts 1500 --changes 1000 --spread-ms 10000]
 *
 * Webhooks against polling, in one run, at HubSpot's public-app limit (110 requests per 10 s per
 * installing account, which the sandbox enforces on the app's OAuth calls and our limiter paces to):
 *
 * 1. The HubSpot sandbox in a process of its own; the app installed as the public app (OAuth); a first
 *    sync, then one incremental pass of the contacts stream so its checkpoint is current.
 * 2. Webhooks on (creation, deletion, merge, privacy deletion, `jobtitle`, and the `leadstage_stage` and
 *    `lifecyclestage` we write, whose echoes our route must drop) to our server behind PUBLIC_URL.
 * 3. A CRM user edits `--changes` contacts' job titles, in steps every 500 ms over `--spread-ms`
 *    (0: one burst). Each title flips whether the contact is a target persona, so each changes the
 *    fit score and needs a write-back. The sandbox sends the signed webhooks; our route queues the
 *    records; the records job pulls them, they are scored, and the write-back lands.
 * 4. Latency per change: from the moment the change was made (sandbox clock, taken just before the
 *    change request) to the write-back landing (the contact's `lastmodifieddate` as the write stamped
 *    it, read back afterwards), p50 and p95; the app's API calls from its own request counter.
 * 5. Polling the same changes: one incremental pass of the contacts stream (the search on
 *    `lastmodifieddate`) from the checkpoint of step 1: its calls and time; then an idle pass (nothing
 *    changed) for what each poll costs anyway.
 *
 * The bench reads contacts itself with the sandbox's private-app token (its own rate tier), and those
 * reads are not counted as the app's.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { ensureInstallations } from '../src/app/bootstrap';
import { queueCounts, waitForIdle } from '../src/app/first-sync';
import { createRuntime, type Runtime } from '../src/app/runtime';
import { serve } from '../src/app/serve';
import { webhookRouteDeps } from '../src/app/webhooks';
import { loadEnv } from '../src/config/env';
import { createLogger } from '../src/log/logger';
import { parseRulebook } from '../src/rulebook/load';
import type { Installation } from '../src/store';
import { createWebApp } from '../src/web/web-app';
import { sandboxJson, startSandboxProcess, type SandboxProcess } from './sandbox-process';
import { timedFirstSync } from './timed-first-sync';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '1500' },
    changes: { type: 'string', default: '1000' },
    'spread-ms': { type: 'string', default: '10000' },
  },
});
const CONTACTS = Number(values.contacts);
const CHANGES = Number(values.changes);
const SPREAD_MS = Number(values['spread-ms']);
if (!(CHANGES > 0 && CHANGES <= CONTACTS)) throw new Error(`--changes must be between 1 and --contacts (${CONTACTS})`);
const STEP_MS = 500;
const STEPS = Math.max(1, Math.floor(SPREAD_MS / STEP_MS));
const PORTAL_NOW = Date.parse('2026-11-27T12:00:00Z');
const TOKEN = `bench-${process.pid}`;
const RULEBOOK = 'config/rulebook.default.yaml';
/** The default rulebook's target-persona titles: a title that matches is flipped to one that does not, and back. */
const PERSONA = (parseRulebook(readFileSync(RULEBOOK, 'utf8'), RULEBOOK).lists.persona_titles ?? []).map((pattern) => new RegExp(pattern, 'i'));
const isPersona = (title: string) => PERSONA.some((pattern) => pattern.test(title));

interface SandboxStats {
  requests: { total: number; byEndpoint: Record<string, number>; byStatus: Record<string, number> };
  webhooks: { eventsSent: number; eventsAcknowledged: number; eventsFailed: number; eventsRetried: number; requestsSent: number; latencyMs: { p50: number; p95: number; max: number } };
}

interface Contact {
  id: string;
  properties: Record<string, string | null>;
}

async function startSandbox(): Promise<{ url: string; process: SandboxProcess }> {
  const ready = /on (http:\/\/127\.0\.0\.1:\d+)/;
  const sandbox = await startSandboxProcess(
    join(__dirname, '..', 'sandboxes', 'hubspot', 'main.js'),
    ['--port', '0', '--contacts', String(CONTACTS), '--token', TOKEN, '--now', new Date(PORTAL_NOW).toISOString()],
    /Admin: /,
  );
  return { url: ready.exec(sandbox.banner)![1]!, process: sandbox };
}

/** Contacts read with the private-app token (the bench's own tier, not the app's quota). */
async function readContacts(url: string, ids: readonly string[], properties: string[]): Promise<Contact[]> {
  const out: Contact[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    const response = await fetch(`${url}/crm/v3/objects/contacts/batch/read`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: ids.slice(i, i + 100).map((id) => ({ id })), properties, propertiesWithHistory: [] }),
    });
    if (!response.ok && response.status !== 207) throw new Error(`batch read: ${response.status} ${await response.text()}`);
    out.push(...((await response.json()) as { results: Contact[] }).results);
  }
  return out;
}

async function appCalls(runtime: Runtime): Promise<number> {
  const { values: counts } = await runtime.metrics.apiCalls.get();
  return counts.reduce((sum, v) => sum + v.value, 0);
}

const percentile = (sorted: readonly number[], q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function endpointDelta(before: SandboxStats, after: SandboxStats): string {
  return Object.entries(after.requests.byEndpoint)
    .map(([endpoint, n]) => [endpoint, n - (before.requests.byEndpoint[endpoint] ?? 0)] as const)
    .filter(([endpoint, n]) => n > 0 && !endpoint.includes('__sandbox'))
    .sort((a, b) => b[1] - a[1])
    .map(([endpoint, n]) => `${endpoint} ${n}`)
    .join('; ');
}

async function pollContacts(runtime: Runtime, installation: Installation): Promise<void> {
  await runtime.enqueue.sync({ workspaceId: installation.workspaceId, installationId: installation.id, stream: 'contacts', then: [] });
  await waitForIdle(runtime.queues, { timeoutMs: 30 * 60_000, pollMs: 100 });
}

async function main(): Promise<void> {
  const sandbox = await startSandbox();
  const stats = () => sandboxJson<SandboxStats>(`${sandbox.url}/__sandbox/stats`);
  const post = <T>(path: string, body: unknown) => sandboxJson<T>(`${sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const dataDir = mkdtempSync(join(tmpdir(), 'leadstage-webhook-bench-'));

  // our server first, so PUBLIC_URL is known: the sandbox signs the URL it calls
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const publicUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const { app } = await sandboxJson<{ app: { appId: number; clientSecret: string } }>(`${sandbox.url}/__sandbox/oauth`);
  const token = await post<{ access_token: string; hub_id: number }>('/__sandbox/oauth/install', { optionalScopes: ['crm.objects.companies.read', 'crm.objects.deals.read', 'forms', 'content'] });
  const startedAt = Date.now();
  const runtime = await createRuntime({
    env: loadEnv({ ...process.env, NODE_ENV: 'production', LEADSTAGE_SECRET_KEY: 'b'.repeat(64), PUBLIC_URL: publicUrl }),
    dataDir,
    prefix: `leadstage-webhook-bench-${process.pid}`,
    logger: createLogger({ level: 'error' }),
    clock: () => PORTAL_NOW + (Date.now() - startedAt),
  });
  const environment = { HUBSPOT_CLIENT_SECRET: app.clientSecret, HUBSPOT_APP_ID: String(app.appId) };
  server.on('request', createWebApp({ runtime, installables: new Map(), publicUrl: '', secureCookies: false, clock: Date.now, webhooks: webhookRouteDeps(runtime, environment) }));
  const serving = await serve(runtime, { web: false, worker: true, port: 0 });
  const [installation] = await ensureInstallations(runtime.store, runtime.box, 'Webhook bench', RULEBOOK, [
    { provider: 'hubspot', externalAccountId: String(token.hub_id), displayName: 'Bench portal', credentials: { accessToken: token.access_token, basePath: sandbox.url }, ratePolicy: 'publicApp' },
  ]);

  console.log(`Webhook benchmark: ${CHANGES.toLocaleString('en-US')} contacts changed of ${CONTACTS.toLocaleString('en-US')}, ${STEPS === 1 ? 'in one burst' : `in ${STEPS} steps over ${seconds(SPREAD_MS)}`}; public-app limit 110 requests per 10 s (our pacing ${runtime.deps.connectors.get('hubspot').ratePolicies.publicApp!.standard.max}/10 s); store ${runtime.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite on disk'}; load average ${loadavg().map((n) => n.toFixed(2)).join(' / ')}`);
  const firstSync = await timedFirstSync(runtime, installation!);
  // the contacts stream caught up past the first sync's own write-back, so polling later reads only the changes
  await pollContacts(runtime, installation!);
  console.log(`  first sync ${seconds(firstSync * 1000)}, then the contacts stream caught up`);

  await post('/__sandbox/webhooks', {
    targetUrl: `${publicUrl}/webhooks/hubspot`,
    subscriptions: [
      ...['contact.creation', 'contact.deletion', 'contact.merge', 'contact.privacyDeletion'].map((subscriptionType) => ({ subscriptionType })),
      ...['jobtitle', 'leadstage_stage', 'lifecyclestage'].map((propertyName) => ({ subscriptionType: 'contact.propertyChange', propertyName })),
    ],
  });

  // the contacts to change, and each one's new title: the opposite persona of its current one
  const ids = Array.from({ length: CHANGES }, (_, i) => String(100_001 + i));
  const current = new Map((await readContacts(sandbox.url, ids, ['jobtitle'])).map((c) => [c.id, c.properties.jobtitle ?? '']));
  const newTitle = (id: string) => (isPersona(current.get(id) ?? '') ? 'Office Coordinator' : 'VP Plant Operations');

  const callsBefore = await appCalls(runtime);
  const statsBefore = await stats();
  const changeStarted = Date.now();
  // BENCH_TRACE=1: each half second's queue depths (waiting/active/delayed) and change buffer
  const trace = process.env.BENCH_TRACE
    ? setInterval(async () => {
      const counts = await queueCounts(runtime.queues);
      const queues = (['records', 'score', 'writeback', 'tasks'] as const).map((q) => `${q} ${counts[q].waiting}/${counts[q].active}/${counts[q].delayed}`).join('  ');
      console.log(`  ${seconds(Date.now() - changeStarted).padStart(8)}  buffer ${String(await runtime.deps.recordChanges!.pending(installation!.id)).padStart(4)}  ${queues}`);
    }, 500)
    : null;
  const changedAt = new Map<string, number>();
  const perStep = Math.ceil(CHANGES / STEPS);
  for (let step = 0; step < STEPS; step++) {
    const batch = ids.slice(step * perStep, (step + 1) * perStep);
    if (batch.length === 0) break;
    const due = changeStarted + step * STEP_MS;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    const { epochMs } = await sandboxJson<{ epochMs: number }>(`${sandbox.url}/__sandbox/clock`);
    await post('/__sandbox/contacts/change', { update: batch.map((id) => ({ id, properties: { jobtitle: newTitle(id) } })) });
    for (const id of batch) changedAt.set(id, epochMs);
  }

  // settle: deliveries answered, jobs done, and the deliveries of our own write-back's echoes too
  for (let round = 0; round < 3; round++) {
    for (;;) {
      const { stats: webhookStats } = await sandboxJson<{ stats: { pending: number; inFlight: number } }>(`${sandbox.url}/__sandbox/webhooks`);
      if (webhookStats.pending + webhookStats.inFlight === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await waitForIdle(runtime.queues, { timeoutMs: 30 * 60_000, pollMs: 100 });
  }
  if (trace) clearInterval(trace);
  const webhookCalls = (await appCalls(runtime)) - callsBefore;
  const statsAfter = await stats();

  const landed = await readContacts(sandbox.url, ids, ['lastmodifieddate', 'leadstage_fit_score']);
  const latencies = landed
    .map((c) => Date.parse(c.properties.lastmodifieddate ?? '') - changedAt.get(c.id)!)
    // a contact whose last modification is the user's change itself got no write-back
    .filter((ms) => ms > 0)
    .sort((a, b) => a - b);
  const records = (await runtime.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM person_identities WHERE installation_id = $1', [installation!.id])).rows[0]!.n;

  console.log(`\nWebhooks: change → write-back landed in the portal`);
  console.log(`  changes written back     ${latencies.length} of ${CHANGES}`);
  console.log(`  latency p50 / p95 / max  ${seconds(percentile(latencies, 0.5))} / ${seconds(percentile(latencies, 0.95))} / ${seconds(latencies.at(-1) ?? NaN)} (target p95 < 5 s)`);
  console.log(`  delivery (change → 2xx)  p50 ${statsAfter.webhooks.latencyMs.p50} ms, p95 ${statsAfter.webhooks.latencyMs.p95} ms; ${statsAfter.webhooks.requestsSent} requests, ${statsAfter.webhooks.eventsSent} events (our echoes included), ${statsAfter.webhooks.eventsRetried} retried, ${statsAfter.webhooks.eventsFailed} failed`);
  console.log(`  app API calls            ${webhookCalls} (${(webhookCalls / CHANGES).toFixed(3)} per change): ${endpointDelta(statsBefore, statsAfter)}`);
  console.log(`  429s                     ${statsAfter.requests.byStatus['429'] ?? 0}; contact records known ${records}`);

  // polling the same changes: the contacts stream's incremental search from the pre-change checkpoint
  const pollBefore = await appCalls(runtime);
  const pollStats = await stats();
  const pollStarted = Date.now();
  await pollContacts(runtime, installation!);
  const pollMs = Date.now() - pollStarted;
  const pollCalls = (await appCalls(runtime)) - pollBefore;
  const pollAfter = await stats();
  const idleBefore = await appCalls(runtime);
  await pollContacts(runtime, installation!);
  const idleCalls = (await appCalls(runtime)) - idleBefore;

  console.log(`\nPolling the same changes (one incremental pass of the contacts stream)`);
  console.log(`  app API calls            ${pollCalls} (${(pollCalls / CHANGES).toFixed(3)} per change): ${endpointDelta(pollStats, pollAfter)}`);
  console.log(`  pass time                ${seconds(pollMs)}; change → write-back = the wait for the next poll (0–5 min on the 5-minute schedule, 0–1 min polled every minute) + the pass + scoring and write-back`);
  console.log(`  a poll with nothing new  ${idleCalls} calls (every poll pays it; webhooks cost nothing while nothing changes)`);

  server.close();
  await serving.stop();
  // this run's keys (queues, limiter windows, the change buffer and its de-duplication markers)
  const redis = new Redis(runtime.env.REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${runtime.prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
  sandbox.process.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
