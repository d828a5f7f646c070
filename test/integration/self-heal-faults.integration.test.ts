import './support/native-pglite';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startFirstSync } from '../../src/app/first-sync';
import type { Runtime } from '../../src/app/runtime';
import { serve, type Serving } from '../../src/app/serve';
import { SYNC_EVERY_MS } from '../../src/app/self-heal';
import { loadEnv } from '../../src/config/env';
import { scheduleDecayRescore, scheduleIncrementalSync } from '../../src/queue/schedules';
import type { Installation } from '../../src/store';
import { OwnPostgres, OwnRedis, PG_BIN, REDIS_SERVER } from './support/own-servers';
import { closeTestRuntime, connect, contactsAtStage, counterValue, startRuntime, startSandbox, tasksPerContact, expectOneFirstTouchPerSql, uniqueRun, unwrittenContacts, waitUntil } from './support/sync-harness';
import type { HubSpotSandbox } from '../../sandboxes/hubspot';

/**
 * Fault tests on servers of their own (a redis-server and a PostgreSQL cluster on free ports,
 * started and killed by pid; the shared ones are never touched): Redis restarted without its data
 * mid-sync, PostgreSQL unreachable for a while, a CRM answering 503 to everything at start-up.
 * (A worker killed with SIGKILL mid-write is sync-crash.integration.test.ts.) Each ends with every
 * contact written, exactly one task per SQL, /readyz not ready during the fault and ready after.
 */
const available = REDIS_SERVER !== null && PG_BIN !== null;
const SECRET_KEY = randomBytes(32).toString('hex');

async function readyz(url: string): Promise<{ status: number; body: { status: string; checks: Record<string, string> } }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string; checks: Record<string, string> } };
}

function expectOneTaskPerSql(sandbox: HubSpotSandbox): void {
  expectOneFirstTouchPerSql(sandbox);
}

/** A runtime and the web and worker roles on our own Redis and PostgreSQL, short self-healing timings. */
async function startServing(sandbox: HubSpotSandbox, run: string, redis: OwnRedis, pg: OwnPostgres): Promise<{ runtime: Runtime; serving: Serving; installation: Installation }> {
  const env = loadEnv({ ...process.env, NODE_ENV: 'test', DATABASE_URL: pg.url, REDIS_URL: redis.url, LEADSTAGE_SECRET_KEY: SECRET_KEY });
  const runtime = await startRuntime(sandbox, run, { env, outboxLeaseMs: 3_000, heal: { pendingWriteBoundMs: 60_000 } });
  const serving = await serve(runtime, {
    web: true,
    worker: true,
    port: 0,
    reconcileEveryMs: 1_000,
    // the real budget is 30 minutes (infra-retry.unit.test.ts runs it on injected time); here the
    // waits are short so an outage of seconds is many more failed runs than 8 attempts would allow
    infraRetry: { budgetMs: 120_000, baseMs: 250, capMs: 1_000 },
    webOptions: { publicUrl: 'http://127.0.0.1' },
  });
  const [installation] = (await connect(runtime, run, [{ name: 'heal', sandbox }])) as [Installation];
  await startFirstSync(runtime, installation);
  const connector = await runtime.deps.connectorFor(installation);
  await scheduleIncrementalSync(runtime.queues.sync, { workspaceId: installation.workspaceId, installationId: installation.id, stream: connector.streams[0]!, then: connector.streams.slice(1) }, SYNC_EVERY_MS);
  await scheduleDecayRescore(runtime.queues.score, installation.workspaceId);
  return { runtime, serving, installation };
}

async function count(runtime: Runtime, sql: string, installationId: string): Promise<number> {
  return (await runtime.store.db.query<{ n: number }>(sql, [installationId])).rows[0]!.n;
}

/** Everything written, the outbox and tasks drained, the first sync done, /readyz ready. */
async function settled(runtime: Runtime, serving: Serving, sandbox: HubSpotSandbox, installation: Installation): Promise<void> {
  await waitUntil(
    'every contact written and /readyz ready',
    async () =>
      (await Promise.resolve().then(async () =>
      unwrittenContacts(sandbox).length === 0 &&
      (await runtime.store.outbox.outboxBacklog(installation.id)).pending === 0 &&
      (await count(runtime, `SELECT count(*)::int AS n FROM tasks WHERE installation_id = $1 AND status = 'pending'`, installation.id)) === 0 &&
      (await readyz(serving.url!)).status === 200).catch(() => false)), // the store may be coming back
    240_000,
    500,
  );
}

