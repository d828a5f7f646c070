/**
 * npm run demo [-- --seed 20261127 --contacts 2000 --leads 1000 --sf-contacts 1000 --once --port 3000]
 *
 * Starts two sandboxes on loopback, a seeded HubSpot portal (marketing) and a seeded Salesforce org
 * (sales), the web server and a worker; installs both systems as an admin would, through the
 * product's install flow (our /install link → the system's OAuth consent page, approved → our
 * callback exchanges the code; Salesforce's with PKCE, joining the workspace HubSpot's install
 * made), so they are two installations of one company; runs the first pass in phases, one after
 * the other (HubSpot's install and first sync, Salesforce's, everyone scored with the one rulebook,
 * the writes, the rep tasks); then prints each system's funnel read back through its API, as a rep
 * would see it, and how the two funnels add up to the company's people.
 * Keeps serving until Ctrl-C; --once exits after the first pass, with exit code 0 only if every
 * write and task landed and the funnels add up. Needs only Node and Redis.
 *
 * Standard output is the same in every run with the same options and seed: both portals' history
 * ends at the seed's fixed "now" and the app's clock starts there (DemoClock), and each phase starts
 * when the one before is done (DemoPhases). What differs per run (addresses, elapsed time) goes to
 * standard error, marked "(this run)".
 */
