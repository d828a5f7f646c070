import type { Enqueuer } from '../queue/enqueuer';
import type { Store } from '../store';

const PAGE = 1_000;

/**
 * Queues a score job for every person of a workspace (a published rulebook change), or of one
 * installation (the end of its first sync), a page at a time so memory stays flat. Score jobs are
 * de-duplicated per person, and writes only go out for values that changed.
 */
export async function enqueueRescore(store: Store, enqueue: Enqueuer, workspaceId: string, installationId?: string): Promise<number> {
  let afterId: string | null = null;
  let total = 0;
  for (;;) {
    const ids = await store.people.listPersonIds(workspaceId, { ...(installationId ? { installationId } : {}), afterId, limit: PAGE });
    if (ids.length === 0) return total;
    await enqueue.scoreBatch(workspaceId, ids);
    total += ids.length;
    afterId = ids[ids.length - 1]!;
  }
}
