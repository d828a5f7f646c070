import type { Store } from '../store';

/**
 * Where a first sync stands, kept as checkpoint rows next to the streams' cursors: one when it
 * starts, and one per stream when that stream is caught up. The sync job uses them to start the
 * next phase, and scheduled incremental runs use them to stay out of a first sync's way.
 */
const MARK = 'first-run:';
const STARTED = `${MARK}started`;

type Checkpoints = Pick<Store['checkpoints'], 'setCheckpoint' | 'listCheckpoints'>;

export async function markFirstSyncStarted(checkpoints: Checkpoints, installationId: string, at: Date): Promise<void> {
  await checkpoints.setCheckpoint(installationId, STARTED, { at: at.toISOString() }, at);
}

/**
 * A first sync pulls a phase's streams side by side; each marks itself caught up, and whichever
 * finishes last sees every mark and starts what comes next. (Two finishing at once may both start
 * it: sync jobs are de-duplicated per stream, score jobs save the newest decision and writes go
 * out by value, so that costs nothing in the CRM.)
 */
export async function markCaughtUpAndCheckPhase(checkpoints: Checkpoints, installationId: string, stream: string, phase: readonly string[]): Promise<boolean> {
  await checkpoints.setCheckpoint(installationId, `${MARK}${stream}`, { caughtUp: true });
  const marked = await marks(checkpoints, installationId);
  return phase.every((name) => marked.has(`${MARK}${name}`));
}

/**
 * Started and not every stream caught up yet. A scheduled incremental run then waits for its next
 * turn: pulling people ahead of the first sync's phases would score them before their engagement
 * is in, and pull the same pages twice.
 */
export async function firstSyncRunning(checkpoints: Checkpoints, installationId: string, streams: readonly string[]): Promise<boolean> {
  const marked = await marks(checkpoints, installationId);
  return marked.has(STARTED) && !streams.every((name) => marked.has(`${MARK}${name}`));
}

/** Where a first sync stands, for the console: running or not, and how many of `streams` are caught up. */
export async function firstSyncStanding(checkpoints: Checkpoints, installationId: string, streams: readonly string[]): Promise<{ running: boolean; caughtUp: number }> {
  const marked = await marks(checkpoints, installationId);
  const caughtUp = streams.filter((name) => marked.has(`${MARK}${name}`)).length;
  return { running: marked.has(STARTED) && caughtUp < streams.length, caughtUp };
}

/** Whether an installation's first sync was ever started (a reconnect resumes; a first install starts one). */
export async function firstSyncStarted(checkpoints: Checkpoints, installationId: string): Promise<boolean> {
  return (await marks(checkpoints, installationId)).has(STARTED);
}

async function marks(checkpoints: Checkpoints, installationId: string): Promise<Set<string>> {
  return new Set((await checkpoints.listCheckpoints(installationId)).map((c) => c.stream));
}
