import { startFirstSync, waitForIdle } from '../src/app/first-sync';
import type { Runtime } from '../src/app/runtime';
import type { Installation } from '../src/store';

/** Starts the installation's first sync and waits until every queue is idle; resolves with the seconds it took. */
export async function timedFirstSync(runtime: Runtime, installation: Installation): Promise<number> {
  const started = Date.now();
  await startFirstSync(runtime, installation);
  await waitForIdle(runtime.queues, { timeoutMs: 30 * 60_000, pollMs: 200 });
  return (Date.now() - started) / 1000;
}