(available ? describe : describe.skip)('Redis restarted without its data mid-sync', () => {
  const run = uniqueRun('heal-redis');
  let redis: OwnRedis;
  let pg: OwnPostgres;
  let sandbox: HubSpotSandbox;
  let runtime: Runtime | undefined;
  let serving: Serving | undefined;
  let installation: Installation;
  const during: Array<{ status: number; checks: Record<string, string> }> = [];

  beforeAll(async () => {
    [redis, pg, sandbox] = await Promise.all([OwnRedis.start(), OwnPostgres.start(), startSandbox({ contacts: 300 })]);
    ({ runtime, serving, installation } = await startServing(sandbox, run, redis, pg));
    await waitUntil('a few sync pages stored', async () => (await count(runtime!, 'SELECT count(*)::int AS n FROM sync_checkpoints WHERE installation_id = $1', installation.id)) >= 3, 120_000, 50);

    // Redis dies (SIGKILL: no save) and comes back empty on the same port
    await redis.kill();
    const down = await readyz(serving.url!);
    during.push({ status: down.status, checks: down.body.checks });
    await redis.start();
    await settled(runtime, serving, sandbox, installation);
  }, 360_000);

  afterAll(async () => {
    await closeTestRuntime(runtime, serving).catch(() => undefined);
    await Promise.all([redis?.kill(), pg?.destroy(), sandbox?.close()]);
  });

  it('said not ready while Redis was gone, without raw error text', () => {
    expect(during[0]!.status).toBe(503);
    expect(Object.values(during[0]!.checks).every((word) => /^(ok|unavailable|timeout|missing|stuck|stalled|connection \w+)$/.test(word))).toBe(true);
  });

  it('re-created the schedulers, finished the first sync, wrote every contact once and one task per SQL', async () => {
    // the reconcile put back what the empty Redis lacked: both schedulers at least
    expect(serving!.reconciler!.totals().schedulersCreated).toBeGreaterThanOrEqual(2);
    expect(await runtime!.queues.sync.getJobScheduler(`sync-${installation.id}`)).toBeTruthy();
    expect(await runtime!.queues.score.getJobScheduler(`decay-${installation.workspaceId}`)).toBeTruthy();
    expect(unwrittenContacts(sandbox)).toEqual([]);
    expectOneTaskPerSql(sandbox);
    expect(await readyz(serving!.url!)).toMatchObject({ status: 200, body: { status: 'ready', checks: { store: 'ok', redis: 'ok', schedulers: 'ok', writes: 'ok', firstSync: 'ok' } } });
  });
});

(available ? describe : describe.skip)('PostgreSQL unreachable for a while', () => {
  /**
   * A real outage of 8 s: long enough that every job of the write-back and the sync meets it (the
   * store's sessions are terminated, new connections refused: the same errors as a 2-minute outage),
   * short enough for CI. The infrastructure retry waits 250 ms..1 s here, so a job fails its run
   * dozens of times during it, far more than the 8 attempts that used to be burned.
   */
  const OUTAGE_MS = 8_000;
  let infrastructureDelays = 0;
  const run = uniqueRun('heal-pg');
  let redis: OwnRedis;
  let pg: OwnPostgres;
  let sandbox: HubSpotSandbox;
  let runtime: Runtime | undefined;
  let serving: Serving | undefined;
  let installation: Installation;
  const during: Array<{ status: number; checks: Record<string, string> }> = [];

  beforeAll(async () => {
    [redis, pg, sandbox] = await Promise.all([OwnRedis.start(), OwnPostgres.start(), startSandbox({ contacts: 300 })]);
    ({ runtime, serving, installation } = await startServing(sandbox, run, redis, pg));
    const warn = runtime.logger.warn.bind(runtime.logger);
    runtime.logger.warn = ((message: string, ...rest: unknown[]) => {
      if (/job waits \(INFRASTRUCTURE_UNAVAILABLE\)/.test(message)) infrastructureDelays++;
      return (warn as (...args: unknown[]) => unknown)(message, ...rest);
    }) as typeof runtime.logger.warn;
    await waitUntil('writes under way', async () => (await count(runtime!, 'SELECT count(*)::int AS n FROM outbox WHERE installation_id = $1', installation.id)) > 0, 120_000, 50);

    await pg.stop();
    const stoppedAt = Date.now();
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      const down = await readyz(serving.url!);
      during.push({ status: down.status, checks: down.body.checks });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    await pg.start();
    await settled(runtime, serving, sandbox, installation);
  }, 360_000);

  afterAll(async () => {
    await closeTestRuntime(runtime, serving).catch(() => undefined);
    await Promise.all([redis?.kill(), pg?.destroy(), sandbox?.close()]);
  });

  it('said not ready, store unavailable, during the outage', () => {
    expect(during.length).toBeGreaterThan(3);
    for (const seen of during) expect(seen).toMatchObject({ status: 503, checks: { store: 'unavailable' } });
  });

  it('delayed the jobs that met the outage instead of failing them, and finished everything once', async () => {
    expect(infrastructureDelays).toBeGreaterThan(0);
    expect(await counterValue(runtime!.metrics.jobs, { outcome: 'delayed' })).toBeGreaterThan(0);
    expect(await counterValue(runtime!.metrics.jobs, { outcome: 'failed' })).toBe(0);
    expect(unwrittenContacts(sandbox)).toEqual([]);
    expectOneTaskPerSql(sandbox);
    expect((await readyz(serving!.url!)).status).toBe(200);
  });
});

