/**
 * Our own infrastructure failing (the store refusing or dropping connections, Redis gone) is not
 * the job's fault and says nothing about the CRM: such a job is delayed with a growing wait and
 * run again without spending one of its attempts, for as long as the outage lasts up to a budget
 * of ELAPSED time (default 30 minutes), instead of burning its 8 attempts in ~2 minutes and
 * staying failed. Vendor-neutral: it knows Node's socket errors, PostgreSQL's SQLSTATE classes and
 * the messages of the pg and ioredis clients, never a CRM.
 */
export interface InfraRetry {
  /** How long, from the first infrastructure failure of a job, it keeps being delayed (default 30 min). */
  budgetMs: number;
  /** The first wait (default 1 s); each next one doubles… */
  baseMs: number;
  /** …up to this (default 60 s). */
  capMs: number;
}

export const INFRA_RETRY: InfraRetry = { budgetMs: 30 * 60_000, baseMs: 1_000, capMs: 60_000 };

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/** SQLSTATE: 08 connection exception, 57P01-03 shutdown / cannot connect now, 53300 too many connections, 40001/40P01 serialization/deadlock. */
function isPostgresTransient(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

const MESSAGES = [
  /Connection terminated/i,
  /terminating connection due to administrator command/i,
  /Client has encountered a connection error/i,
  /timeout exceeded when trying to connect/i,
  /Connection is closed/i, // ioredis
  /Stream isn't writeable/i, // ioredis with offline queue off
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

/** Whether an error says our store or Redis is unreachable (walks `cause` a few levels). */
export function isInfrastructureError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const { code, message, name } = current as { code?: unknown; message?: unknown; name?: unknown };
    if (name === 'DatabaseUnavailableError' || name === 'RedisUnavailableError') return true;
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isPostgresTransient(code)))) return true;
    if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * The infrastructure failures of jobs still in this worker: when each first failed and how many
 * times. A worker restart forgets them (the budget then starts again: the job gets more time, never
 * less); an entry is dropped when its job ends.
 */
export class InfraFailures {
  private readonly seen = new Map<string, { since: number; count: number }>();
  constructor(private readonly settings: InfraRetry = INFRA_RETRY) {}

  /** Records a failure: the time to run again, or null when the budget is spent (then the job fails as usual). */
  next(key: string, now: number): number | null {
    const entry = this.seen.get(key) ?? { since: now, count: 0 };
    entry.count += 1;
    this.seen.set(key, entry);
    if (now - entry.since >= this.settings.budgetMs) {
      this.seen.delete(key);
      return null;
    }
    const wait = Math.min(this.settings.capMs, this.settings.baseMs * 2 ** Math.min(entry.count - 1, 30));
    // never past the budget's end by more than one wait; jitter spreads many jobs that failed together
    return now + Math.round(wait * (0.75 + Math.random() * 0.5));
  }

  clear(key: string): void {
    this.seen.delete(key);
  }

  get size(): number {
    return this.seen.size;
  }
}
