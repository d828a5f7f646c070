import type { JobDeps } from './job-deps';
import { enqueueRescore } from '../src/app/rescore';
import { firstSyncPhases } from '../src/sync/first-sync-phases';
import { firstSyncRunning, markCaughtUpAndCheckPhase } from '../src/sync/first-sync-marks';
import type { SyncJobData } from '../src/queue/job-data';
import type { CrmConnector, PullPage, PulledEvent, RecordState, StreamCursor } from '../src/connector/crm-connector';
import type { EventInsert, Installation, PersonUpsert, Repositories } from '../src/store';
import { recordConnectorProblems } from '../src/sync/installation-problems';

export interface SyncPageResult {
  people: number;
  events: number;
  newEvents: number;
  caughtUp: boolean;
  /** A scheduled run that found the installation's first sync still running, and pulled nothing. */
  skipped?: boolean;
}

/** Pages one sync job pulls before handing on: long enough to keep a pipeline full, short enough to share workers. */
export const PAGES_PER_JOB = 10;

/**
 * `sync`: pull a page → store its people and events with the checkpoint → enqueue the affected
 * people's scores, for up to `PAGES_PER_JOB` pages, then hand on to the next job. The next page is
 * pulled while this one is stored, so API calls and database work overlap and a stream's cursor
 * chain runs at the quota, not at request latency plus store time. The checkpoint is written in
 * the page's transaction: a crash loses the whole page (pulled again) or none of it, and a page
 * pulled ahead but never stored is simply pulled again from the checkpoint.
 */
export async function runSyncJob(data: SyncJobData, deps: JobDeps): Promise<SyncPageResult> {
  const { store } = deps;
  const installation = await deps.installation(data.workspaceId, data.installationId);
  const connector = await deps.connectorFor(installation);
  const runNow = data.runNow ?? deps.clock();
  const totals: SyncPageResult = { people: 0, events: 0, newEvents: 0, caughtUp: false };
  if (data.scheduled && (await firstSyncRunning(store.checkpoints, installation.id, connector.streams))) {
    deps.logger.debug('scheduled sync skipped: the first sync is still running', { installationId: installation.id, stream: data.stream });
    return { ...totals, skipped: true };
  }

  try {
    await pullPages(data, deps, installation, connector, runNow, totals);
  } finally {
    // what the pulls found the connector cannot read (a field deleted or its access revoked), once
    await recordConnectorProblems(store, installation, connector, deps.clock(), deps.logger);
  }
  // a first sync grows the tables faster than autovacuum re-analyzes them
  if (data.firstRun) {
    const analyzed = await store.statistics.refreshIfStale(deps.clock());
    if (analyzed.length > 0) deps.logger.debug('planner statistics refreshed', { tables: analyzed });
  }
  return totals;
}

/** Up to `syncPagesPerJob` pages, each stored with its checkpoint while the next is pulled. */
async function pullPages(data: SyncJobData, deps: JobDeps, installation: Installation, connector: CrmConnector, runNow: number, totals: SyncPageResult): Promise<void> {
  const { store } = deps;
  const limit = deps.syncPagesPerJob ?? PAGES_PER_JOB;
  const phases = firstSyncPhases(connector);
  const phase = phases.findIndex((streams) => streams.includes(data.stream));
  // records the store already holds exactly so (our own write-back echoing) need not be read in full
  const unchanged = (records: readonly RecordState[]) => store.people.unchangedRecords(installation.id, records);
  const pull = (cursor: StreamCursor | null) => connector.pull(data.stream, cursor, { now: runNow, unchanged });
  let ahead: Promise<PullPage> | null = pull(await store.checkpoints.getCheckpoint<StreamCursor>(installation.id, data.stream));
  for (let pages = 1; ahead; pages++) {
    const page: PullPage = await ahead;
    const more = page.more ?? page.next !== null;
    ahead = more && page.next && pages < limit ? pull(page.next) : null;
    // a failed pull ahead surfaces when awaited, after this page is safely stored
    ahead?.catch(() => undefined);

    const stored = await storePage(page, data.stream, installation, deps);
    totals.people += page.people.length;
    totals.events += page.events.length;
    totals.newEvents += stored.inserted;
    if (!data.firstRun) await deps.enqueue.score(stored.ids.map((personId) => ({ workspaceId: installation.workspaceId, personId })));
    // the last phase of a phased first sync: engagement is stored, so this page's people are final
    else if (phases.length > 1 && phase === phases.length - 1) await deps.enqueue.scoreBatch(installation.workspaceId, stored.people);
    deps.logger.debug('sync page stored', {
      installationId: installation.id,
      stream: data.stream,
      people: page.people.length,
      events: page.events.length,
      newEvents: stored.inserted,
    });

    if (more && !ahead) await deps.enqueue.sync({ ...data, runNow });
    if (more) continue;
    totals.caughtUp = true;
    if (data.then.length > 0) await deps.enqueue.sync({ ...data, stream: data.then[0]!, then: data.then.slice(1), runNow });
    else if (data.firstRun && (await markCaughtUpAndCheckPhase(store.checkpoints, installation.id, data.stream, phases[phase] ?? connector.streams))) {
      const next = phases[phase + 1];
      if (next) {
        for (const stream of next) await deps.enqueue.sync({ ...data, stream, then: [], runNow });
      } else if (phases.length === 1) {
        await enqueueRescore(store, deps.enqueue, installation.workspaceId, installation.id);
      }
    }
  }
}

