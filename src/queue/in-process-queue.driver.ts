import { unclassifiedError, type CrmErrorClass } from '../connector/crm-error';
import type { JobOutcome } from '../worker/run-job';
import { BACKOFF_MS, BULK_PRIORITY, DEDUP_ID, GATHER_MS, JOB_ATTEMPTS, RECORDS_GATHER_MS, SCORE_BATCH, type Enqueuer } from './enqueuer';
import type { QueueName } from './job-data';

/**
 * The queues without Redis: an `Enqueuer` that keeps its jobs in memory and runs them through a
 * runner (runJob in practice) when asked to `drain`. Tests of job chains use it so they run every
 * job to the end at once instead of polling BullMQ, and never wait for a delay: time is an injected
 * clock that the driver moves forward to the next due job when nothing else is ready.
 *
 * It keeps what the job code relies on from the BullMQ enqueuer (enqueuer.ts):
 * - de-duplication per key (DEDUP_ID): a job added while one of the same key waits is dropped; added
 *   while that one runs, it is kept (the last one only) and added when the running one finishes
 *   (keepLastIfActive), its delay counted from then;
 * - delays: the gather delay of writeback and tasks, or the `delayMs` given;
 * - priorities: jobs without one first, then bulk work (BULK_PRIORITY), first due first, then FIFO;
 * - attempts: a failed job runs again after an exponential backoff (no jitter: deterministic) until
 *   its attempts are spent or the failure is final; a delayed outcome runs it again at its time
 *   without spending an attempt. A job that stays failed is recorded in `failed`, never dropped.
 * What only BullMQ does (stalled jobs of a dead worker, job schedulers, fairness between processes)
 * stays tested on BullMQ.
 */

/** Time the driver reads and moves forward; never backward. */
export interface VirtualClock {
  now(): number;
  /** Moves the clock to `epochMs` when that is later than now. */
  advanceTo(epochMs: number): void;
}

/** A clock that stands still until advanced: each test decides what "now" is. */
export function manualClock(startMs: number): VirtualClock & { advance(ms: number): void } {
  let now = startMs;
  return {
    now: () => now,
    advanceTo(epochMs) {
      if (epochMs > now) now = epochMs;
    },
    advance(ms) {
      if (ms > 0) now += ms;
    },
  };
}

/**
 * `base` plus every jump made so far: time keeps running with `base` (wall time for tests that
 * talk to servers), and a wait for a delayed job is skipped instead of slept. `follow` gives
 * another clock that jumps along (the jobs' clock, aligned with a sandbox's "now").
 */
export function skippingClock(base: () => number = Date.now): VirtualClock & { readonly skippedMs: number; follow(other: () => number): () => number } {
  let skipped = 0;
  const now = () => base() + skipped;
  return {
    now,
    advanceTo(epochMs) {
      const ahead = epochMs - now();
      if (ahead > 0) skipped += ahead;
    },
    get skippedMs() {
      return skipped;
    },
    follow: (other) => () => other() + skipped,
  };
}

/** Runs one job: `attempt` counts from 1. runJob does the work; a thrown error counts as a retryable failure. */
export type JobRunner = (queue: QueueName, data: unknown, attempt: number) => Promise<JobOutcome>;

export type InProcessJobState = 'waiting' | 'delayed' | 'active';

export interface InProcessJob {
  readonly id: number;
  readonly queue: QueueName;
  readonly data: unknown;
  /** 0: none (taken first); else lower first. */
  readonly priority: number;
  /** When it may run (epoch ms on the driver's clock). */
  readonly dueAt: number;
  /** Failed runs so far (a delayed outcome spends none). */
  readonly attemptsMade: number;
  readonly state: InProcessJobState;
}

/** A job that stayed failed: retrying could not help, or its attempts were spent. */
export interface FailedJob {
  readonly id: number;
  readonly queue: QueueName;
  readonly data: unknown;
  readonly attemptsMade: number;
  readonly error: CrmErrorClass;
  readonly cause: unknown;
}

