import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { CrmObjectType, CrmRecordKey } from '../connector/crm-connector';

/**
 * Record changes a CRM pushed (webhooks), waiting in Redis for their installation's `records` job.
 * The web route adds them and answers at once; the job takes them in arrival order, pulls the
 * records by id in CRM-sized batches and acknowledges what it stored. Waiting here rather than in
 * each job's payload is what lets a burst of deliveries become a few full batch reads instead of a
 * call per delivery.
 *
 * - De-duplicated by event: the CRM retries a delivery (for up to a day) until it is acknowledged,
 *   so each event key is remembered for SEEN_FOR_MS and a repeat adds nothing. Remembering and
 *   adding are one atomic script, so a delivery is either fully taken or not at all.
 * - Coalesced by record: a record changed ten times waits once. Each mention stamps the record with
 *   a newer sequence number; the job acknowledges a record only if no newer mention came in while
 *   it was pulling, so a change that lands mid-pull is pulled again, never lost.
 */

/** A de-duplicated event is remembered this long: longer than a CRM keeps retrying one (24 h). */
export const SEEN_FOR_MS = 25 * 3_600_000;

export type PendingChange =
  /** Pull this record by id (created, changed, restored, or a merge's survivor). */
  | { kind: 'pull'; objectType: CrmObjectType; crmId: string }
  /** Retire this record: deleted (a privacy deletion when `privacy`), or merged into `mergedInto`. */
  | { kind: 'remove'; objectType: CrmObjectType; crmId: string; mergedInto?: CrmRecordKey; privacy?: true };

export interface ClaimedChange {
  change: PendingChange;
  /** The member and its sequence number as claimed (for the acknowledgement). */
  member: string;
  seq: number;
}

export interface RecordChangeBuffer {
  /**
   * Adds the changes of each event not seen before (`key` identifies the event within the
   * installation). Returns how many events were new and how many changes now wait.
   */
  add(installationId: string, events: ReadonlyArray<{ key: string; changes: readonly PendingChange[] }>): Promise<{ accepted: number; pending: number }>;
  /** Up to `limit` waiting changes, oldest mention first; they stay until acknowledged. */
  claim(installationId: string, limit: number): Promise<ClaimedChange[]>;
  /** Removes claimed changes that were not mentioned again since the claim. */
  ack(installationId: string, claimed: readonly ClaimedChange[]): Promise<void>;
  pending(installationId: string): Promise<number>;
}

const objectType = z.enum(['contact', 'lead']);
const crmId = z.string().min(1).max(200);
/** The stored form of a change: a short JSON tuple, so the same change is the same member. */
const MemberSchema = z.union([
  z.tuple([z.literal('pull'), objectType, crmId]),
  z.tuple([z.literal('remove'), objectType, crmId]),
  z.tuple([z.literal('remove'), objectType, crmId, objectType, crmId]),
  z.tuple([z.literal('privacy-remove'), objectType, crmId]),
]);

export function memberOf(change: PendingChange): string {
  if (change.kind === 'pull') return JSON.stringify(['pull', change.objectType, change.crmId]);
  if (change.privacy) return JSON.stringify(['privacy-remove', change.objectType, change.crmId]);
  return JSON.stringify(change.mergedInto
    ? ['remove', change.objectType, change.crmId, change.mergedInto.objectType, change.mergedInto.crmId]
    : ['remove', change.objectType, change.crmId]);
}

/** null for a member that does not fit (written by another version): it is dropped, not retried forever. */
export function changeOf(member: string): PendingChange | null {
  let json: unknown;
  try {
    json = JSON.parse(member);
  } catch {
    return null;
  }
  const parsed = MemberSchema.safeParse(json);
  if (!parsed.success) return null;
  const [kind, type, id, intoType, intoId] = parsed.data;
  if (kind === 'pull') return { kind, objectType: type, crmId: id };
  if (kind === 'privacy-remove') return { kind: 'remove', objectType: type, crmId: id, privacy: true };
  return intoType && intoId ? { kind, objectType: type, crmId: id, mergedInto: { objectType: intoType, crmId: intoId } } : { kind, objectType: type, crmId: id };
}

// KEYS[1] pending (sorted set: member → sequence), KEYS[2] sequence counter, KEYS[3..] seen markers;
// ARGV[1] how long a marker lasts (ms), ARGV[1 + i] the members of event i, one per line
const ADD = `
local accepted = 0
for i = 3, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'NX', 'PX', ARGV[1]) then
    accepted = accepted + 1
    for member in string.gmatch(ARGV[i - 1], '[^\\n]+') do
      redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[2]), member)
    end
  end
end
return {accepted, redis.call('ZCARD', KEYS[1])}
`;

// KEYS[1] pending; ARGV member, sequence, member, sequence, …: removed unless mentioned again since
const ACK = `
for i = 1, #ARGV, 2 do
  local seq = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if seq and tonumber(seq) <= tonumber(ARGV[i + 1]) then redis.call('ZREM', KEYS[1], ARGV[i]) end
end
return 0
`;

export function redisRecordChangeBuffer(redis: Redis, options: { prefix: string; seenForMs?: number }): RecordChangeBuffer {
  // one hash slot per installation: the scripts touch only that installation's keys
  const base = (installationId: string) => `${options.prefix}:changes:{${installationId}}`;
  const seenForMs = options.seenForMs ?? SEEN_FOR_MS;
  return {
    async add(installationId, events) {
      if (events.length === 0) return { accepted: 0, pending: await redis.zcard(base(installationId)) };
      const keys = [base(installationId), `${base(installationId)}:seq`, ...events.map((event) => `${base(installationId)}:seen:${event.key}`)];
      const args = [String(seenForMs), ...events.map((event) => event.changes.map(memberOf).join('\n'))];
      const [accepted, pending] = (await redis.eval(ADD, keys.length, ...keys, ...args)) as [number, number];
      return { accepted, pending };
    },
    async claim(installationId, limit) {
      const flat = await redis.zrange(base(installationId), 0, limit - 1, 'WITHSCORES');
      const claimed: ClaimedChange[] = [];
      const unreadable: string[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        const member = flat[i]!;
        const change = changeOf(member);
        if (change) claimed.push({ change, member, seq: Number(flat[i + 1]) });
        else unreadable.push(member);
      }
      if (unreadable.length > 0) await redis.zrem(base(installationId), ...unreadable);
      return claimed;
    },
    async ack(installationId, claimed) {
      if (claimed.length === 0) return;
      await redis.eval(ACK, 1, base(installationId), ...claimed.flatMap((c) => [c.member, String(c.seq)]));
    },
    pending: (installationId) => redis.zcard(base(installationId)),
  };
}
