/**
 * Fairness between installations on the real queues (real BullMQ, real Redis): one installation's
 * initial sync (bulk work, added at BULK_PRIORITY) does not delay another installation's incremental
 * work (no priority) by more than one scheduling round. The workers only record the order in which
 * jobs start; the first job(s) are held until the other installation's job is queued, so the order
 * is decided by Redis alone and the test is deterministic.
 */
import { randomUUID } from 'node:crypto';
import { Worker, type Job, type Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BULK_PRIORITY, bullmqEnqueuer, SCORE_BATCH, type Enqueuer } from '../../src/queue/enqueuer';
import type { QueueName, ScoreJobData, SyncJobData } from '../../src/queue/job-data';
import { createQueues } from '../../src/queue/queues';
import { scheduleIncrementalSync } from '../../src/queue/schedules';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const BACKFILL_PEOPLE = 3_000;
const BACKFILL_JOBS = BACKFILL_PEOPLE / SCORE_BATCH; // 30
const FIRST_SYNC_STREAMS = ['contacts', 'companies', 'deals', 'engagements'];

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A worker that records each job's label as it starts and holds the first `hold` jobs until released. */
interface Recorder {
  starts: string[];
  /** Resolves once the first `hold` jobs are all active (held). */
  held: Promise<void>;
  /** Lets the i-th held job (0-based) finish. */
  release(i: number): void;
  /** Resolves once `count` jobs have started. */
  started(count: number): Promise<void>;
}

