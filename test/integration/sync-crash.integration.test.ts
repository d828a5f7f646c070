import './support/native-pglite';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startFirstSync, waitForIdle } from '../../src/app/first-sync';
import type { Runtime } from '../../src/app/runtime';
import type { Installation } from '../../src/store';
import { closeTestRuntime, connect, contactsAtStage, startRuntime, startSandbox, tasksPerContact, uniqueRun, unwrittenContacts } from './support/sync-harness';
import { uniqueSchema } from './support/test-runtime';
import type { HubSpotSandbox } from '../../sandboxes/hubspot';
import { keyFromBody } from '../../connectors/hubspot/write/task-writer';

/**
 * A worker killed with SIGKILL mid-sync, and another killed mid-write-back: the next worker resumes
 * from the checkpoints and the outbox, and the portal ends with every contact written and exactly
 * one task per SQL. PGlite lives inside one process, so this runs on the PostgreSQL server (a schema
 * of its own), as production does.
 */
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECRET_KEY = randomBytes(32).toString('hex');

describe('a worker killed mid-sync', () => {
  const run = uniqueRun('crash');
  const schema = uniqueSchema('crash');
  let sandbox: HubSpotSandbox;
  let runtime: Runtime;
  let installation: Installation;
  const children: ChildProcess[] = [];
  const portalStart = { value: 0 };
  const wallStart = Date.now();

  function startWorker(): Promise<ChildProcess> {
    // node itself with tsx as a loader (not tsx's CLI, which runs the script in a grandchild that
    // SIGKILL would not reach)
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/integration/support/crash-worker.ts'], {
      env: {
        ...process.env,
        DATABASE_URL,
        LEADSTAGE_SECRET_KEY: SECRET_KEY,
        CRASH_PREFIX: run,
        CRASH_SCHEMA: schema,
        CRASH_PORTAL_START: String(portalStart.value),
        CRASH_WALL_START: String(wallStart),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve(child);
      });
      child.once('exit', (code, signal) => reject(new Error(`worker exited early (${code ?? signal})`)));
    });
  }

  async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const count = async (sql: string) => (await runtime.store.db.query<{ n: number }>(sql, [installation.id])).rows[0]!.n;

  beforeAll(async () => {
    sandbox = await startSandbox({ contacts: 400 });
    portalStart.value = sandbox.clock.now() - (Date.now() - wallStart);
    const previous = process.env.DATABASE_URL;
    const previousKey = process.env.LEADSTAGE_SECRET_KEY;
    process.env.DATABASE_URL = DATABASE_URL;
    process.env.LEADSTAGE_SECRET_KEY = SECRET_KEY;
    try {
      runtime = await startRuntime(sandbox, run, { schema });
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
      if (previousKey === undefined) delete process.env.LEADSTAGE_SECRET_KEY;
      else process.env.LEADSTAGE_SECRET_KEY = previousKey;
    }
    [installation] = (await connect(runtime, run, [{ name: 'crash', sandbox }])) as [Installation];

    // 1. kill a worker while the streams are being pulled
    const first = await startWorker();
    await startFirstSync(runtime, installation);
    await until('a few sync pages stored', async () => (await count('SELECT count(*)::int AS n FROM sync_checkpoints WHERE installation_id = $1')) >= 4);
    first.kill('SIGKILL');

    // 2. kill the next one while the write-back is under way
    const second = await startWorker();
    await until('the write-back to start', async () => (await count('SELECT count(*)::int AS n FROM written_hashes WHERE installation_id = $1')) > 0, 120_000);
    second.kill('SIGKILL');

    // 3. a third one finishes the work
    await startWorker();
    await waitForIdle(runtime.queues, { timeoutMs: 180_000 });
    await until('the outbox to drain', async () => (await runtime.store.outbox.outboxBacklog(installation.id)).pending === 0, 60_000);
    await waitForIdle(runtime.queues, { timeoutMs: 60_000 });
  }, 420_000);

  afterAll(async () => {
    // the workers first, so none writes after the clean-up; then the schema and every key of the run
    await Promise.all(children.map((child) => (child.exitCode !== null || child.signalCode !== null ? null : new Promise((resolve) => child.once('exit', resolve).kill('SIGKILL')))));
    await closeTestRuntime(runtime);
    await sandbox?.close();
  });

  it('wrote every contact, with nothing left in the outbox', async () => {
    expect(unwrittenContacts(sandbox)).toEqual([]);
    expect(await runtime.store.outbox.outboxBacklog(installation.id)).toMatchObject({ pending: 0 });
  });

  it('created exactly one first-touch task per SQL, and no task twice', async () => {
    const sqls = contactsAtStage(sandbox, 'sql');
    expect(sqls.length).toBeGreaterThan(0);
    // every task's handoff key (the body's marker) and the contact it is on
    const keyed = [...sandbox.store.contactTasks.entries()].flatMap(([contact, ids]) =>
      [...ids].map((id) => ({ contact, key: keyFromBody(sandbox.store.tasks.get(id)?.properties.hs_task_body) })));
    const keys = keyed.map((t) => t.key);
    expect(keys.every((key) => key !== null)).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    expect(sandbox.store.tasks.count()).toBe(keys.length);
    // the first touch is the handoff's own key; cadence steps and escalations add a suffix
    const firstTouches = (contact: string) => keyed.filter((t) => t.contact === contact && /:sql:[^:]+:[^:]+:[^:]+$/.test(t.key!) && !/:(step|escalation)/.test(t.key!)).length;
    expect(sqls.map((id) => [id, firstTouches(id)])).toEqual(sqls.map((id) => [id, 1]));
    // tasks on people who are not SQL are the held handoffs' (marketing completes missing fields)
    const notSql = keyed.filter((t) => !sqls.includes(t.contact));
    expect(notSql.every((t) => t.key!.includes(':held:'))).toBe(true);
    expect(tasksPerContact(sandbox).size).toBeGreaterThanOrEqual(sqls.length);
  });
});
