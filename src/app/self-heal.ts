import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger';
import { DEDUP_ID } from '../queue/enqueuer';
import type { QueueName } from '../queue/job-data';
import { DECAY_RESCORE_PATTERN, scheduleDecayRescore, scheduleIncrementalSync, scheduleRetention, scheduleSlaTick } from '../queue/schedules';
import { firstSyncPhases } from '../sync/first-sync-phases';
import type { HealOptions } from './heal-options';
import type { Runtime } from './runtime';

/** How often an installation's incremental sync runs (the scheduler the reconcile re-creates). */
export const SYNC_EVERY_MS = 5 * 60_000;

/** How often the worker process reconciles what Redis holds with what the store says is owed. */
export const RECONCILE_EVERY_MS = 60_000;

/** Writes waiting longer than this make /readyz say the write-back is stuck. */
export const PENDING_WRITE_BOUND_MS = 30 * 60_000;

/**
 * The words a readiness check may answer: fixed, so no raw error text (hosts, SQL, tokens) ever
 * reaches a probe or a terminal.
 */
export type CheckWord = 'ok' | 'unavailable' | 'missing' | 'stuck' | 'stalled';

export interface InstallationWork {
  installationId: string;
  workspaceId: string;
  provider: string;
  /** The incremental sync's job scheduler exists in Redis. */
  syncScheduler: boolean;
  /** The workspace's nightly decay rescore scheduler exists in Redis. */
  rescoreScheduler: boolean;
  /** The workspace's time zone: its nightly rescore runs after midnight there. */
  timeZone: string;
  pendingWrites: number;
  /** Age in seconds of the oldest pending write (store time), or null with none. */
  oldestWriteSeconds: number | null;
  pendingTasks: number;
  /**
   * Its first sync was started (its setup ran). Until then the reconcile leaves it alone: the setup
   * (ensuring the CRM-side schema, then the first sync) comes first, and a scheduler would pull
   * incrementally ahead of it.
   */
  firstSyncStarted: boolean;
  /** A first sync is started and not caught up. */
  firstSyncRunning: boolean;
  /** …and no sync job exists for any of its streams still to pull: nothing will finish it. */
  firstSyncStalled: boolean;
  /** First-run streams not caught up yet (what a restart enqueues). */
  firstSyncStreams: string[];
  /** Seconds since the newest stored checkpoint of each stream. */
  lag: Record<string, number>;
  /** The connector's streams: the first is where the incremental sync starts. */
  streams: string[];
}

export interface WorkReport {
  installations: InstallationWork[];
  queueDepth: Record<QueueName, number>;
  /** schedulers / writes / firstSync: fixed words. */
  checks: Record<'schedulers' | 'writes' | 'firstSync', CheckWord>;
}

export type { HealOptions } from './heal-options';

const FIRST_RUN = 'first-run:';

interface ActiveRow {
  id: string;
  workspace_id: string;
  provider: string;
}

/**
 * What Redis should hold for the work the store says is owed, and what it holds: every active
 * installation's schedulers, jobs for pending writes and tasks, and a sync job for every first sync
 * still running. Read-only; `reconcile` repairs what this finds.
 */
export async function inspectWork(runtime: Runtime, options: HealOptions = {}): Promise<WorkReport> {
  const queues = runtime.queues;
  const bound = (options.pendingWriteBoundMs ?? PENDING_WRITE_BOUND_MS) / 1000;
  // every workspace's installations: a system-wide view, not a repository method
  const { rows } = await runtime.store.db.query<ActiveRow>(`SELECT id, workspace_id, provider FROM installations WHERE status = 'active' ORDER BY created_at, id`);
  const installations: InstallationWork[] = [];
  for (const row of rows) installations.push(await inspectInstallation(runtime, queues, row));
  const queueDepth = await depths(queues);
  const checks: WorkReport['checks'] = {
    schedulers: installations.every((i) => !i.firstSyncStarted || (i.syncScheduler && i.rescoreScheduler)) ? 'ok' : 'missing',
    writes: installations.every((i) => i.oldestWriteSeconds === null || i.oldestWriteSeconds <= bound) ? 'ok' : 'stuck',
    // stalled: no job carries it, or its setup never got as far as starting it
    firstSync: installations.every((i) => i.firstSyncStarted && !i.firstSyncStalled) ? 'ok' : 'stalled',
  };
  return { installations, queueDepth, checks };
}