import { Redis } from 'ioredis';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { HUBSPOT_INSTALL_SCOPES } from '../connectors/hubspot/auth/oauth-app';
import { DEFAULT_NOW, DEFAULT_SEED, PORTAL_USERS, startHubSpotSandbox } from '../sandboxes/hubspot';
import { sharedFromHubSpot, startSalesforceSandbox, USERS as ORG_USERS } from '../sandboxes/salesforce';
import { waitForIdle } from '../src/app/first-sync';
import { RedisUnavailableError, createRuntime } from '../src/app/runtime';
import { serve, stopOnSignals } from '../src/app/serve';
import { loadEnv } from '../src/config/env';
import { createLogger } from '../src/log/logger';
import { withSafetyMargin } from '../src/rate-limit';
import type { Installation } from '../src/store';
import { readPortalFunnel, renderFunnel } from './demo-funnel';
import { readOrgFunnel, readOrgRecords } from './demo-funnel-salesforce';
import { installThroughConsent, LoopbackBrowser } from './demo-install';
import { DemoClock, DemoPhases } from './demo-phases';
import { countWorkspacePeople, renderReconciliation } from './demo-reconcile';
import { hubspotDesk, pendingHandoffs, renderStatuses, repBehaviour, salesforceDesk, slaFigures, type DemoHandoff, type RepBehaviour, type RepDesk } from './demo-sla';
import { DEFAULT_WEEKS, slaReport, type SlaCounts } from '../src/reports';

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
/** "Fri 2026-11-27 12:20 UTC". */
const shortTime = (ms: number) => `${new Date(ms).toUTCString().slice(0, 3)} ${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const percent = (share: number | null) => (share === null ? 'n/a' : `${Math.round(share * 100)} %`);
/** The SLA report's total as the Reports page shows it: handoffs by status, and the on-time share. */
function renderComplianceTotal(total: SlaCounts): string {
  return `${n(total.handoffs)} handoffs started in the last ${DEFAULT_WEEKS} weeks: met ${n(total.met)}, met late ${n(total.metLate)}, breached ${n(total.breached)}, ` +
    `expired ${n(total.expired)}, pending ${n(total.pending)}, closed ${n(total.closed)}; on time ${percent(total.onTimeRate)}, touched ${percent(total.touchedRate)}`;
}
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
  const asked = values.port === undefined ? 0 : wholeNumber('port', values.port, 65_535);
  const env = loadEnv();
  const started = Date.now();
  // Both portals' history ends at the same fixed instant and their clocks stand still there (they
  // only stamp our writes); the app's clock starts at that instant too, not at this machine's time
  const now = Date.parse(DEFAULT_NOW);
  const clock = new DemoClock(now);
  // HubSpot's 110 requests per 10 s, compressed to 1 s so the demo takes seconds, not minutes; the
  // app paces itself by the same policy, through the limiter every worker shares in Redis
  const policy = { standard: { max: 110, windowMs: 1_000 }, search: { max: 5, windowMs: 1_000 }, daily: null };
  // both systems' apps list our callback URLs, as a real app's settings do: the port is fixed first
  const port = asked === 0 ? await freePort() : asked;
  const web = `http://127.0.0.1:${port}`;
  const sandbox = await startHubSpotSandbox({
    port: 0,
    seed,
    contacts,
    now,
    clock: 'frozen',
    rateLimit: { maxPerWindow: policy.standard.max, windowMs: policy.standard.windowMs, searchMax: policy.search.max, searchWindowMs: policy.search.windowMs },
    warm: true,
    // Leadstage's public app: the scopes it asks for, our callback, and the public-app tier compressed as above
    app: {
      scopes: HUBSPOT_INSTALL_SCOPES.filter((s) => !s.optional).map((s) => s.scope),
      optionalScopes: HUBSPOT_INSTALL_SCOPES.filter((s) => s.optional).map((s) => s.scope),
      redirectUris: [`${web}/oauth/hubspot/callback`],
      rateLimit: { maxPerWindow: policy.standard.max, windowMs: policy.standard.windowMs },
    },
  });
  console.log(`HubSpot sandbox: ${n(contacts)} contacts, seed ${seed}, portal time ${new Date(sandbox.clock.now()).toISOString()}`);
  // as in a real company, people marketing handed to sales are in both systems under the same email
  const shared = { people: sharedFromHubSpot(sandbox.store.seed, { count: Math.min(SHARED_PEOPLE, Math.floor((leads + sfContacts) / 2)) }) };
  // nobody is logged in to the org's authorize page yet, so it shows its consent page
  const org = await startSalesforceSandbox({ port: 0, seed, leads, contacts: sfContacts, now, clock: 'frozen', shared, oauthSession: null, callbackUrls: [`${web}/oauth/salesforce/callback`] });
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
  // every phase waits its turn: an install's first sync waits for its phase, nothing is scored,
  // written or created before its phase
  await phases.hold(['sync', 'score', 'writeback', 'tasks', 'retention', 'sla']);
  let serving;
  try {
    serving = await serve(runtime, {
      web: true,
      worker: true,
      port,
      webOptions: {
        publicUrl: web,
        // the OAuth apps of both sandboxes, as an operator sets them for the real systems
        installEnv: {
          HUBSPOT_CLIENT_ID: sandbox.oauth.app.clientId,
          HUBSPOT_CLIENT_SECRET: sandbox.oauth.app.clientSecret,
          HUBSPOT_APP_ID: String(sandbox.oauth.app.appId),
          HUBSPOT_OAUTH_BASE_URL: sandbox.url,
          HUBSPOT_API_BASE_URL: sandbox.url,
          SALESFORCE_CLIENT_ID: org.clientId,
          SALESFORCE_CLIENT_SECRET: org.clientSecret,
          SALESFORCE_LOGIN_URL: org.loginUrl,
        },
      },
    });
  } catch (error) {
    await runtime.close();
    await closeSandboxes();
    await forgetDemoQueues(env.REDIS_URL, runtime.prefix);
    throw error;
  }
  console.log('Leadstage: web server (/install, /console, /healthz, /metrics) and worker started');
  console.error(`(this run) Leadstage web ${serving.url}`);
  // a demo that fails half-way still stops its servers and leaves nothing in Redis
  const shutdown = async () => {
    await serving.stop();
    await closeSandboxes();
    await forgetDemoQueues(env.REDIS_URL, runtime.prefix);
  };
  try {
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
    // an admin's browser: HubSpot's install signs it in, so Salesforce's joins the same workspace
    const admin = new LoopbackBrowser(web);
    const installed = async (provider: 'hubspot' | 'salesforce'): Promise<{ installation: Installation; admins: string }> => {
      const [row] = (await runtime.store.db.query<{ id: string; workspace_id: string }>('SELECT id, workspace_id FROM installations WHERE provider = $1', [provider])).rows;
      if (!row) throw new Error(`the ${provider} install finished, but no ${provider} installation was stored`);
      const installation = (await runtime.store.installations.get(row.workspace_id, row.id))!;
      const members = await runtime.store.users.listMembers(row.workspace_id);
      return { installation, admins: members.filter((m) => m.role === 'admin').map((m) => m.email).join(' and ') };
    };
    // one system after the other: a person in both gets the two systems' values in the same order in
    // every run (the later record's values win), not in whichever order two side-by-side syncs stored them
    const liveRecords = `SELECT count(*)::int AS n FROM person_identities WHERE installation_id = $1 AND retired_at IS NULL AND object_type IN ('contact', 'lead')`;
    const events = 'SELECT count(*)::int AS n FROM events WHERE installation_id = $1';
    const hubspotUser = PORTAL_USERS[0]!;
    await installThroughConsent(admin, 'hubspot', { pick: { user_id: String(hubspotUser.id) } });
    const { installation: hubspot, admins: hubspotAdmins } = await installed('hubspot');
    console.log(`  1. HubSpot installed through its OAuth consent page: portal ${hubspot.externalAccountId}, approved by ${hubspotUser.email}; ` +
      `a new workspace, admin ${hubspotAdmins} (${calls(phaseCalls().hubspot)})`);
    timed('HubSpot install');
    await phases.run(['sync'], timeout);
    console.log(`  2. HubSpot first sync: ${n(await count(liveRecords, [hubspot.id]))} contacts, ${n(await count(events, [hubspot.id]))} engagement events (${calls(phaseCalls().hubspot)})`);
    timed('HubSpot first sync');
    // the org's integration user approves, as the admin who sets up an integration does
    const orgUser = ORG_USERS.find((u) => u.id === org.userId)!;
    await installThroughConsent(admin, 'salesforce', { pick: { user_id: orgUser.id }, press: { approve: '1' } });
    const { installation: salesforce, admins: bothAdmins } = await installed('salesforce');
    if (salesforce.workspaceId !== hubspot.workspaceId) throw new Error('the Salesforce install made a workspace of its own instead of joining the admin\'s');
    console.log(`  3. Salesforce installed through its OAuth consent page (with PKCE): org ${salesforce.externalAccountId}, approved by ${orgUser.username}; ` +
      `the same workspace, admins ${bothAdmins} (${calls(phaseCalls().salesforce)})`);
    timed('Salesforce install');
    await phases.run(['sync'], timeout);
    console.log(`  4. Salesforce first sync: ${n(await count(liveRecords, [salesforce.id]))} open leads and contacts, ${n(await count(events, [salesforce.id]))} engagement events (${calls(phaseCalls().salesforce)})`);
    timed('Salesforce first sync');
    await phases.run(['score'], timeout);
    const scored = await count('SELECT count(*)::int AS n FROM person_state');
    console.log(`  5. Scored: ${n(scored)} people with the one rulebook, at ${new Date(clock.now()).toISOString()}`);
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
    console.log(`  6. Written back: ${n(writes.hubspot)} HubSpot contacts in ${n(batches.hubspot)} batch updates (${calls(wrote.hubspot)}), ` +
      `${n(writes.salesforce)} Salesforce leads and contacts in ${n(batches.salesforce)} collection updates (${calls(wrote.salesforce)})`);
    timed('write-back');
    await phases.run(['tasks'], timeout);
    const tasks = await perSystem(`SELECT count(*)::int AS n FROM tasks WHERE installation_id = $1 AND status = 'created'`);
    const tasked = phaseCalls();
    console.log(`  7. Rep tasks: ${n(tasks.hubspot)} created in HubSpot (${calls(tasked.hubspot)}), ${n(tasks.salesforce)} in Salesforce (${calls(tasked.salesforce)})`);
    timed('rep tasks');
    // what writing and the tasks left for each other (a task's follow-up write) lands before the count
    await phases.run(['writeback', 'tasks'], timeout);
    console.error(`(this run) first pass took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // what Leadstage cost each system in the first pass, before the SLA act and the read-back add to it
    const hubspotStats = sandbox.stats();
    const orgStats = org.stats();
    // a fresh session each time: the org's clock moves on by days in the SLA act
    const orgAccess = () => ({ instanceUrl: org.instanceUrl, accessToken: org.issueTokens().accessToken, apiVersion: org.apiVersion });

    // the SLA act: the reps answer their handoffs (or not) while the clock moves on, stop by stop
    const desks = {
      hubspot: hubspotDesk(sandbox.url, sandbox.token, () => sandbox.clock.now()),
      salesforce: salesforceDesk(orgAccess, () => org.clock.now()),
    };
    const systems = [{ name: 'HubSpot', installation: hubspot, desk: desks.hubspot }, { name: 'Salesforce', installation: salesforce, desk: desks.salesforce }] as const;
    // both CRMs and the app see the same instant at each stop (the CRMs stamp the reps' calls and our writes)
    const crmClocks = (instant: number) => {
      sandbox.clock.set(instant);
      org.clock.set(instant);
    };
    const waiting = await Promise.all(systems.map(async (s) => {
      const handoffs = await pendingHandoffs(runtime.store.db, s.installation.id);
      return { ...s, handoffs, by: (behaviour: RepBehaviour) => handoffs.filter((h) => repBehaviour(seed, h.crmId) === behaviour) };
    }));
    // a stop: the activity streams bring the logged calls in, the people are scored, the SLA ticks
    // (and scores again what it changed) until nothing is left, then the tasks and the writes go out
    const stop = async (instant: number, label: string) => {
      crmClocks(instant);
      clock.advanceTo(instant);
      for (const s of systems) await runtime.enqueue.sync({ workspaceId: s.installation.workspaceId, installationId: s.installation.id, stream: s.desk.stream, then: [] });
      await phases.run(['sync'], timeout);
      for (let round = 0; round < 10; round++) {
        await phases.run(['score'], timeout);
        for (const s of systems) await runtime.enqueue.sla({ workspaceId: s.installation.workspaceId, installationId: s.installation.id });
        await phases.run(['sla'], timeout);
        if ((await phases.waiting('score')) === 0) break;
      }
      clock.run();
      await phases.run(['tasks'], timeout);
      await phases.run(['writeback'], timeout);
      await phases.run(['writeback', 'tasks'], timeout);
      console.log(`     ${shortTime(instant)}, ${label}:`);
      for (const s of systems) {
        const f = await slaFigures(runtime.store.db, s.installation.id);
        console.log(`       ${s.name.padEnd(11)}${renderStatuses(f.byStatus)}; SLA tasks so far: escalation ${n(f.escalationTasks)}, cadence steps ${n(f.cadenceTasks)}`);
      }
      timed(`SLA stop ${label}`);
    };
    const logCalls = async (calls: Array<{ desk: RepDesk; handoff: DemoHandoff; at: number }>) => {
      // in time order, so each CRM's clock only moves forward
      for (const call of [...calls].sort((a, b) => a.at - b.at)) {
        crmClocks(call.at);
        await call.desk.logCall(call.handoff);
      }
    };
    const count3 = (b: RepBehaviour) => waiting.map((s) => `${n(s.by(b).length)} in ${s.name}`).join(', ');
    // the first pass hands over older SQLs too, whose first touch was due before the demo's "now"
    const overdue = waiting.map((s) => `${n(s.handoffs.filter((h) => h.firstTouchDueAt <= now).length)} in ${s.name}`).join(', ');
    console.log(`  8. SLA: the reps answer the ${waiting.map((s) => `${n(s.handoffs.length)} ${s.name}`).join(' and ')} handoffs waiting for a first touch ` +
      `(${overdue} overdue already); by the seed, ${count3('on time')} call at once; ${count3('late')} two hours after the due time; ${count3('never')} never`);
    const MINUTE = 60_000;
    const DAY = 86_400_000;
    const firstStop = now + 20 * MINUTE;
    // within the first-touch window: 5 minutes after the handoff (30 working minutes are due)
    await logCalls(waiting.flatMap((s) => s.by('on time').map((handoff) => ({ desk: s.desk, handoff, at: now + 5 * MINUTE }))));
    await stop(firstStop, `the on-time calls logged at ${shortTime(now + 5 * MINUTE)}`);
    // late: two hours after each first touch was due (in the owner's working hours), before the escalation a day later
    const secondStop = now + 4 * DAY;
    await logCalls(waiting.flatMap((s) => s.by('late').map((handoff) => ({ desk: s.desk, handoff, at: Math.min(Math.max(handoff.firstTouchDueAt + 2 * 3_600_000, firstStop + MINUTE), secondStop - MINUTE) }))));
    await stop(secondStop, 'the late calls logged, two hours after each first touch was due');
    await stop(now + 6 * DAY, 'after every escalation time');
    const report = await slaReport(runtime.store.db, hubspot.workspaceId, { now: new Date(clock.now()), weeks: DEFAULT_WEEKS });
    const escalationStatuses = await Promise.all(systems.map(async (s) => `${s.name}: ${renderStatuses(await s.desk.slaStatuses())}`));
    console.log(`       SLA status on the records, read back through the APIs: ${escalationStatuses.join('; ')}`);
    console.log(`       SLA compliance report (Reports page, both systems): ${renderComplianceTotal(report.total)}`);
    // the end of the cadence (14 days from the start, in working hours); a handoff whose last step
    // falls later (an owner's far zone) is followed to it
    await stop(now + 17 * DAY, 'after the end of the cadence');
    for (let extra = 0; extra < 3; extra++) {
      const later = await runtime.store.db.query<{ at: Date | string | null }>(
        `SELECT max(next_due_at) AS at FROM sla_handoffs WHERE workspace_id = $1 AND kind = 'handoff' AND closed_at IS NULL`,
        [hubspot.workspaceId],
      );
      const at = later.rows[0]?.at;
      if (!at) break;
      await stop(Math.max(new Date(at).getTime() + MINUTE, clock.now()), 'when the last open cadence ends');
    }
    console.log('');
    console.log('SLA figures of this run (rep handoffs, from the store; statuses read back from the records)');
    const figures = await Promise.all(systems.map((s) => slaFigures(runtime.store.db, s.installation.id)));
    const finalStatuses = await Promise.all(systems.map((s) => s.desk.slaStatuses()));
    const row = (label: string, values: number[]) => `  ${label.padEnd(44)}${values.map((v) => n(v).padStart(12)).join('')}`;
    console.log(`  ${''.padEnd(44)}${systems.map((s) => s.name.padStart(12)).join('')}`);
    console.log(row('handoffs opened', figures.map((f) => f.opened)));
    console.log(row('first touch met on time', figures.map((f) => f.metOnTime)));
    console.log(row('first touch met late', figures.map((f) => f.metLate)));
    console.log(row('breached and escalated', figures.map((f) => f.escalated)));
    console.log(row('  escalation tasks created', figures.map((f) => f.escalationTasks)));
    console.log(row('cadence step tasks created', figures.map((f) => f.cadenceTasks)));
    console.log(row('cadence ended with no outcome (expired)', figures.map((f) => f.expired)));
    console.log(row('  recycled to nurture', figures.map((f) => f.recycled)));
    console.log(row('  kept their stage (e.g. accepted by sales)', figures.map((f) => f.expired - f.recycled)));
    console.log(row('still pending', figures.map((f) => f.open)));
    systems.forEach((s, i) => console.log(`  SLA status on the ${s.name} records (API): ${renderStatuses(finalStatuses[i]!)}`));
    const finalReport = await slaReport(runtime.store.db, hubspot.workspaceId, { now: new Date(clock.now()), weeks: DEFAULT_WEEKS });
    console.log(`  SLA compliance report (Reports page, both systems): ${renderComplianceTotal(finalReport.total)}`);
    // the first pass is over: the periodic jobs the installs scheduled (the incremental sync every
    // 5 minutes, the nightly rescore) run from here on, as in production
    await phases.release();
    await waitForIdle(runtime.queues, { timeoutMs: 60_000, pollMs: 200 });

    let allLanded = true;
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
    console.log(`HubSpot API calls by Leadstage in the first pass: ${n(hubspotStats.requests.total)} (${hubspotStats.requests.byStatus['429'] ?? 0} answered 429); ${hubspotLine}`);
    for (const line of hubspotProblems) console.log(line);
    allLanded &&= portalFunnel.unscored === 0;

    console.log('');
    const orgFunnel = await readOrgFunnel(orgAccess());
    for (const line of renderFunnel('Funnel in the Salesforce org (open leads and contacts), read back with SOQL', orgFunnel, 'records', 'lead or contact')) console.log(line);
    const [orgLine, ...orgProblems] = await outcome(salesforce);
    console.log(`Salesforce API calls by Leadstage in the first pass: ${n(orgStats.apiCalls)}; ${orgLine}`);
    for (const line of orgProblems) console.log(line);
    allLanded &&= orgFunnel.unscored === 0;

    // the closing total, and how it follows from the two funnels
    const people = await countWorkspacePeople(runtime.store.db, { hubspot: hubspot.id, salesforce: salesforce.id });
    const reconciliation = renderReconciliation({ hubspot: portalFunnel.contacts, salesforce: orgFunnel.contacts }, people, await readOrgRecords(orgAccess()));
    console.log('');
    for (const line of reconciliation.lines) console.log(line);
    allLanded &&= reconciliation.addsUp;

    if (values.once) {
      await shutdown();
      return allLanded ? 0 : 1;
    }
    console.log('\nServing until Ctrl-C (/metrics on the Leadstage web address above)');
    stopOnSignals(shutdown, (line) => console.log(line));
    await new Promise(() => undefined);
    return 0;
  } catch (error) {
    await shutdown().catch(() => undefined);
    throw error;
  }
}

/** A port free on loopback now: the apps' callback URLs name it before our server listens on it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
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
