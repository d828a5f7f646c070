import type { Redis } from 'ioredis';
import './native-pglite';
import { keyFromBody } from '../../../connectors/hubspot/write/task-writer';
import { startHubSpotSandbox, type HubSpotSandbox, type HubSpotSandboxOptions } from '../../../sandboxes/hubspot';
import { ensureInstallations } from '../../../src/app/bootstrap';
import type { Runtime, RuntimeOptions } from '../../../src/app/runtime';
import type { RatePolicy } from '../../../src/rate-limit';
import type { Installation } from '../../../src/store';
import { openTestRuntime } from './test-runtime';

export { closeTestRuntime, failedJobs, uniqueRun } from './test-runtime';

/**
 * Shared set-up for the "sync at the API quota limit, nothing lost" suites: sandboxes over
 * loopback, a runtime on the real Redis (a unique BullMQ prefix per run) and the store, and
 * read-backs of what landed in the sandbox.
 */

/** Our own pacing, loose enough that only injected faults produce 429s and the runs stay short. */
export const FAST_POLICY: RatePolicy = { standard: { max: 2_000, windowMs: 10_000 }, search: { max: 200, windowMs: 1_000 }, daily: null };

/** Sandbox limits far above FAST_POLICY: every 429 a test sees is one it injected. */
export const WIDE_SANDBOX_LIMITS = { maxPerWindow: 100_000, searchMax: 10_000 } as const;

/** The properties every scored contact gets (others, such as the SQL date, depend on the stage). */
export const ALWAYS_WRITTEN = ['leadstage_stage', 'leadstage_priority', 'leadstage_score', 'leadstage_fit_score', 'leadstage_rulebook_version'] as const;

export async function startSandbox(options: HubSpotSandboxOptions): Promise<HubSpotSandbox> {
  return startHubSpotSandbox({ port: 0, rateLimit: WIDE_SANDBOX_LIMITS, warm: true, ...options });
}

/**
 * A runtime whose clock runs with wall time from the sandbox's "now", as in the e2e test (on the
 * in-process driver it also jumps when the driver skips a wait). Close it with closeTestRuntime.
 */
export async function startRuntime(sandbox: HubSpotSandbox, prefix: string, extra: Partial<RuntimeOptions> = {}): Promise<Runtime> {
  return openTestRuntime(prefix, { clock: sandboxAligned(sandbox.clock.now()), ratePolicies: { hubspot: FAST_POLICY }, ...extra });
}

/** A clock that starts at `start` (a sandbox's "now") and runs with wall time. */
export function sandboxAligned(start: number): () => number {
  const started = Date.now();
  return () => start + (Date.now() - started);
}

export async function connect(runtime: Runtime, run: string, portals: Array<{ name: string; sandbox: HubSpotSandbox; token?: string }>): Promise<Installation[]> {
  return ensureInstallations(
    runtime.store,
    runtime.box,
    `Company ${run}`,
    'config/rulebook.default.yaml',
    portals.map(({ name, sandbox, token }) => ({
      provider: 'hubspot' as const,
      externalAccountId: `${run}-${name}`,
      displayName: name,
      credentials: { accessToken: token ?? sandbox.token, basePath: sandbox.url },
    })),
  );
}

/** Contact ids in the sandbox that lack one of the always-written leadstage properties. */
export function unwrittenContacts(sandbox: HubSpotSandbox): string[] {
  const out: string[] = [];
  for (const record of sandbox.store.collection('contacts').scan()) {
    if (ALWAYS_WRITTEN.some((name) => !record.properties[name])) out.push(record.id);
  }
  return out;
}

/** Contact ids whose written leadstage_stage is `stage`. */
export function contactsAtStage(sandbox: HubSpotSandbox, stage: string): string[] {
  const out: string[] = [];
  for (const record of sandbox.store.collection('contacts').scan()) if (record.properties.leadstage_stage === stage) out.push(record.id);
  return out;
}

/** Tasks associated with each contact that has any, read from the sandbox's own association index. */
export function tasksPerContact(sandbox: HubSpotSandbox): Map<string, number> {
  return new Map([...sandbox.store.contactTasks.entries()].map(([contact, tasks]) => [contact, tasks.size]));
}

/** Every Leadstage task in the portal: its contact and its handoff key (the body's marker). */
export function leadstageTasks(sandbox: HubSpotSandbox): Array<{ contact: string; key: string | null }> {
  return [...sandbox.store.contactTasks.entries()].flatMap(([contact, ids]) =>
    [...ids].map((id) => ({ contact, key: keyFromBody(sandbox.store.tasks.get(id)?.properties.hs_task_body) })));
}

/**
 * Exactly one first-touch task per SQL and no task key twice (SPEC.md §3.10): the first touch carries
 * the handoff's own key (`<person>:sql:<start>`); cadence steps and escalations add a suffix, and the
 * only tasks on people who are not SQL are held handoffs' (`<person>:held:<start>`), for marketing.
 */
export function expectOneFirstTouchPerSql(sandbox: HubSpotSandbox): void {
  const sqls = contactsAtStage(sandbox, 'sql');
  expect(sqls.length).toBeGreaterThan(0);
  const tasks = leadstageTasks(sandbox);
  const keys = tasks.map((t) => t.key);
  expect(keys.every((key) => key !== null)).toBe(true);
  expect(new Set(keys).size).toBe(keys.length);
  expect(sandbox.store.tasks.count()).toBe(keys.length);
  const firstTouches = (contact: string) => tasks.filter((t) => t.contact === contact && /:sql:[^:]+:[^:]+:[^:]+$/.test(t.key!)).length;
  expect(sqls.map((id) => [id, firstTouches(id)])).toEqual(sqls.map((id) => [id, 1]));
  expect(tasks.filter((t) => !sqls.includes(t.contact)).every((t) => t.key!.includes(':held:'))).toBe(true);
}

/** Waits until `predicate` holds, polling; rejects with `what` after `timeoutMs`. */
export async function waitUntil(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs: number, pollMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Sum of a prom-client counter's values whose labels include `labels`. */
export async function counterValue(counter: { get(): Promise<{ values: Array<{ value: number; labels: Record<string, string | number> }> }> }, labels: Record<string, string> = {}): Promise<number> {
  const { values } = await counter.get();
  return values.filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want)).reduce((sum, v) => sum + v.value, 0);
}

/** Deletes every key under a prefix (tests that make their own Redis prefix outside the test runtime). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