async function inspectInstallation(runtime: Runtime, queues: Record<QueueName, Queue>, row: ActiveRow): Promise<InstallationWork> {
  const { store } = runtime;
  const connector = await runtime.deps.connectorFor(await runtime.deps.installation(row.workspace_id, row.id));
  const streams = [...connector.streams];
  const [outbox, tasks, checkpoints, syncScheduler, rescoreScheduler, timeZone] = await Promise.all([
    store.db.query<{ pending: number; age: number | null }>(
      `SELECT count(*)::int AS pending, EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS age FROM outbox WHERE installation_id = $1`,
      [row.id],
    ),
    store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE installation_id = $1 AND status = 'pending'`, [row.id]),
    store.db.query<{ stream: string; age: number }>(`SELECT stream, EXTRACT(EPOCH FROM now() - updated_at)::float8 AS age FROM sync_checkpoints WHERE installation_id = $1`, [row.id]),
    queues.sync.getJobScheduler(`sync-${row.id}`),
    queues.score.getJobScheduler(`decay-${row.workspace_id}`),
    store.workspaces.getTimeZone(row.workspace_id),
  ]);
  const marks = new Set(checkpoints.rows.map((c) => c.stream));
  const firstSyncStarted = marks.has(`${FIRST_RUN}started`);
  const firstSyncRunning = firstSyncStarted && !streams.every((s) => marks.has(`${FIRST_RUN}${s}`));
  let firstSyncStreams: string[] = [];
  let firstSyncStalled = false;
  if (firstSyncRunning) {
    // the phase under way: the first one with a stream not caught up
    const phase = firstSyncPhases(connector).find((p) => p.some((s) => !marks.has(`${FIRST_RUN}${s}`))) ?? streams;
    firstSyncStreams = phase.filter((s) => !marks.has(`${FIRST_RUN}${s}`));
    const jobs = await Promise.all(firstSyncStreams.map((stream) => liveJob(queues.sync, DEDUP_ID.sync({ installationId: row.id, stream } as never))));
    firstSyncStalled = !jobs.some(Boolean);
  }
  const lag: Record<string, number> = {};
  for (const c of checkpoints.rows) if (!c.stream.startsWith(FIRST_RUN)) lag[c.stream] = Math.max(0, Number(c.age));
  const age = outbox.rows[0]?.age;
  return {
    installationId: row.id,
    workspaceId: row.workspace_id,
    provider: row.provider,
    syncScheduler: Boolean(syncScheduler),
    // at the workspace's midnight: a zone changed since (leadstage workspace time-zone) moves it
    rescoreScheduler: Boolean(rescoreScheduler) && rescoreScheduler?.pattern === DECAY_RESCORE_PATTERN && (rescoreScheduler?.tz ?? 'UTC') === timeZone,
    timeZone,
    pendingWrites: Number(outbox.rows[0]?.pending ?? 0),
    oldestWriteSeconds: age === null || age === undefined ? null : Math.max(0, Number(age)),
    pendingTasks: Number(tasks.rows[0]?.n ?? 0),
    firstSyncStarted,
    firstSyncRunning,
    firstSyncStalled,
    firstSyncStreams,
    lag,
    streams,
  };
}

/** A de-duplicated job that still waits, is delayed or runs (a failed or finished one does not count). */
async function liveJob(queue: Queue, dedupId: string): Promise<boolean> {
  const jobId = await queue.getDeduplicationJobId(dedupId);
  if (!jobId) return false;
  const state = await queue.getJobState(jobId);
  return state === 'waiting' || state === 'active' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children';
}

async function depths(queues: Record<QueueName, Queue>): Promise<Record<QueueName, number>> {
  const entries = await Promise.all(
    (Object.entries(queues) as Array<[QueueName, Queue]>).map(async ([name, queue]) => {
      const counts = await queue.getJobCounts('waiting', 'delayed', 'prioritized');
      return [name, (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0)] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<QueueName, number>;
}

export interface ReconcileResult {
  report: WorkReport;
  schedulersCreated: number;
  writebacksEnqueued: number;
  tasksEnqueued: number;
  firstSyncsRestarted: number;
}

/**
 * Makes Redis hold what the store says is owed (after Redis lost its data, a job failed for good,
 * a scheduler was removed): re-creates each active installation's schedulers, enqueues write-back
 * and task jobs where writes or tasks are pending (de-duplicated per installation, so an existing
 * job absorbs it), and restarts a first sync that no job carries any more (per stream, from its
 * checkpoints: pages already stored are not pulled again). Idempotent; the gauges are set too.
 */
export async function reconcile(runtime: Runtime, options: HealOptions = {}): Promise<ReconcileResult> {
  const before = await inspectWork(runtime, options);
  const result: ReconcileResult = { report: before, schedulersCreated: 0, writebacksEnqueued: 0, tasksEnqueued: 0, firstSyncsRestarted: 0 };
  const rescored = new Set<string>();
  for (const work of before.installations) {
    if (!work.firstSyncStarted) continue; // its setup has not run yet (or failed): that comes first
    const data = { workspaceId: work.workspaceId, installationId: work.installationId };
    if (!work.syncScheduler) {
      await scheduleIncrementalSync(runtime.queues.sync, { ...data, stream: work.streams[0]!, then: work.streams.slice(1) }, options.syncEveryMs ?? SYNC_EVERY_MS);
      await scheduleSlaTick(runtime.queues.sla, data);
      result.schedulersCreated++;
    }
    if (!work.rescoreScheduler && !rescored.has(work.workspaceId)) {
      await scheduleDecayRescore(runtime.queues.score, work.workspaceId, work.timeZone);
      await scheduleRetention(runtime.queues.retention, work.workspaceId);
      rescored.add(work.workspaceId);
      result.schedulersCreated++;
    }
    if (work.pendingWrites > 0) {
      await runtime.enqueue.writeback(data, 0);
      result.writebacksEnqueued++;
    }
    if (work.pendingTasks > 0) {
      await runtime.enqueue.tasks(data, 0);
      result.tasksEnqueued++;
    }
    if (work.firstSyncStalled) {
      const runNow = runtime.deps.clock();
      for (const stream of work.firstSyncStreams) await runtime.enqueue.sync({ ...data, stream, then: [], firstRun: true, runNow });
      result.firstSyncsRestarted++;
    }
  }
  const repaired = result.schedulersCreated + result.writebacksEnqueued + result.tasksEnqueued + result.firstSyncsRestarted;
  result.report = repaired > 0 ? await inspectWork(runtime, options) : before;
  setGauges(runtime, result.report);
  return result;
}

/** Sets the queue-depth and sync-lag gauges from a report. */
export function setGauges(runtime: Pick<Runtime, 'metrics'>, report: WorkReport): void {
  for (const [queue, depth] of Object.entries(report.queueDepth)) runtime.metrics.queueDepth.set({ queue }, depth);
  runtime.metrics.syncLag.reset();
  for (const work of report.installations) {
    for (const [stream, seconds] of Object.entries(work.lag)) runtime.metrics.syncLag.set({ installation: work.installationId, stream }, seconds);
  }
}

export interface Reconciler {
  /** The newest report (null until the first pass ends, or after a pass that could not reach the store or Redis). */
  last(): WorkReport | null;
  /** What the passes so far restored, summed (schedulers, write-back and task jobs, first syncs). */
  totals(): Omit<ReconcileResult, 'report'>;
  /** Runs one pass now (the timer's passes never overlap). */
  runOnce(): Promise<ReconcileResult | null>;
  stop(): void;
}

/**
 * The worker's own timer (setInterval in this process, not a repeatable job in Redis: it must
 * survive Redis losing its data). A pass that fails (store or Redis down) is logged and retried on
 * the next tick.
 */
export function startReconciler(runtime: Runtime, options: HealOptions & { everyMs?: number } = {}): Reconciler {
  let last: WorkReport | null = null;
  const totals = { schedulersCreated: 0, writebacksEnqueued: 0, tasksEnqueued: 0, firstSyncsRestarted: 0 };
  let running: Promise<ReconcileResult | null> | null = null;
  const runOnce = () =>
    (running ??= reconcile(runtime, options)
      .then((result) => {
        last = result.report;
        for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += result[key];
        const repaired = result.schedulersCreated + result.writebacksEnqueued + result.tasksEnqueued + result.firstSyncsRestarted;
        if (repaired > 0) {
          runtime.logger.warn('reconcile: restored work Redis no longer held', {
            schedulers: result.schedulersCreated,
            writebacks: result.writebacksEnqueued,
            tasks: result.tasksEnqueued,
            firstSyncs: result.firstSyncsRestarted,
          });
        }
        return result;
      })
      .catch((error: unknown) => {
        last = null;
        runtime.logger.warn('reconcile pass failed; trying again on the next tick', { error: (error as Error).message });
        return null;
      })
      .finally(() => {
        running = null;
      }));
  const timer = setInterval(() => void runOnce(), options.everyMs ?? RECONCILE_EVERY_MS);
  timer.unref();
  void runOnce();
  return {
    last: () => last,
    totals: () => ({ ...totals }),
    runOnce,
    stop: () => clearInterval(timer),
  };
}

/**
 * Redis must keep queue keys (`maxmemory-policy noeviction`): any other policy may delete jobs
 * under memory pressure. Returns what was found; a disabled CONFIG command (managed Redis) is said
 * and start-up goes on.
 */
export async function checkEvictionPolicy(redis: Redis, logger: Logger): Promise<'noeviction' | 'evicting' | 'unknown'> {
  let policy: string | undefined;
  try {
    const answer = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    policy = answer[1];
  } catch {
    logger.warn('Redis CONFIG is disabled here, so its maxmemory-policy cannot be checked: make sure it is "noeviction" (docs/operations.md, Redis)');
    return 'unknown';
  }
  if (policy === undefined) {
    logger.warn('Redis did not report its maxmemory-policy: make sure it is "noeviction" (docs/operations.md, Redis)');
    return 'unknown';
  }
  if (policy !== 'noeviction') {
    logger.error(`Redis maxmemory-policy is "${policy}": under memory pressure it may delete queued jobs. Set it to "noeviction" (docs/operations.md, Redis)`);
    return 'evicting';
  }
  return 'noeviction';
}
