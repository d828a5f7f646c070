import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Start-up setup (a CRM-side schema, a first sync, schedules) that a transient failure (a CRM 5xx
 * storm, the store restarting) must not turn into a process that runs but does nothing: each step
 * is retried with a doubling, capped wait until it succeeds or the budget of elapsed time is spent,
 * then start-up fails with a SetupFailedError (one line, exit 1). An error said to be permanent (a
 * refused token) fails at once.
 */
export interface SetupRetry {
  budgetMs: number;
  baseMs?: number;
  capMs?: number;
  /** Whether retrying can help (default: always). */
  retryable?: (error: unknown) => boolean;
  onRetry?: (error: unknown, waitMs: number) => void;
  /** Aborted by a stop signal: the waits end and the step is not tried again. */
  signal?: AbortSignal;
  clock?: () => number;
}

export class SetupFailedError extends Error {
  constructor(what: string, seconds: number, cause: unknown, permanent: boolean) {
    const reason = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0]!.slice(0, 300);
    super(permanent ? `${what} failed and retrying cannot help: ${reason}` : `${what} did not succeed within ${seconds} s (SETUP_TIMEOUT_SECONDS); last error: ${reason}`);
    this.name = 'SetupFailedError';
  }
}

export async function retrySetup<T>(what: string, step: () => Promise<T>, options: SetupRetry): Promise<T> {
  const clock = options.clock ?? Date.now;
  const started = clock();
  const base = options.baseMs ?? 1_000;
  const cap = options.capMs ?? 30_000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (options.retryable && !options.retryable(error)) throw new SetupFailedError(what, Math.round(options.budgetMs / 1000), error, true);
      const left = options.budgetMs - (clock() - started);
      if (left <= 0) throw new SetupFailedError(what, Math.round(options.budgetMs / 1000), error, false);
      const wait = Math.min(left, cap, base * 2 ** Math.min(attempt, 20));
      options.onRetry?.(error, wait);
      try {
        await sleep(wait, undefined, options.signal ? { signal: options.signal } : undefined);
      } catch {
        throw error; // stopping: give up quietly, the stop is under way
      }
    }
  }
}
