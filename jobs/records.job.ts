import type { JobDeps } from './job-deps';
import { runScoreBatch } from './score.job';
import { storePage } from './sync.job';
import type { CrmConnector, CrmObjectType, PulledPerson, RemovedRecord } from '../src/connector/crm-connector';
import type { RecordsJobData } from '../src/queue/job-data';
import type { ClaimedChange } from '../src/queue/record-changes';

/** Records per page: one batch read of the CRM's (100 is what the people CRMs take per call). */
export const RECORDS_PER_PAGE = 100;
/** Pages one job takes before handing on, so one installation's burst does not hold a worker for long. */
export const RECORD_PAGES_PER_JOB = 10;

export interface RecordsResult {
  /** Records asked for by id, found (still there), and retired (deleted or merged away). */
  pulled: number;
  found: number;
  removed: number;
  /** People re-scored (those whose record said something new, merged, or retired). */
  scored: number;
  /** Changes still waiting when the job ended (a next job was queued for them). */
  left: number;
}

class RecordsJobError extends Error {
  override readonly name = 'RecordsJobError';
  readonly retryable = false;
}

/**
 * `records`: the changes webhooks announced for one installation (waiting in record-changes.ts),
 * page by page: pull the changed records by id through the connector, retire the deleted and
 * merged ones through the same path as a sync page's removed records, store the page, score the
 * affected people (which queues their write-back), and acknowledge the page's changes. The next page is pulled while one
 * is stored. A change that arrives meanwhile waits for the next job (queued by whoever added it);
 * a crash leaves the unacknowledged changes waiting, to be pulled again.
 */
export async function runRecordsJob(data: RecordsJobData, deps: JobDeps): Promise<RecordsResult> {
  const buffer = deps.recordChanges;
  if (!buffer) throw new RecordsJobError('records job: this process has no record-change buffer (JobDeps.recordChanges)');
  const installation = await deps.installation(data.workspaceId, data.installationId);
  const connector = await deps.connectorFor(installation);
  const now = deps.clock();
  const claimed = await buffer.claim(installation.id, RECORDS_PER_PAGE * RECORD_PAGES_PER_JOB);
  const pages: ClaimedChange[][] = [];
  for (let i = 0; i < claimed.length; i += RECORDS_PER_PAGE) pages.push(claimed.slice(i, i + RECORDS_PER_PAGE));

  const totals: RecordsResult = { pulled: 0, found: 0, removed: 0, scored: 0, left: 0 };
  const pull = (page: ClaimedChange[]) => pullPage(connector, page, now);
  let ahead: Promise<PulledPerson[]> | null = pages[0] ? pull(pages[0]) : null;
  for (const [index, page] of pages.entries()) {
    const people = await ahead!;
    const next = pages[index + 1];
    ahead = next ? pull(next) : null;
    // a failed pull ahead surfaces when awaited, after this page is safely stored
    ahead?.catch(() => undefined);

    // a record deleted and then restored is pulled alive: the later state wins
    const alive = new Set(people.map((person) => `${person.objectType}:${person.crmId}`));
    const removed: RemovedRecord[] = [];
    for (const { change } of page) {
      if (change.kind !== 'remove' || alive.has(`${change.objectType}:${change.crmId}`)) continue;
      removed.push({
        crmId: change.crmId,
        objectType: change.objectType,
        ...(change.mergedInto ? { mergedInto: change.mergedInto, reason: 'merged' as const } : { reason: change.privacy ? ('privacy' as const) : ('deleted' as const) }),
      });
    }
    const stored = await storePage({ people, events: [], next: null, removed }, null, installation, deps);
    // scored here, as one page (a fixed handful of statements), not as a score job per person: a
    // webhook's change is waited for, and queue hops and per-person statements are most of the wait
    if (stored.ids.length > 0) await runScoreBatch(installation.workspaceId, stored.ids, deps);
    await buffer.ack(installation.id, page);
    totals.pulled += page.filter(({ change }) => change.kind === 'pull').length;
    totals.found += people.length;
    totals.removed += removed.length;
    totals.scored += stored.ids.length;
    deps.logger.debug('webhook records stored', { installationId: installation.id, pulled: people.length, removed: removed.length, rescored: stored.ids.length });
  }
  totals.left = await buffer.pending(installation.id);
  if (totals.left > 0) await deps.enqueue.records(data, 0);
  return totals;
}

/** The page's records to pull, by object type, through the connector's batch reads. */
async function pullPage(connector: CrmConnector, page: readonly ClaimedChange[], now: number): Promise<PulledPerson[]> {
  const ids = new Map<CrmObjectType, string[]>();
  for (const { change } of page) {
    if (change.kind !== 'pull') continue;
    const list = ids.get(change.objectType) ?? [];
    list.push(change.crmId);
    ids.set(change.objectType, list);
  }
  if (ids.size === 0) return [];
  if (!connector.pullRecords) throw new RecordsJobError(`the ${connector.provider} connector cannot pull records by id (CrmConnector.pullRecords)`);
  const pulled = await Promise.all([...ids].map(([objectType, list]) => connector.pullRecords!(objectType, list, { now })));
  return pulled.flat();
}