function peopleOf(workspaceId: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${workspaceId}-p${String(i).padStart(5, '0')}`);
}

function scoreLabel(data: ScoreJobData): string {
  // a batch is named by its first person so the A batches' own order can be checked too
  if ('personIds' in data) return `${data.workspaceId}:batch:${data.personIds[0]}`;
  return 'personId' in data ? `${data.workspaceId}:person:${data.personId}` : `${data.workspaceId}:rescore`;
}

function syncLabel(data: SyncJobData): string {
  return `${data.installationId}:${data.stream}${data.firstRun ? ':first' : ''}`;
}

const workspaceOf = (label: string) => label.split(':')[0];

describe('queue fairness: bulk work does not hold up another installation (real BullMQ, real Redis)', () => {
  let connection: Redis;
  const workerConnections: Redis[] = [];
  const workers: Worker[] = [];
  const workerErrors: Error[] = [];
  let prefix: string;
  let queues: Record<QueueName, Queue>;
  let enqueue: Enqueuer;

  beforeAll(() => {
    connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  });

  beforeEach(() => {
    prefix = `leadstage-test-queue-fairness-${randomUUID()}`;
    queues = createQueues(connection, prefix);
    enqueue = bullmqEnqueuer(queues);
  });

  afterEach(async () => {
    // closing a worker whose processor is still held would wait for it forever: force
    await Promise.all(workers.splice(0).map((worker) => worker.close(true)));
    await Promise.all(Object.values(queues).map(async (queue) => {
      await queue.obliterate({ force: true });
      await queue.close();
    }));
    const keys = await connection.keys(`${prefix}:*`);
    if (keys.length > 0) await connection.del(...keys);
    await Promise.all(workerConnections.splice(0).map((c) => c.quit()));
    expect(workerErrors.splice(0).map((e) => e.message)).toEqual([]);
  });

  afterAll(async () => {
    await connection.quit();
  });

  function startWorker<Q extends 'sync' | 'score'>(queue: Q, label: (data: Q extends 'sync' ? SyncJobData : ScoreJobData) => string, options: { concurrency: number; hold: number }): Recorder {
    const starts: string[] = [];
    const gates = Array.from({ length: options.hold }, deferred);
    const allHeld = deferred();
    const waiters: { count: number; done: Deferred }[] = [];
    const workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    workerConnections.push(workerConnection);
    const worker = new Worker(
      queue,
      async (job: Job) => {
        const index = starts.push(label(job.data)) - 1;
        for (const waiter of waiters) if (starts.length >= waiter.count) waiter.done.resolve();
        if (index < options.hold) {
          if (index === options.hold - 1) allHeld.resolve();
          await gates[index]!.promise;
        }
      },
      { connection: workerConnection, prefix, concurrency: options.concurrency },
    );
    worker.on('error', (error) => workerErrors.push(error));
    workers.push(worker);
    return {
      starts,
      held: allHeld.promise,
      release: (i) => gates[i]!.resolve(),
      started: (count) => {
        if (starts.length >= count) return Promise.resolve();
        const done = deferred();
        waiters.push({ count, done });
        return done.promise;
      },
    };
  }

  describe('score queue: a whole-workspace backfill and another workspace’s incremental score', () => {
    it('adds the backfill as prioritized bulk work and the incremental score as plain waiting work', async () => {
      await enqueue.scoreBatch('ws-a', peopleOf('ws-a', BACKFILL_PEOPLE));
      await enqueue.score([{ workspaceId: 'ws-b', personId: 'p1' }]);
      const counts = await queues.score.getJobCounts('prioritized', 'waiting');
      expect(counts).toEqual({ prioritized: BACKFILL_JOBS, waiting: 1 });
      const [batch] = await queues.score.getJobs(['prioritized'], 0, 0);
      expect(batch!.opts.priority).toBe(BULK_PRIORITY);
      const [single] = await queues.score.getJobs(['waiting'], 0, 0);
      expect(single!.opts.priority ?? 0).toBe(0);
    });

    it('starts B’s incremental score right after the job A had active, not after A’s 30 batches (concurrency 1)', async () => {
      await enqueue.scoreBatch('ws-a', peopleOf('ws-a', BACKFILL_PEOPLE));
      const recorder = startWorker('score', scoreLabel, { concurrency: 1, hold: 1 });
      await recorder.held;

      await enqueue.score([{ workspaceId: 'ws-b', personId: 'p1' }]);
      recorder.release(0);
      await recorder.started(BACKFILL_JOBS + 1);

      const { starts } = recorder;
      expect(starts.slice(0, 2)).toEqual(['ws-a:batch:ws-a-p00000', 'ws-b:person:p1']);
      // and the backfill itself still runs in order (FIFO within one priority), all of it
      expect(starts.filter((s) => workspaceOf(s) === 'ws-a')).toEqual(
        Array.from({ length: BACKFILL_JOBS }, (_, i) => `ws-a:batch:ws-a-p${String(i * SCORE_BATCH).padStart(5, '0')}`),
      );
      expect(starts).toHaveLength(BACKFILL_JOBS + 1);
    });

    it('with several slots busy on the backfill, B takes the first slot that frees up (concurrency 3)', async () => {
      await enqueue.scoreBatch('ws-a', peopleOf('ws-a', BACKFILL_PEOPLE));
      const recorder = startWorker('score', scoreLabel, { concurrency: 3, hold: 3 });
      await recorder.held;
      expect(recorder.starts.map(workspaceOf)).toEqual(['ws-a', 'ws-a', 'ws-a']);

      await enqueue.score([{ workspaceId: 'ws-b', personId: 'p1' }]);
      // one slot frees up while the other two are still busy: it goes to B, not to A's next batch
      recorder.release(0);
      await recorder.started(4);
      expect(recorder.starts[3]).toBe('ws-b:person:p1');

      recorder.release(1);
      recorder.release(2);
      await recorder.started(BACKFILL_JOBS + 1);
      expect(recorder.starts.filter((s) => workspaceOf(s) === 'ws-b')).toEqual(['ws-b:person:p1']);
    });

    it('control: B’s work added as bulk (a batch) waits behind all of A’s backlog, first in first out', async () => {
      await enqueue.scoreBatch('ws-a', peopleOf('ws-a', BACKFILL_PEOPLE));
      const recorder = startWorker('score', scoreLabel, { concurrency: 1, hold: 1 });
      await recorder.held;

      await enqueue.scoreBatch('ws-b', ['p1']);
      recorder.release(0);
      await recorder.started(BACKFILL_JOBS + 1);

      // the same scenario as above, only B's priority differs: the early start came from the priority
      expect(recorder.starts.map(workspaceOf)).toEqual([...Array<string>(BACKFILL_JOBS).fill('ws-a'), 'ws-b']);
      expect(recorder.starts.at(-1)).toBe('ws-b:batch:p1');
    });
  });

  describe('sync queue: installation A’s first sync and installation B’s incremental sync', () => {
    const firstSync = (installationId: string, stream: string): SyncJobData => ({
      workspaceId: `ws-${installationId}`,
      installationId,
      stream,
      then: [],
      firstRun: true,
      runNow: 1_700_000_000_000,
    });

    async function startAFirstSync(): Promise<Recorder> {
      // two installations mid-first-sync make a longer backlog than one installation's streams
      for (const installation of ['inst-a', 'inst-a2']) {
        for (const stream of FIRST_SYNC_STREAMS) await enqueue.sync(firstSync(installation, stream));
      }
      expect(await queues.sync.getJobCounts('prioritized', 'waiting')).toEqual({ prioritized: 2 * FIRST_SYNC_STREAMS.length, waiting: 0 });
      const recorder = startWorker('sync', syncLabel, { concurrency: 1, hold: 1 });
      await recorder.held;
      expect(recorder.starts).toEqual(['inst-a:contacts:first']);
      return recorder;
    }

    it('runs B’s incremental sync (enqueued without firstRun) next, before the rest of A’s streams', async () => {
      const recorder = await startAFirstSync();

      await enqueue.sync({ workspaceId: 'ws-b', installationId: 'inst-b', stream: 'contacts', then: ['companies', 'deals'] });
      recorder.release(0);
      await recorder.started(2 * FIRST_SYNC_STREAMS.length + 1);

      expect(recorder.starts).toEqual([
        'inst-a:contacts:first',
        'inst-b:contacts',
        ...['inst-a', 'inst-a2'].flatMap((i) => FIRST_SYNC_STREAMS.map((s) => `${i}:${s}:first`)).slice(1),
      ]);
    });

    it('runs B’s scheduled incremental sync (the job scheduler, as serve sets it up) next as well', async () => {
      const recorder = await startAFirstSync();

      await scheduleIncrementalSync(queues.sync, { workspaceId: 'ws-b', installationId: 'inst-b', stream: 'contacts', then: ['companies', 'deals'] }, 60 * 60_000);
      // the scheduler's first run is due at once: wait until it is in the wait list before freeing the slot
      const deadline = Date.now() + 2_000;
      while ((await queues.sync.getJobCounts('waiting')).waiting === 0) {
        if (Date.now() > deadline) throw new Error('the scheduled sync never reached the wait list');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      recorder.release(0);
      await recorder.started(2 * FIRST_SYNC_STREAMS.length + 1);

      expect(recorder.starts.slice(0, 2)).toEqual(['inst-a:contacts:first', 'inst-b:contacts']);
    });

    it('control: B’s sync added as a first sync (bulk) waits behind all of A’s streams', async () => {
      const recorder = await startAFirstSync();

      await enqueue.sync(firstSync('inst-b', 'contacts'));
      recorder.release(0);
      await recorder.started(2 * FIRST_SYNC_STREAMS.length + 1);

      expect(recorder.starts.at(-1)).toBe('inst-b:contacts:first');
      expect(recorder.starts.indexOf('inst-b:contacts:first')).toBe(2 * FIRST_SYNC_STREAMS.length);
    });
  });
});