export interface DrainOptions {
  /** Stop once this holds, checked before each job is taken (running jobs still finish). */
  until?: () => boolean | Promise<boolean>;
  /**
   * How far the clock may be moved forward in this drain (default one hour): jobs due later (a job
   * waiting for a daily quota) stay scheduled and are counted in `pending`.
   */
  horizonMs?: number;
  /** A guard against a chain that never ends (default 10,000 runs): the drain rejects past it. */
  maxRuns?: number;
}

export interface DrainResult {
  completed: number;
  /** Runs that ended delayed (waiting for a quota): no attempt spent. */
  delayed: number;
  /** Runs that failed and will run again after the backoff. */
  retried: number;
  /** Jobs that stayed failed during this drain. */
  failed: FailedJob[];
  /** Jobs still scheduled afterwards (due beyond the horizon, or left by `until`). */
  pending: number;
  /** How far the drain moved the clock. */
  advancedMs: number;
}

export interface InProcessQueueOptions {
  clock: VirtualClock;
  /** Jobs run at a time (default 1: one after another, deterministic). */
  concurrency?: number;
  /** Runs of a failing job (default JOB_ATTEMPTS, as on BullMQ). */
  attempts?: number;
  /** Wait before the run after the `attemptsMade`-th failure (default BACKOFF_MS doubled each time). */
  backoffMs?: (attemptsMade: number) => number;
}

interface Job {
  id: number;
  seq: number;
  queue: QueueName;
  data: unknown;
  priority: number;
  dueAt: number;
  attemptsMade: number;
  state: InProcessJobState;
  dedupId: string | null;
}

interface AddOptions {
  priority?: number;
  delayMs?: number;
  dedupId?: string;
}

const DEFAULT_HORIZON_MS = 3_600_000;
const DEFAULT_MAX_RUNS = 10_000;

export class InProcessQueue implements Enqueuer {
  private readonly clock: VirtualClock;
  private readonly concurrency: number;
  private readonly attempts: number;
  private readonly backoffMs: (attemptsMade: number) => number;
  private runner: JobRunner | null = null;
  private readonly jobs = new Map<number, Job>();
  /** De-duplication key → the job holding it. */
  private readonly holders = new Map<string, number>();
  /** De-duplication key → the job to add when its running holder finishes (keepLastIfActive). */
  private readonly next = new Map<string, { queue: QueueName; data: unknown; options: AddOptions }>();
  private readonly failures: FailedJob[] = [];
  private completedCount = 0;
  private lastId = 0;
  private draining = false;

  constructor(options: InProcessQueueOptions) {
    this.clock = options.clock;
    this.concurrency = options.concurrency ?? 1;
    this.attempts = options.attempts ?? JOB_ATTEMPTS;
    this.backoffMs = options.backoffMs ?? ((attemptsMade) => BACKOFF_MS * 2 ** (attemptsMade - 1));
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new RangeError(`concurrency must be a whole number ≥ 1, got ${options.concurrency}`);
  }

  /** Sets what runs the jobs (the runtime does, once its job dependencies exist). */
  setRunner(runner: JobRunner): void {
    this.runner = runner;
  }

  // ---- Enqueuer -------------------------------------------------------------------------------

  async sync(data: Parameters<Enqueuer['sync']>[0]): Promise<void> {
    this.add('sync', data, { ...(data.firstRun ? { priority: BULK_PRIORITY } : {}), dedupId: DEDUP_ID.sync(data) });
  }

  async score(items: Parameters<Enqueuer['score']>[0]): Promise<void> {
    for (const item of items) this.add('score', { ...item }, { dedupId: DEDUP_ID.score(item) });
  }

  async scoreBatch(workspaceId: string, personIds: readonly string[]): Promise<void> {
    for (let i = 0; i < personIds.length; i += SCORE_BATCH) {
      this.add('score', { workspaceId, personIds: personIds.slice(i, i + SCORE_BATCH) }, { priority: BULK_PRIORITY });
    }
  }

