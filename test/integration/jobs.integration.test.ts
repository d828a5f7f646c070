import './support/native-pglite';
import { connectorRegistry } from '../../connectors/registry';
import { readFileSync } from 'node:fs';
import { runScoreJob } from '../../jobs/score.job';
import { runSyncJob } from '../../jobs/sync.job';
import { runTasksJob } from '../../jobs/tasks.job';
import { runWritebackJob } from '../../jobs/writeback.job';
import { createEngineCache } from '../../src/app/engine-cache';
import { markFirstSyncStarted } from '../../src/sync/first-sync-marks';
import type { JobDeps } from '../../jobs/job-deps';
import { createLogger } from '../../src/log/logger';
import type { Enqueuer } from '../../src/queue/enqueuer';
import type { Installation } from '../../src/store';
import type { CrmConnector, CrmTask, CrmWrite, PullPage, TaskOutcome, WriteOutcome } from '../../src/connector/crm-connector';
import { openTestStore, seedWorkspace, type TestStore } from './support/store-harness';

/**
 * The job functions with the real store and a scripted connector: no Redis, no timing. What each
 * job stores, enqueues and writes is asserted exactly.
 */
const NOW = Date.parse('2026-11-27T12:00:00Z');

class ScriptedConnector implements CrmConnector {
  readonly provider = 'hubspot' as const;
  readonly streams = ['contacts', 'form_submissions'] as const;
  pages: Record<string, PullPage[]> = {};
  writes: CrmWrite[][] = [];
  tasks: CrmTask[][] = [];
  writeOutcome: (write: CrmWrite) => WriteOutcome = (write) => ({ crmId: write.crmId, status: 'ok' });
  async ensureSchema() {}
  async pull(stream: string, _cursor?: unknown): Promise<PullPage> {
    return this.pages[stream]?.shift() ?? { people: [], events: [], next: null };
  }
  propertiesFor(decision: Parameters<CrmConnector['propertiesFor']>[0], sla: Parameters<CrmConnector['propertiesFor']>[1]) {
    return { leadstage_stage: decision.stage, leadstage_score: String(decision.score), ...(sla ? { leadstage_sla_due: sla.dueAt } : {}) };
  }
  async write(writes: readonly CrmWrite[]) {
    this.writes.push([...writes]);
    return writes.map((write) => this.writeOutcome(write));
  }
  async createTasks(tasks: readonly CrmTask[]): Promise<TaskOutcome[]> {
    this.tasks.push([...tasks]);
    return tasks.map((task, i) => ({ key: task.key, status: 'ok', crmTaskId: `task-${this.tasks.length}-${i}` }));
  }
}

function recordingEnqueuer() {
  const calls: Array<[string, unknown]> = [];
  const enqueue: Enqueuer = {
    sync: async (data) => void calls.push(['sync', data]),
    score: async (items) => void items.forEach((item) => calls.push(['score', item])),
    scoreBatch: async (workspaceId, personIds) => void personIds.forEach((personId) => calls.push(['score', { workspaceId, personId }])),
    writeback: async (data) => void calls.push(['writeback', data]),
    tasks: async (data) => void calls.push(['tasks', data]),
    records: async (data) => void calls.push(['records', data]),
    sla: async (data) => void calls.push(['sla', data]),
  };
  return { calls, enqueue };
}

const persona = (crmId: string, email: string, extra: Record<string, unknown> = {}) => ({
  crmId,
  objectType: 'contact' as const,
  person: { email, firstName: 'Dana', lastName: crmId, title: 'VP Operations', company: 'Northfield', employees: 450, industry: 'Manufacturing', country: 'US', phone: '+1 555 0100', ownerId: 'owner-1', ...extra },
  writableValues: {},
  modifiedAt: '2026-11-20T00:00:00Z',
});

