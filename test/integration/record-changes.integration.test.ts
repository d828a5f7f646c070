import { Redis } from 'ioredis';
import { memberOf, redisRecordChangeBuffer, type PendingChange } from '../../src/queue/record-changes';
import { dropPrefix, uniqueRun } from './support/sync-harness';

/** The buffer webhook changes wait in: de-duplication, coalescing, and nothing lost mid-pull. */
describe('record-change buffer', () => {
  const prefix = uniqueRun('record-changes');
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const buffer = redisRecordChangeBuffer(redis, { prefix, seenForMs: 60_000 });
  const pull = (crmId: string): PendingChange => ({ kind: 'pull', objectType: 'contact', crmId });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('takes each event once and each record once, oldest mention first', async () => {
    expect(await buffer.add('i1', [{ key: 'e1', changes: [pull('1')] }, { key: 'e2', changes: [pull('2')] }])).toEqual({ accepted: 2, pending: 2 });
    // a retried delivery, and another event for record 1
    expect(await buffer.add('i1', [{ key: 'e1', changes: [pull('1')] }, { key: 'e3', changes: [pull('1')] }])).toEqual({ accepted: 1, pending: 2 });
    expect((await buffer.claim('i1', 10)).map(({ change }) => change)).toEqual([pull('2'), pull('1')]);
    expect(await buffer.pending('i2')).toBe(0);
  });

  it('keeps a record mentioned again while it was being pulled', async () => {
    await buffer.add('i3', [{ key: 'a', changes: [pull('7'), pull('8')] }]);
    const claimed = await buffer.claim('i3', 10);
    await buffer.add('i3', [{ key: 'b', changes: [pull('8')] }]);
    await buffer.ack('i3', claimed);
    expect((await buffer.claim('i3', 10)).map(({ change }) => change)).toEqual([pull('8')]);
  });

  it('round-trips merges and drops a member it cannot read', async () => {
    const merge: PendingChange = { kind: 'remove', objectType: 'contact', crmId: '5', mergedInto: { objectType: 'contact', crmId: '6' } };
    await buffer.add('i4', [{ key: 'm', changes: [pull('6'), merge] }]);
    await redis.zadd(`${prefix}:changes:{i4}`, 0, '["explode"]');
    expect((await buffer.claim('i4', 10)).map(({ change }) => change)).toEqual([pull('6'), merge]);
    expect(await redis.zscore(`${prefix}:changes:{i4}`, '["explode"]')).toBeNull();
    expect(memberOf(merge)).toBe('["remove","contact","5","contact","6"]');
  });
});