  async writeback(data: Parameters<Enqueuer['writeback']>[0], delayMs = GATHER_MS): Promise<void> {
    this.add('writeback', data, { delayMs, dedupId: DEDUP_ID.writeback(data) });
  }

  async tasks(data: Parameters<Enqueuer['tasks']>[0], delayMs = GATHER_MS): Promise<void> {
    this.add('tasks', data, { delayMs, dedupId: DEDUP_ID.tasks(data) });
  }

  async records(data: Parameters<Enqueuer['records']>[0], delayMs = RECORDS_GATHER_MS): Promise<void> {
    this.add('records', data, { delayMs, dedupId: DEDUP_ID.records(data) });
  }

  async sla(data: Parameters<Enqueuer['sla']>[0], delayMs = 0): Promise<void> {
    this.add('sla', data, { delayMs, dedupId: DEDUP_ID.sla(data) });
  }

  // ---- what tests read ------------------------------------------------------------------------

  /** Jobs scheduled or running, first due first; `state` narrows them. */
  list(state?: InProcessJobState): InProcessJob[] {
    return [...this.jobs.values()]
      .filter((job) => !state || job.state === state)
      .sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq)
      .map((job) => ({ id: job.id, queue: job.queue, data: job.data, priority: job.priority, dueAt: job.dueAt, attemptsMade: job.attemptsMade, state: job.state }));
  }

  /** Every job that stayed failed, oldest first. */
  get failed(): readonly FailedJob[] {
    return this.failures;
  }

  get completed(): number {
    return this.completedCount;
  }

  /** Jobs scheduled or running. */
  get size(): number {
    return this.jobs.size;
  }

  /** Makes a delayed job due now (BullMQ's `job.promote()`). */
  promote(id: number): void {
    const job = this.jobs.get(id);
    if (!job || job.state !== 'delayed') throw new Error(`job ${id} is not delayed`);
    job.dueAt = this.clock.now();
    job.state = 'waiting';
  }

  // ---- running --------------------------------------------------------------------------------

  /**
   * Runs due jobs until none is due within the horizon (moving the clock to the next due job when
   * nothing is ready), or until `until` holds. Jobs that stay failed are in the result and in `failed`.
   */
  async drain(options: DrainOptions = {}): Promise<DrainResult> {
    const runner = this.runner;
    if (!runner) throw new Error('no job runner set: call setRunner first');
    if (this.draining) throw new Error('already draining');
    this.draining = true;
    const startedAt = this.clock.now();
    const horizon = startedAt + (options.horizonMs ?? DEFAULT_HORIZON_MS);
    const maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS;
    const result: DrainResult = { completed: 0, delayed: 0, retried: 0, failed: [], pending: 0, advancedMs: 0 };
    const running = new Set<Promise<void>>();
    let runs = 0;
    try {
      for (;;) {
        let stop = false;
        while (running.size < this.concurrency) {
          if (options.until && (await options.until())) {
            stop = true;
            break;
          }
          const job = this.nextReady();
          if (!job) break;
          if (++runs > maxRuns) throw new Error(`drain ran ${maxRuns} jobs without becoming idle; still scheduled: ${this.describe()}`);
          const run = this.run(job, runner, result).finally(() => running.delete(run));
          running.add(run);
        }
        if (running.size > 0) {
          await Promise.race(running);
          continue;
        }
        if (stop) break;
        const due = this.nextDueAt();
        if (due === null || due > horizon) break;
        const before = this.clock.now();
        this.clock.advanceTo(due);
        result.advancedMs += Math.max(0, this.clock.now() - before);
      }
    } finally {
      await Promise.allSettled(running);
      this.draining = false;
    }
    result.pending = this.jobs.size;
    return result;
  }

  /** `drain`, and an error naming the jobs left when any is still scheduled (a chain that waits beyond the horizon). */
  async runUntilIdle(options: Omit<DrainOptions, 'until'> = {}): Promise<DrainResult> {
    const result = await this.drain(options);
    if (result.pending > 0) throw new Error(`the queues are not idle: ${this.describe()}`);
    return result;
  }

  private add(queue: QueueName, data: unknown, options: AddOptions): void {
    const { dedupId } = options;
    if (dedupId !== undefined) {
      const holder = this.holders.get(dedupId);
      if (holder !== undefined) {
        // kept for later only while the holder runs; a waiting holder covers this one
        if (this.jobs.get(holder)?.state === 'active') this.next.set(dedupId, { queue, data, options });
        return;
      }
    }
    const id = ++this.lastId;
    const delay = Math.max(0, options.delayMs ?? 0);
    this.jobs.set(id, {
      id,
      seq: id,
      queue,
      data,
      priority: options.priority ?? 0,
      dueAt: this.clock.now() + delay,
      attemptsMade: 0,
      state: delay > 0 ? 'delayed' : 'waiting',
      dedupId: dedupId ?? null,
    });
    if (dedupId !== undefined) this.holders.set(dedupId, id);
  }

  /** The job to run now: no priority before any, then lower first; then first due, then first added. */
  private nextReady(): Job | null {
    const now = this.clock.now();
    let best: Job | null = null;
    for (const job of this.jobs.values()) {
      if (job.state === 'active' || job.dueAt > now) continue;
      if (!best || compare(job, best) < 0) best = job;
    }
    return best;
  }

  private nextDueAt(): number | null {
    let due: number | null = null;
    for (const job of this.jobs.values()) if (job.state !== 'active' && (due === null || job.dueAt < due)) due = job.dueAt;
    return due;
  }

  private async run(job: Job, runner: JobRunner, result: DrainResult): Promise<void> {
    job.state = 'active';
    let outcome: JobOutcome;
    try {
      outcome = await runner(job.queue, job.data, job.attemptsMade + 1);
    } catch (cause) {
      outcome = { kind: 'failed', final: false, error: unclassifiedError(cause), cause };
    }
    const now = this.clock.now();
    if (outcome.kind === 'completed') {
      result.completed++;
      this.completedCount++;
      this.finish(job);
    } else if (outcome.kind === 'delayed') {
      result.delayed++;
      this.schedule(job, Math.max(now, outcome.untilMs));
    } else {
      job.attemptsMade++;
      if (!outcome.final && job.attemptsMade < this.attempts) {
        result.retried++;
        this.schedule(job, now + this.backoffMs(job.attemptsMade));
      } else {
        const failed: FailedJob = { id: job.id, queue: job.queue, data: job.data, attemptsMade: job.attemptsMade, error: outcome.error, cause: outcome.cause };
        this.failures.push(failed);
        result.failed.push(failed);
        this.finish(job);
      }
    }
  }

  private schedule(job: Job, dueAt: number): void {
    job.dueAt = dueAt;
    job.state = dueAt > this.clock.now() ? 'delayed' : 'waiting';
  }

  /** Completed or failed for good: the key is free, and a job kept while this one ran is added now. */
  private finish(job: Job): void {
    this.jobs.delete(job.id);
    if (job.dedupId === null || this.holders.get(job.dedupId) !== job.id) return;
    this.holders.delete(job.dedupId);
    const kept = this.next.get(job.dedupId);
    if (kept) {
      this.next.delete(job.dedupId);
      this.add(kept.queue, kept.data, kept.options);
    }
  }

  private describe(): string {
    const jobs = this.list();
    const shown = jobs.slice(0, 10).map((job) => `${job.queue} #${job.id} ${job.state} due ${new Date(job.dueAt).toISOString()} ${JSON.stringify(job.data)}`);
    return `${jobs.length} job(s): ${shown.join('; ')}${jobs.length > shown.length ? '; …' : ''}`;
  }
}

function compare(a: Job, b: Job): number {
  const rank = (job: Job) => (job.priority === 0 ? 0 : 1);
  return rank(a) - rank(b) || a.priority - b.priority || a.dueAt - b.dueAt || a.seq - b.seq;
}