describe('jobs', () => {
  let t: TestStore;
  let installation: Installation;
  let connector: ScriptedConnector;
  let recorder: ReturnType<typeof recordingEnqueuer>;
  let deps: JobDeps;

  // one store for the file (opening one costs seconds); each test gets a workspace and installation of its own
  beforeAll(async () => {
    t = await openTestStore();
  });
  afterAll(() => t?.cleanup());

  beforeEach(async () => {
    const seeded = await seedWorkspace(t.store, 'Jobs');
    installation = seeded.installations[0]!;
    const yaml = readFileSync('config/rulebook.default.yaml', 'utf8');
    const draft = await t.store.rulebooks.createDraft(installation.workspaceId, { versionLabel: 'v1', yaml, createdBy: 'test' });
    await t.store.rulebooks.publish(installation.workspaceId, draft.id, 'test');
    connector = new ScriptedConnector();
    recorder = recordingEnqueuer();
    deps = {
      store: t.store,
      clock: () => NOW,
      logger: createLogger({ level: 'error' }),
      enqueue: recorder.enqueue,
      engineFor: createEngineCache(t.store),
      connectorFor: async () => connector,
      connectors: connectorRegistry,
      installation: async () => installation,
    };
  });

  const syncData = () => ({ workspaceId: installation.workspaceId, installationId: installation.id, stream: 'contacts', then: ['form_submissions'] });

  it('sync stores a page, checkpoints it, enqueues the next page and the scores', async () => {
    connector.pages.contacts = [{ people: [persona('101', 'a@northfield.com'), persona('102', 'b@northfield.com')], events: [], next: { after: '102' } }];
    const result = await runSyncJob(syncData(), { ...deps, syncPagesPerJob: 1 });
    expect(result).toMatchObject({ people: 2, caughtUp: false });
    expect(await t.store.checkpoints.getCheckpoint(installation.id, 'contacts')).toEqual({ after: '102' });
    expect(recorder.calls.filter(([kind]) => kind === 'score')).toHaveLength(2);
    expect(recorder.calls).toContainEqual(['sync', { ...syncData(), runNow: NOW }]);
  });

  it('sync pulls the next page while storing one, checkpoints each, and hands on after its page budget', async () => {
    const cursors: unknown[] = [];
    const pull = connector.pull.bind(connector);
    connector.pull = async (stream: string, cursor?: unknown) => {
      cursors.push(cursor);
      return pull(stream);
    };
    connector.pages.contacts = [
      { people: [persona('101', 'a@northfield.com')], events: [], next: { after: '101' } },
      { people: [persona('102', 'b@northfield.com')], events: [], next: { after: '102' } },
      { people: [persona('103', 'c@northfield.com')], events: [], next: { after: '103' } },
    ];
    const result = await runSyncJob(syncData(), { ...deps, syncPagesPerJob: 2 });
    expect(result).toMatchObject({ people: 2, caughtUp: false });
    expect(cursors).toEqual([null, { after: '101' }]); // the third page is left for the next job
    expect(await t.store.checkpoints.getCheckpoint(installation.id, 'contacts')).toEqual({ after: '102' });
    expect(connector.pages.contacts).toHaveLength(1);
    expect(recorder.calls.filter(([kind]) => kind === 'sync')).toEqual([['sync', { ...syncData(), runNow: NOW }]]);
  });

  it('sync keeps a stored page when the page pulled ahead fails; the next run resumes after it', async () => {
    connector.pages.contacts = [{ people: [persona('101', 'a@northfield.com')], events: [], next: { after: '101' } }];
    const pull = connector.pull.bind(connector);
    let calls = 0;
    connector.pull = async (stream: string) => {
      calls += 1;
      if (calls === 2) throw Object.assign(new Error('HubSpot 503'), { status: 503 });
      return pull(stream);
    };
    await expect(runSyncJob(syncData(), deps)).rejects.toThrow('HubSpot 503');
    expect(await t.store.checkpoints.getCheckpoint(installation.id, 'contacts')).toEqual({ after: '101' });
    expect(await t.store.people.findByEmail(installation.workspaceId, 'a@northfield.com')).toHaveLength(1);
  });

  it('sync re-scores only people whose record says something new', async () => {
    const page = () => ({ people: [persona('101', 'a@northfield.com'), persona('102', 'b@northfield.com')], events: [], next: null });
    connector.pages.contacts = [page()];
    await runSyncJob({ ...syncData(), then: [] }, deps);
    expect(recorder.calls.filter(([kind]) => kind === 'score')).toHaveLength(2);

    recorder.calls.length = 0;
    // the same records again (our own write-back echoing, new CRM values of our fields) and one real change
    connector.pages.contacts = [{ ...page(), people: [{ ...persona('101', 'a@northfield.com'), writableValues: { leadstage_stage: 'mql' } }, persona('102', 'b@northfield.com', { title: 'COO' })] }];
    await runSyncJob({ ...syncData(), then: [] }, deps);
    const scored = recorder.calls.filter(([kind]) => kind === 'score').map(([, data]) => (data as { personId: string }).personId);
    expect(scored).toEqual([await t.store.people.findByIdentity(installation.id, 'contact', '102')]);
  });

  it('sync moves to the next stream when caught up, keeping the checkpoint', async () => {
    await t.store.checkpoints.setCheckpoint(installation.id, 'contacts', { since: 5 });
    connector.pages.contacts = [{ people: [], events: [], next: null }];
    await runSyncJob(syncData(), deps);
    expect(await t.store.checkpoints.getCheckpoint(installation.id, 'contacts')).toEqual({ since: 5 });
    expect(recorder.calls).toEqual([['sync', { ...syncData(), stream: 'form_submissions', then: [], runNow: NOW }]]);
  });

  it('a scheduled sync stays out of a running first sync, and runs once every stream of it is caught up', async () => {
    const scheduled = { ...syncData(), scheduled: true };
    await markFirstSyncStarted(t.store.checkpoints, installation.id, new Date(NOW));
    connector.pages.contacts = [{ people: [persona('101', 'a@northfield.com')], events: [], next: { after: '101' } }];
    expect(await runSyncJob(scheduled, deps)).toMatchObject({ skipped: true, people: 0 });
    expect(connector.pages.contacts).toHaveLength(1); // nothing pulled
    expect(recorder.calls).toEqual([]);
    // the first sync's own jobs are not held back
    const firstRun = { ...syncData(), then: [], firstRun: true, runNow: NOW };
    expect(await runSyncJob(firstRun, { ...deps, syncPagesPerJob: 1 })).toMatchObject({ people: 1 });
    connector.pages.contacts = [{ people: [], events: [], next: null }];
    await runSyncJob(firstRun, deps);
    connector.pages.form_submissions = [{ people: [], events: [], next: null }];
    await runSyncJob({ ...firstRun, stream: 'form_submissions' }, deps);
    // every stream caught up: the next scheduled run pulls
    connector.pages.contacts = [{ people: [persona('102', 'b@northfield.com')], events: [], next: null }];
    expect(await runSyncJob(scheduled, deps)).toMatchObject({ people: 1, caughtUp: true });
    expect((await runSyncJob(scheduled, deps)).skipped).toBeUndefined();
  });

  it('sync never drops an event: an unknown email or CRM id becomes a person that the contact joins later', async () => {
    connector.pages.form_submissions = [
      {
        people: [],
        events: [
          { who: { email: 'New.Person@Northfield.com' }, event: { id: 'f1', type: 'demo_request', occurredAt: '2026-11-27T11:00:00Z', source: 'hubspot', properties: {} } },
          { who: { crmId: '555', objectType: 'contact' }, event: { id: 'v1', type: 'page_view', occurredAt: '2026-11-27T10:00:00Z', source: 'hubspot', properties: { url: '/pricing' } } },
        ],
        next: null,
      },
    ];
    const result = await runSyncJob({ ...syncData(), stream: 'form_submissions', then: [] }, deps);
    expect(result.newEvents).toBe(2);
    connector.pages.contacts = [{ people: [persona('777', 'new.person@northfield.com'), persona('555', 'c@northfield.com')], events: [], next: null }];
    await runSyncJob({ ...syncData(), then: [] }, deps);
    const byEmail = await t.store.people.findByEmail(installation.workspaceId, 'new.person@northfield.com');
    expect(byEmail).toHaveLength(1);
    const scoring = await t.store.state.loadPersonForScoring(installation.workspaceId, byEmail[0]!.id);
    expect(scoring!.events.map((e) => e.id)).toEqual(['f1']);
    expect(scoring!.person.title).toBe('VP Operations');
    const viewer = await t.store.people.findByIdentity(installation.id, 'contact', '555');
    expect((await t.store.state.loadPersonForScoring(installation.workspaceId, viewer!))!.events.map((e) => e.id)).toEqual(['v1']);
  });

  it('sync joins a person known by CRM id and one known by email when the contact shows they are the same', async () => {
    connector.pages.page_views = [
      { people: [], events: [{ who: { crmId: '900', objectType: 'contact' }, event: { id: 'v9', type: 'page_view', occurredAt: '2026-11-27T09:00:00Z', source: 'hubspot', properties: { url: '/pricing' } } }], next: null },
    ];
    connector.pages.form_submissions = [
      { people: [], events: [{ who: { email: 'same@northfield.com' }, event: { id: 'd9', type: 'demo_request', occurredAt: '2026-11-27T10:00:00Z', source: 'hubspot', properties: {} } }], next: null },
    ];
    await runSyncJob({ ...syncData(), stream: 'page_views', then: [] }, deps);
    await runSyncJob({ ...syncData(), stream: 'form_submissions', then: [] }, deps);
    connector.pages.contacts = [{ people: [persona('900', 'same@northfield.com')], events: [], next: null }];
    await runSyncJob({ ...syncData(), then: [] }, deps);

    expect(await t.store.people.findByEmail(installation.workspaceId, 'same@northfield.com')).toHaveLength(1);
    const personId = await t.store.people.findByIdentity(installation.id, 'contact', '900');
    const scoring = await t.store.state.loadPersonForScoring(installation.workspaceId, personId!);
    expect(scoring!.events.map((e) => e.id).sort()).toEqual(['d9', 'v9']);
  });

  async function syncAndScore(people: ReturnType<typeof persona>[], events: PullPage['events'] = []) {
    connector.pages.contacts = [{ people, events, next: null }];
    await runSyncJob({ ...syncData(), then: [] }, deps);
    const ids = recorder.calls.filter(([kind]) => kind === 'score').map(([, data]) => (data as { personId: string }).personId);
    recorder.calls.length = 0;
    for (const personId of new Set(ids)) await runScoreJob({ workspaceId: installation.workspaceId, personId }, deps);
    return [...new Set(ids)];
  }

  // the writer waits up to one gather period for a full batch; these run after it
  const afterGather = () => ({ ...deps, clock: () => NOW + 5_000 });
  const writebackData = () => ({ workspaceId: installation.workspaceId, installationId: installation.id });

  it('writeback holds a part batch for one gather period so CRM calls go out full', async () => {
    await syncAndScore([persona('101', 'a@northfield.com')]);
    recorder.calls.length = 0;
    expect(await runWritebackJob(writebackData(), deps)).toEqual({ written: 0, retrying: 0, failed: 0 });
    expect(connector.writes).toEqual([]);
    expect(recorder.calls).toEqual([['writeback', writebackData()]]);
    expect(await runWritebackJob(writebackData(), afterGather())).toEqual({ written: 1, retrying: 0, failed: 0 });
  });

  it('score queues only changed writes: an unchanged re-score writes nothing', async () => {
    await syncAndScore([persona('101', 'a@northfield.com')]);
    expect(recorder.calls).toEqual([['writeback', { workspaceId: installation.workspaceId, installationId: installation.id }]]);
    await runWritebackJob({ workspaceId: installation.workspaceId, installationId: installation.id }, afterGather());
    expect(connector.writes).toHaveLength(1);
    expect(connector.writes[0]![0]!.properties).toMatchObject({ leadstage_stage: 'mql' });

    // the CRM now holds what was written: pulling and scoring again changes nothing
    recorder.calls.length = 0;
    await syncAndScore([{ ...persona('101', 'a@northfield.com'), writableValues: connector.writes[0]![0]!.properties }]);
    expect(recorder.calls).toEqual([]);
    expect(await t.store.outbox.outboxBacklog(installation.id)).toMatchObject({ pending: 0 });
  });

  it('the nightly decay rescore queues everyone in bulk pages; later the same day nothing is written, the next day the faded scores are', async () => {
    const DAY_MS = 86_400_000;
    const engaged = (id: string, type: 'webinar_attended' | 'page_view', daysAgo: number, url?: string): PullPage['events'][number] => ({
      who: { crmId: '101', objectType: 'contact' as const },
      event: { id, type, occurredAt: new Date(NOW - daysAgo * DAY_MS).toISOString(), source: 'hubspot', properties: url ? { url } : {} },
    });
    const events = [engaged('w1', 'webinar_attended', 3), engaged('w2', 'webinar_attended', 10), engaged('p1', 'page_view', 2, '/pricing'), engaged('p2', 'page_view', 4, '/pricing')];
    await syncAndScore([persona('101', 'a@northfield.com'), persona('102', 'b@northfield.com')], events);
    await runWritebackJob(writebackData(), afterGather());
    const written = () => new Map(connector.writes.flat().map((write) => [write.crmId, write.properties]));
    // the CRM now holds what was written
    recorder.calls.length = 0;
    await syncAndScore([
      { ...persona('101', 'a@northfield.com'), writableValues: written().get('101')! },
      { ...persona('102', 'b@northfield.com'), writableValues: written().get('102')! },
    ]);
    expect(recorder.calls).toEqual([]);
    const firstScore = Number(written().get('101')!.leadstage_score);

    const rescoreAt = async (at: number) => {
      const at_ = { ...deps, clock: () => at };
      recorder.calls.length = 0;
      expect(await runScoreJob({ workspaceId: installation.workspaceId, rescore: 'decay' }, at_)).toEqual({ queued: 2 });
      const queued = recorder.calls.filter(([kind]) => kind === 'score').map(([, data]) => (data as { personId: string }).personId);
      expect(queued).toHaveLength(2);
      recorder.calls.length = 0;
      await runScoreJob({ workspaceId: installation.workspaceId, personIds: queued }, at_);
      return recorder.calls.filter(([kind]) => kind === 'writeback');
    };
    // 23:30 the same day: scores fade once a day, so nothing changed and nothing is queued
    expect(await rescoreAt(Date.parse('2026-11-27T23:30:00Z'))).toEqual([]);
    // 00:05 the next day: the engaged contact's score faded and is written; the other did not change
    const writesBefore = connector.writes.length;
    expect(await rescoreAt(Date.parse('2026-11-28T00:05:00Z'))).toHaveLength(1);
    await runWritebackJob(writebackData(), { ...deps, clock: () => Date.parse('2026-11-28T00:05:10Z') });
    const next = connector.writes.slice(writesBefore).flat();
    expect(next.map((write) => write.crmId)).toEqual(['101']);
    expect(Number(next[0]!.properties.leadstage_score)).toBeLessThan(firstScore);
  });

  it('score reserves one first-touch task per handoff, due 30 minutes after the request, however often it runs', async () => {
    const [personId] = await syncAndScore(
      [persona('101', 'a@northfield.com')],
      [{ who: { crmId: '101', objectType: 'contact' }, event: { id: 'd1', type: 'demo_request', occurredAt: '2026-11-27T11:00:00Z', source: 'hubspot', properties: {} } }],
    );
    await runScoreJob({ workspaceId: installation.workspaceId, personId: personId! }, deps);
    await runScoreJob({ workspaceId: installation.workspaceId, personId: personId! }, deps);
    const pending = await t.store.tasks.listPendingTasks(installation.id);
    expect(pending).toHaveLength(1);
    expect(pending[0]!.dueAt).toBe('2026-11-27T11:30:00.000Z');

    await runTasksJob({ workspaceId: installation.workspaceId, installationId: installation.id }, deps);
    await runTasksJob({ workspaceId: installation.workspaceId, installationId: installation.id }, deps);
    expect(connector.tasks).toHaveLength(1);
    expect(connector.tasks[0]![0]).toMatchObject({ crmId: '101', ownerId: 'owner-1', priority: 'high', type: 'call', dueAt: '2026-11-27T11:30:00.000Z' });
    expect(connector.tasks[0]![0]!.subject).toMatch(/requested a demo/);
    expect(connector.tasks[0]![0]!.body).toMatch(/Recent activity:\n {2}2026-11-27 11:00 requested a demo/);
  });

  it('writeback keeps failed writes: transient ones wait for a retry, permanent ones are recorded, the rest confirmed', async () => {
    await syncAndScore([persona('101', 'a@northfield.com'), persona('102', 'b@northfield.com'), persona('103', 'c@northfield.com')]);
    connector.writeOutcome = (write) =>
      write.crmId === '102'
        ? { crmId: '102', status: 'retry', error: 'HTTP 502 from batch update' }
        : write.crmId === '103'
          ? { crmId: '103', status: 'failed', code: 'VALIDATION_ERROR', error: 'leadstage_score: not a number' }
          : { crmId: write.crmId, status: 'ok' };
    const result = await runWritebackJob({ workspaceId: installation.workspaceId, installationId: installation.id }, afterGather());
    expect(result).toEqual({ written: 1, retrying: 1, failed: 1 });
    expect(await t.store.outbox.outboxBacklog(installation.id)).toMatchObject({ pending: 1 });
    const errors = await t.store.outbox.listRecordErrors(installation.id);
    expect(errors).toEqual([expect.objectContaining({ crmId: '103', code: 'VALIDATION_ERROR', message: 'leadstage_score: not a number' })]);
    expect(recorder.calls).toContainEqual(['writeback', { workspaceId: installation.workspaceId, installationId: installation.id }]);

    // later, the CRM is back: the waiting write lands and nothing is written twice
    connector.writeOutcome = (write) => ({ crmId: write.crmId, status: 'ok' });
    const laterDeps = { ...deps, clock: () => NOW + 60 * 60_000 };
    expect(await runWritebackJob({ workspaceId: installation.workspaceId, installationId: installation.id }, laterDeps)).toEqual({ written: 1, retrying: 0, failed: 0 });
    expect(connector.writes.flat().map((w) => w.crmId)).toEqual(['101', '102', '103', '102']);
  });

  it('writeback fails only the write whose stored payload is not a CRM write, recorded with each bad field; the others are written', async () => {
    const ids = await syncAndScore(['101', '102', '103', '104'].map((crmId) => persona(crmId, `${crmId}@northfield.com`)));
    const personOf = async (crmId: string) => (await t.store.people.findByIdentity(installation.id, 'contact', crmId))!;
    expect(ids).toHaveLength(4);
    // rows as an older deployment or a hand edit might leave them (a new hash replaces the queued payload)
    await t.store.outbox.enqueueWrites(installation.id, [
      { personId: await personOf('103'), payload: { crmId: '103', objectType: 'deal', properties: { leadstage_score: 42 }, current: {} }, hash: 'bad-103' },
      { personId: await personOf('104'), payload: 'leadstage_stage=sql', hash: 'bad-104' },
    ], new Date(NOW));

    const result = await runWritebackJob(writebackData(), afterGather());
    expect(result).toEqual({ written: 2, retrying: 0, failed: 2 });
    expect(connector.writes.flat().map((write) => write.crmId)).toEqual(['101', '102']);
    expect(await t.store.outbox.outboxBacklog(installation.id)).toMatchObject({ pending: 0 });
    const errors = await t.store.outbox.listRecordErrors(installation.id);
    expect(errors).toHaveLength(2);
    expect(errors).toContainEqual(expect.objectContaining({
      personId: await personOf('103'),
      crmId: '103',
      code: 'OUTBOX_PAYLOAD_INVALID',
      message: expect.stringMatching(/^outbox write \d+ for person \S+ is not a CRM write: objectType: expected one of "contact"\|"lead"; properties\.leadstage_score: expected string, received number$/),
    }));
    expect(errors).toContainEqual(expect.objectContaining({
      personId: await personOf('104'),
      crmId: null,
      code: 'OUTBOX_PAYLOAD_INVALID',
      message: expect.stringMatching(/is not a CRM write: \(payload\): expected object, received string$/),
    }));
  });

  it('writeback leaves every write in the outbox when the whole call fails', async () => {
    await syncAndScore([persona('101', 'a@northfield.com')]);
    connector.write = async () => {
      throw new Error('HubSpot 429 TEN_SECONDLY_ROLLING');
    };
    await expect(runWritebackJob({ workspaceId: installation.workspaceId, installationId: installation.id }, afterGather())).rejects.toThrow(/429/);
    expect(await t.store.outbox.outboxBacklog(installation.id)).toMatchObject({ pending: 1 });
  });
});