interface Child {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** `leadstage <args>` from the sources in a process of its own (tsx as a loader, no build needed). */
function leadstage(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/integration/support/cli-child.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LEADSTAGE_SECRET_KEY: SECRET_KEY, PORT: '0', WORKER_HEALTH_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const split = (into: string[]) => {
    let rest = '';
    return (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop()!;
      into.push(...parts);
    };
  };
  child.stdout!.on('data', split(stdout));
  child.stderr!.on('data', split(stderr));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout,
    stderr,
    exited,
    async line(pattern, timeoutMs = 60_000) {
      let found: string | undefined;
      await waitUntil(`a line matching ${pattern} (stdout: ${stdout.join(' | ')}; stderr: ${stderr.slice(-5).join(' | ')})`, () => Boolean((found = stdout.find((l) => pattern.test(l)))), timeoutMs, 50);
      return found!;
    },
  };
}

(available ? describe : describe.skip)('a CRM answering 503 to everything at start-up', () => {
  let redis: OwnRedis;
  let pg: OwnPostgres;
  let sandbox: HubSpotSandbox;
  const children: Child[] = [];
  const env = () => ({ DATABASE_URL: pg.url, REDIS_URL: redis.url, HUBSPOT_ACCESS_TOKEN: sandbox.token, HUBSPOT_BASE_URL: sandbox.url, HUBSPOT_RATE_POLICY: 'privateStarter', LOG_LEVEL: 'error' });
  const start = (args: string[], extra: Record<string, string> = {}) => {
    const child = leadstage(args, { ...env(), ...extra });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    // the sandbox's history ends now, so the CLI's wall clock and the portal's agree
    [redis, pg, sandbox] = await Promise.all([OwnRedis.start(), OwnPostgres.start(), startSandbox({ contacts: 120, now: new Date().toISOString() })]);
  });

  afterAll(async () => {
    await Promise.all(children.map((c) => (c.child.exitCode !== null || c.child.signalCode !== null ? null : (c.child.kill('SIGKILL'), c.exited))));
    await Promise.all([redis?.kill(), pg?.destroy(), sandbox?.close()]);
  });

  it('past SETUP_TIMEOUT_SECONDS: exits 1 with one clear line, no stack trace', async () => {
    sandbox.faults.set({ errorRate: 1, errorStatus: 503 });
    const worker = start(['worker'], { SETUP_TIMEOUT_SECONDS: '3' });
    const code = await Promise.race([worker.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 45_000))]);
    expect(code).toBe(1);
    expect(worker.stderr).toHaveLength(1);
    expect(worker.stderr[0]).toMatch(/^setting up the HubSpot account did not succeed within 3 s \(SETUP_TIMEOUT_SECONDS\); last error: /);
  }, 60_000);

  it('SIGTERM while the setup is retrying: a graceful stop, exit 0', async () => {
    sandbox.faults.set({ errorRate: 1, errorStatus: 503 });
    const worker = start(['worker'], { SETUP_TIMEOUT_SECONDS: '120' });
    await worker.line(/^worker: processing/);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // a retry or two
    worker.child.kill('SIGTERM');
    const code = await Promise.race([worker.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 30_000))]);
    expect(code).toBe(0);
    expect(worker.stderr.some((line) => /^SIGTERM: finishing active jobs, then stopping/.test(line))).toBe(true);
  }, 60_000);

  it('a storm of a few seconds: not ready during it, then the setup succeeds, every contact is written once, ready after', async () => {
    sandbox.faults.set({ errorRate: 1, errorStatus: 503 });
    const app = start(['start'], { SETUP_TIMEOUT_SECONDS: '120' });
    const url = (await app.line(/^web: /)).match(/http:\/\/[\d.]+:\d+/)![0];
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const during = await readyz(url);
    expect(during.status).toBe(503);
    expect(during.body.checks).toMatchObject({ store: 'ok', redis: 'ok' });
    sandbox.faults.reset();
    await app.line(/^hubspot: first sync started/, 90_000);
    await waitUntil('every contact written and /readyz ready', async () => unwrittenContacts(sandbox).length === 0 && (await readyz(url).catch(() => ({ status: 0 }))).status === 200, 180_000, 500);
    expectOneTaskPerSql(sandbox);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  }, 300_000);
});
