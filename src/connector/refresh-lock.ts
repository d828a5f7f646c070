/**
 * Mutual exclusion for one installation's token refresh across processes: while one process holds
 * the lock and refreshes, the others wait, then re-read the tokens it stored instead of spending the
 * same (rotated, now retired) refresh token a second time.
 */
export interface RefreshLock {
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** Exclusion inside one process only (tests, a single worker): calls on a key run one after another. */
export function createLocalRefreshLock(): RefreshLock {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const run = previous.catch(() => undefined).then(fn);
      const tail = run.catch(() => undefined);
      tails.set(key, tail);
      try {
        return await run;
      } finally {
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}
