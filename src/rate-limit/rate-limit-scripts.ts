import { createHash } from 'node:crypto';

/**
 * The Redis side of the limiter. Each check-and-record is one Lua script, so that no two processes
 * can both see the last free slot. Time is the caller's clock when ARGV[1] holds one (tests inject
 * it) and else the Redis server's, so that workers on hosts with skewed clocks share one timeline.
 *
 * A rolling window is a sorted set whose scores are the times at which each grant leaves the window
 * (grant time + windowMs). Storing the exit time rather than the grant time lets `status` count the
 * live entries without knowing the window length, and makes "when is the next slot free" one lookup.
 */
export interface RedisScript {
  source: string;
  sha: string;
}

function script(body: string): RedisScript {
  const source = `local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
${body}`;
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** What the acquire script answers, as its first element. */
export const ACQUIRE_RESULT = {
  /** Recorded; the second element is the grant time. */
  granted: 0,
  /** Not yet; the second element is the ms until a slot frees or a rate-limit pause ends. */
  wait: 1,
  /** Paused for the day by the CRM; the second element is when the pause ends. */
  pausedForDay: 2,
  /** Our own daily budget is spent. */
  dailyBudgetSpent: 3,
} as const;

/**
 * KEYS: window of this kind, daily counter, pause. ARGV: now, windowMs, max, daily max (-1: none),
 * ms the daily counter must outlive, a unique member, ms the grant is held beyond its window while
 * its request is in flight (0: counted from the grant; SETTLE_SCRIPT ends the hold).
 *
 * A slot freed by a settle frees earlier than an in-flight entry's score says, so the wait returned
 * is never longer than one window: whoever waits then looks again rather than oversleeping.
 */
export const ACQUIRE_SCRIPT = script(`
local pausedUntil = redis.call('HMGET', KEYS[3], 'until', 'reason')
local untilMs = tonumber(pausedUntil[1])
if untilMs and untilMs > now then
  if pausedUntil[2] == 'daily' then return {2, untilMs} end
  return {1, untilMs - now}
end
local dailyMax = tonumber(ARGV[4])
if dailyMax >= 0 and (tonumber(redis.call('GET', KEYS[2])) or 0) >= dailyMax then return {3, now} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local used = redis.call('ZCARD', KEYS[1])
local max = tonumber(ARGV[3])
if used >= max then
  -- the grant whose exit leaves max-1 others in the window; more than max are possible only after max was lowered
  local freeing = redis.call('ZRANGE', KEYS[1], used - max, used - max, 'WITHSCORES')
  return {1, math.min(tonumber(freeing[2]) - now, tonumber(ARGV[2]))}
end
local windowMs = tonumber(ARGV[2])
local holdMs = tonumber(ARGV[7]) or 0
redis.call('ZADD', KEYS[1], now + windowMs + holdMs, ARGV[6])
-- never shorten the key's life below a held grant's
if redis.call('PTTL', KEYS[1]) < windowMs + holdMs then redis.call('PEXPIRE', KEYS[1], windowMs + holdMs) end
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return {0, now}
`);

/**
 * KEYS: window of one kind. ARGV: now, windowMs, member. A held grant's request has its response:
 * it leaves the window one window from now. The CRM counted it when it arrived, which was before
 * now, so by then the CRM's window has let it go too, however late the request reached the CRM.
 * (A grant whose hold already lapsed is added back: counting it again errs on the safe side.)
 */
export const SETTLE_SCRIPT = script(`
local windowMs = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + windowMs, ARGV[3])
if redis.call('PTTL', KEYS[1]) < windowMs then redis.call('PEXPIRE', KEYS[1], windowMs) end
return 1
`);

/** KEYS: pause. ARGV: now, until, reason. The later pause wins, so none is cut short. */
export const PAUSE_SCRIPT = script(`
local untilMs = tonumber(ARGV[2])
if untilMs <= now then return 0 end
local current = tonumber(redis.call('HGET', KEYS[1], 'until'))
if current and current >= untilMs then return 0 end
redis.call('HSET', KEYS[1], 'until', ARGV[2], 'reason', ARGV[3])
redis.call('PEXPIRE', KEYS[1], untilMs - now)
return 1
`);

/** KEYS: standard window, search window, daily counter, pause. ARGV: now. */
export const STATUS_SCRIPT = script(`
local pausedUntil = redis.call('HMGET', KEYS[4], 'until', 'reason')
local untilMs = tonumber(pausedUntil[1])
if not untilMs or untilMs <= now then untilMs = -1 end
return {
  redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf'),
  redis.call('ZCOUNT', KEYS[2], '(' .. now, '+inf'),
  tonumber(redis.call('GET', KEYS[3])) or 0,
  untilMs,
  untilMs == -1 and '' or pausedUntil[2],
}
`);