/**
 * One page, its events and its checkpoint in one transaction. `stream` null: records pulled by id
 * (the records job), which belong to no stream and move no checkpoint.
 */
export async function storePage(page: PullPage, stream: string | null, installation: Installation, deps: JobDeps): Promise<{ ids: string[]; people: string[]; inserted: number }> {
  return deps.store.transaction(async (repos) => {
    const { personIds, changed } = await repos.people.upsertPeopleTracked(
      installation.workspaceId,
      page.people.map(
        (pulled): PersonUpsert => ({
          installationId: installation.id,
          objectType: pulled.objectType,
          crmId: pulled.crmId,
          person: { ...pulled.person, id: pulled.crmId },
          crmValues: pulled.writableValues,
          ...(pulled.readBack ? { readBack: pulled.readBack } : {}),
          ...(pulled.fingerprint ? { fingerprint: pulled.fingerprint } : {}),
          pulled: true,
          ...(pulled.formerly ? { formerly: pulled.formerly } : {}),
        }),
      ),
    );
    const removed = page.removed ?? [];
    const removal = await repos.people.removeRecords(installation.workspaceId, installation.id, removed, {
      ...(deps.privacy ? { subjectHash: deps.privacy.subjectHash } : {}),
      now: new Date(deps.clock()),
    });
    if (removal.erasedPeople > 0 || Object.keys(removal.counts).length > 0) {
      deps.logger.info('records removed in the CRM: data erased', { installationId: installation.id, people: removal.erasedPeople, rows: removal.counts });
    }
    const retired = removal.rescore;
    // an event of this page that names a record deleted on it would bring the record back as a new person
    const gone = new Set(removed.filter((r) => !r.mergedInto).map((r) => `${r.objectType}:${r.crmId}`));
    const pageEvents = gone.size === 0 ? page.events : page.events.filter(({ who }) => !('crmId' in who) || !gone.has(`${who.objectType}:${who.crmId}`));
    const events = await resolveEventOwners(pageEvents, installation.id, installation.workspaceId, repos);
    const inserted = await repos.events.insertEvents(installation.id, events);
    if (stream !== null && page.next) await repos.checkpoints.setCheckpoint(installation.id, stream, page.next, new Date(deps.clock()));
    return {
      // worth re-scoring: people whose record says something new, merged records, new engagement
      ids: [...new Set([...changed, ...retired, ...inserted.personIds])],
      // a first sync's people page: everyone on it is scored, changed or not
      people: [...new Set([...personIds, ...retired])],
      inserted: inserted.inserted,
    };
  });
}

type Repos = Repositories;

/**
 * Events name their person by CRM id or by email. A CRM id not seen yet becomes a person linked to
 * that record (its details arrive with the contact); an unknown email becomes a person with that
 * email. Nothing is dropped, and the later contact page merges into the same person.
 */
async function resolveEventOwners(events: readonly PulledEvent[], installationId: string, workspaceId: string, repos: Repos): Promise<EventInsert[]> {
  if (events.length === 0) return [];
  const byRecord = new Map<string, { objectType: 'contact' | 'lead'; crmId: string }>();
  const emails: string[] = [];
  for (const { who } of events) {
    if ('email' in who) emails.push(who.email);
    else byRecord.set(`${who.objectType}:${who.crmId}`, who);
  }
  const recordIds = new Map<string, string>();
  if (byRecord.size > 0) {
    const records = [...byRecord.values()];
    const ids = await repos.people.upsertPeople(
      workspaceId,
      records.map((record) => ({ installationId, objectType: record.objectType, crmId: record.crmId, person: { id: record.crmId } })),
    );
    records.forEach((record, i) => recordIds.set(`${record.objectType}:${record.crmId}`, ids[i]!));
  }
  const emailIds = await repos.people.resolveEmails(workspaceId, emails);
  const out: EventInsert[] = [];
  for (const { who, event } of events) {
    const personId = 'email' in who ? emailIds.get(who.email.trim().toLowerCase()) : recordIds.get(`${who.objectType}:${who.crmId}`);
    if (personId) out.push({ personId, event });
  }
  return out;
}
