import { startFirstSync } from '../../../src/app/first-sync';
import type { Runtime } from '../../../src/app/runtime';
import type { Installation, SlaHandoff } from '../../../src/store';

const DAY = 86_400_000;

/**
 * Runs an installation's first sync to the end on the in-process queue and returns the rep handoffs
 * it opened whose first touch is still ahead of `now` (a first sync also hands over older SQLs,
 * already late), latest due first: the SLA tests' starting point in either sandbox.
 */
export async function firstSyncHandoffsAhead(runtime: Runtime, installation: Installation, now: number): Promise<SlaHandoff[]> {
  await startFirstSync(runtime, installation);
  const drained = await runtime.inProcess!.runUntilIdle();
  if (drained.failed.length > 0) throw new Error(`the first sync left failed jobs: ${JSON.stringify(drained.failed).slice(0, 500)}`);
  return (await runtime.store.sla.listDue(installation.id, new Date(now + 400 * DAY), 500))
    .filter((h) => h.kind === 'handoff' && Date.parse(h.firstTouchDueAt) > now)
    .sort((a, b) => Date.parse(b.firstTouchDueAt) - Date.parse(a.firstTouchDueAt));
}
