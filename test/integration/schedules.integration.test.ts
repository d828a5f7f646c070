/**
 * The repeatable jobs a worker registers, on real BullMQ and Redis: what runs when, and that
 * registering again (every worker start) does not add a second schedule.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type { QueueName } from '../../src/queue/job-data';
import { createQueues } from '../../src/queue/queues';
import { BULK_PRIORITY } from '../../src/queue/enqueuer';
import { DECAY_RESCORE_PATTERN, RETENTION_PATTERN, scheduleDecayRescore, scheduleRetention } from '../../src/queue/schedules';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('schedules', () => {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  let prefix: string;
  let queues: Record<QueueName, Queue>;

  beforeEach(() => {
    prefix = `leadstage-test-schedules-${randomUUID()}`;
    queues = createQueues(connection, prefix);
  });

  afterEach(async () => {
    await Promise.all(
      Object.values(queues).map(async (queue) => {
        await queue.obliterate({ force: true });
        await queue.close();
      }),
    );
  });

  afterAll(async () => {
    await connection.quit();
  });

  it('rescores each workspace once a night, five minutes after scores fade at 00:00 UTC, once however often it is registered', async () => {
    await scheduleDecayRescore(queues.score, 'ws-1');
    await scheduleDecayRescore(queues.score, 'ws-1');
    await scheduleDecayRescore(queues.score, 'ws-2');
    const schedulers = await queues.score.getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(['decay-ws-1', 'decay-ws-2']);
    const ws1 = await queues.score.getJobScheduler('decay-ws-1');
    expect(ws1).toMatchObject({ pattern: DECAY_RESCORE_PATTERN, tz: 'UTC', template: { data: { workspaceId: 'ws-1', rescore: 'decay' } } });
    const next = new Date(ws1!.next!);
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([0, 5]);
    expect(ws1!.next! - Date.now()).toBeLessThanOrEqual(86_400_000);
  });

  it('rescores after the workspace\'s own midnight, and a new zone moves the one schedule', async () => {
    await scheduleDecayRescore(queues.score, 'ws-1', 'Asia/Kolkata');
    let ws1 = await queues.score.getJobScheduler('decay-ws-1');
    expect(ws1).toMatchObject({ pattern: DECAY_RESCORE_PATTERN, tz: 'Asia/Kolkata' });
    // 00:05 in Kolkata (UTC+5:30) is 18:35 UTC
    let next = new Date(ws1!.next!);
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([18, 35]);
    await scheduleDecayRescore(queues.score, 'ws-1', 'UTC');
    expect((await queues.score.getJobSchedulers()).map((s) => s.key)).toEqual(['decay-ws-1']);
    ws1 = await queues.score.getJobScheduler('decay-ws-1');
    next = new Date(ws1!.next!);
    expect([ws1!.tz, next.getUTCHours(), next.getUTCMinutes()]).toEqual(['UTC', 0, 5]);
  });

  it('prunes each workspace once a night at 03:30 UTC, at bulk priority, once however often it is registered', async () => {
    await scheduleRetention(queues.retention, 'ws-1');
    await scheduleRetention(queues.retention, 'ws-1');
    await scheduleRetention(queues.retention, 'ws-2');
    expect((await queues.retention.getJobSchedulers()).map((s) => s.key).sort()).toEqual(['retention-ws-1', 'retention-ws-2']);
    const ws1 = await queues.retention.getJobScheduler('retention-ws-1');
    expect(ws1).toMatchObject({ pattern: RETENTION_PATTERN, tz: 'UTC', template: { data: { workspaceId: 'ws-1' }, opts: { priority: BULK_PRIORITY } } });
    const next = new Date(ws1!.next!);
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([3, 30]);
    // the scheduled job itself waits in the queue with the payload its worker parses
    const [job] = await queues.retention.getJobs(['delayed', 'prioritized', 'waiting']);
    expect(job?.data).toEqual({ workspaceId: expect.stringMatching(/^ws-[12]$/) });
  });
});
