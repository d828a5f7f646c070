import './support/native-pglite';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connectorRegistry } from '../../connectors/registry';
import type { JobDeps } from '../../jobs/job-deps';
import { runRetentionJob } from '../../jobs/retention.job';
import { runScoreJob } from '../../jobs/score.job';
import { runSyncJob } from '../../jobs/sync.job';
import { runTasksJob } from '../../jobs/tasks.job';
import { runWritebackJob } from '../../jobs/writeback.job';
import { createEngineCache } from '../../src/app/engine-cache';
import { runCli } from '../../src/cli/main';
import { eraseCommand } from '../../src/cli/commands/erase.command';
import type { CrmConnector, CrmTask, CrmWrite, PullPage, PulledEvent, TaskOutcome } from '../../src/connector/crm-connector';
import { compileRulebook } from '../../src/engine/engine';
import { createLogger } from '../../src/log/logger';
import type { EventType } from '../../src/model/event';
import type { Enqueuer } from '../../src/queue/enqueuer';
import { loadEnv } from '../../src/config/env';
import { parseRulebook } from '../../src/rulebook/load';
import { subjectHasher, type Installation } from '../../src/store';
import { hitColumns, scanSchemaFor } from './support/pii-scan';
import { DRIVER, openTestStore, seedWorkspace, type TestStore } from './support/store-harness';

/**
 * Data protection through the jobs: a sync page that deletes a record for privacy erases the person
 * after they were synced, scored, written back and given a task; `leadstage erase` on the same
 * store; and the nightly retention job with an injected clock.
 */
const NOW = Date.parse('2026-11-27T12:00:00Z');
const DAY = 86_400_000;
const hash = subjectHasher(randomBytes(32));

class ScriptedConnector implements CrmConnector {
  readonly provider = 'hubspot' as const;
  readonly streams = ['contacts', 'form_submissions'] as const;
  pages: Record<string, PullPage[]> = {};
  tasks: CrmTask[] = [];
  async ensureSchema() {}
  async pull(stream: string): Promise<PullPage> {
    return this.pages[stream]?.shift() ?? { people: [], events: [], next: null };
  }
  propertiesFor(decision: Parameters<CrmConnector['propertiesFor']>[0]) {
    return { leadstage_stage: decision.stage, leadstage_score: String(decision.score), leadstage_reasons: decision.reasons.map((r) => r.text).join('; ') };
  }
  async write(writes: readonly CrmWrite[]) {
    return writes.map((write) => ({ crmId: write.crmId, status: 'ok' as const }));
  }
  async createTasks(tasks: readonly CrmTask[]): Promise<TaskOutcome[]> {
    this.tasks.push(...tasks);
    return tasks.map((task, i) => ({ key: task.key, status: 'ok', crmTaskId: `task-${i}` }));
  }
}

const persona = (crmId: string, email: string) => ({
  crmId,
  objectType: 'contact' as const,
  person: { email, firstName: 'Dana', lastName: `Privacy-${crmId}`, title: 'VP Operations', company: 'Northfield', employees: 450, industry: 'Manufacturing', country: 'US', phone: '+1 555 0142', ownerId: 'owner-1' },
  writableValues: { leadstage_stage: 'lead', hs_email_copy: email },
  modifiedAt: '2026-11-20T00:00:00Z',
});

const engagement = (id: string, who: PulledEvent['who'], type: EventType, daysAgo: number, properties: Record<string, string> = {}): PulledEvent => ({
  who,
  event: { id, type, occurredAt: new Date(NOW - daysAgo * DAY).toISOString(), source: 'hubspot', properties },
});

describe(`data protection through the jobs (${DRIVER})`, () => {
  let t: TestStore;
  let installation: Installation;
  let connector: ScriptedConnector;
  let deps: JobDeps;
  const queued: Array<[string, unknown]> = [];

  beforeEach(async () => {
    t = await openTestStore();
    installation = (await seedWorkspace(t.store, 'Privacy jobs')).installations[0]!;
    const draft = await t.store.rulebooks.createDraft(installation.workspaceId, { versionLabel: 'v1', yaml: readFileSync('config/rulebook.default.yaml', 'utf8'), createdBy: 'test' });
    await t.store.rulebooks.publish(installation.workspaceId, draft.id, 'test');
    connector = new ScriptedConnector();
    queued.length = 0;
    const enqueue: Enqueuer = {
      sync: async (data) => void queued.push(['sync', data]),
      score: async (items) => void items.forEach((item) => queued.push(['score', item])),
      scoreBatch: async (workspaceId, personIds) => void personIds.forEach((personId) => queued.push(['score', { workspaceId, personId }])),
      writeback: async (data) => void queued.push(['writeback', data]),
      tasks: async (data) => void queued.push(['tasks', data]),
      records: async (data) => void queued.push(['records', data]),
      sla: async (data) => void queued.push(['sla', data]),
    };
    deps = {
      store: t.store,
      clock: () => NOW,
      logger: createLogger({ level: 'error' }),
      enqueue,
      engineFor: createEngineCache(t.store),
      connectorFor: async () => connector,
      connectors: connectorRegistry,
      installation: async () => installation,
      privacy: { subjectHash: hash, eventRetentionMarginDays: 30, resolvedErrorRetentionDays: 90 },
    };
  });
  afterEach(() => t.cleanup());

  const sync = (stream: string) => runSyncJob({ workspaceId: installation.workspaceId, installationId: installation.id, stream, then: [] }, deps);
  /** Runs what the jobs queued (scores, then write-back and tasks) until nothing is left. */
  const drain = async () => {
    while (queued.length > 0) {
      const [kind, data] = queued.shift()!;
      if (kind === 'score') await runScoreJob(data as { workspaceId: string; personId: string }, deps);
      // past the gather period, so a part batch goes out instead of waiting for company
      if (kind === 'writeback') await runWritebackJob(data as { workspaceId: string; installationId: string }, { ...deps, clock: () => NOW + 3_000 });
      if (kind === 'tasks') await runTasksJob(data as { workspaceId: string; installationId: string }, deps);
    }
  };

  it('a privacy deletion on a sync page erases a synced, scored, written-back person, and the same page cannot bring them back', async () => {
    const email = 'paula.private@northfield.example';
    const who = { crmId: '901', objectType: 'contact' as const };
    connector.pages.form_submissions = [{
      people: [],
      events: [
        engagement('demo-1', who, 'demo_request', 1, { form_email: email }),
        engagement('price-1', who, 'page_view', 2, { url: 'https://northfield.example/pricing' }),
        engagement('open-1', { email }, 'email_open', 3),
      ],
      next: null,
    }];
    await sync('form_submissions');
    connector.pages.contacts = [{ people: [persona('901', email), persona('902', 'kept@northfield.example')], events: [], next: null }];
    await sync('contacts');
    await drain();
    const id = (await t.store.people.findByIdentity(installation.id, 'contact', '901'))!;
    expect((await t.store.state.loadPersonForScoring(installation.workspaceId, id))?.state?.decision.stage).toBe('sql');
    expect(connector.tasks.map((task) => task.crmId)).toContain('901');
    const before = hitColumns(await scanSchemaFor(t.store.db, email));
    expect(before).toEqual(expect.arrayContaining(['people.snapshot', 'person_identities.crm_values', 'person_identities.record_values', 'events.properties']));

    // deleted for privacy; a late event of the same page still names the record
    connector.pages.contacts = [{ people: [], events: [engagement('late-1', who, 'page_view', 0)], removed: [{ crmId: '901', objectType: 'contact', reason: 'privacy' }], next: null }];
    await sync('contacts');
    expect((await scanSchemaFor(t.store.db, email)).hits).toEqual([]);
    expect((await scanSchemaFor(t.store.db, 'Privacy-901')).hits).toEqual([]);
    expect(await t.store.people.findByIdentity(installation.id, 'contact', '901')).toBeNull();
    expect(await t.store.erasure.listAudit(installation.workspaceId)).toEqual([
      expect.objectContaining({
        reason: 'crm_privacy_delete',
        subjectHash: hash(email),
        peopleErased: 1,
        counts: expect.objectContaining({ people: 1, person_identities: 1, events: 3, person_state: 1, stage_transitions: expect.any(Number), written_hashes: 1, tasks: 1 }),
      }),
    ]);
    // the other person was not touched
    expect(await t.store.people.findByEmail(installation.workspaceId, 'kept@northfield.example')).toHaveLength(1);
  });

  it('leadstage erase prints what it erased, table by table, and records the request without the address', async () => {
    const email = 'erin.erase@northfield.example';
    connector.pages.contacts = [{ people: [persona('911', email)], events: [engagement('v-1', { crmId: '911', objectType: 'contact' }, 'page_view', 1)], next: null }];
    await sync('contacts');
    await drain();
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
    const command = eraseCommand({
      open: async () => ({ store: { ...t.store, close: async () => undefined }, subjectHash: hash }),
      now: () => new Date(NOW),
      env: () => loadEnv({}),
    });
    expect(await command(['--email', email.toUpperCase(), '--workspace', installation.workspaceId], io)).toBe(0);
    expect(err).toEqual([]);
    expect(out[0]).toBe(`erased 1 person with that address from workspace ${installation.workspaceId} (Privacy jobs)`);
    expect(out[1]).toMatch(/^ {2}rows erased: record_errors 0, outbox 0, tasks 0, sla_handoffs 0, written_hashes 1, stage_transitions \d+, person_state 1, events 1, person_identities 1, people 1$/);
    expect(out[2]).toMatch(/^ {2}recorded as erasure_audit #\d+ \(reason request, subject [0-9a-f]{12}…; the address itself is not stored\)$/);
    expect(out.join('\n')).not.toContain(email);
    expect((await scanSchemaFor(t.store.db, email)).hits).toEqual([]);

    // asked again: nothing left, the earlier erasure is recognised; the workspace may be left out when there is one
    out.length = 0;
    expect(await command(['--email', email], io)).toBe(0);
    expect(out[0]).toBe(`no person with that address in workspace ${installation.workspaceId} (Privacy jobs): nothing erased`);
    expect(out[3]).toMatch(/^ {2}erased before: 2026-11-27T12:00:00.000Z \(request, 1 person\)$/);

    // a store it cannot open is one line, not a stack trace
    const broken = eraseCommand({ open: async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:1'); }, now: () => new Date(NOW), env: () => loadEnv({}) });
    err.length = 0;
    expect(await broken(['--email', email], io)).toBe(1);
    expect(err).toEqual(['erase failed: connect ECONNREFUSED 127.0.0.1:1']);
  });

  it('leadstage erase answers --help and refuses unknown flags, a missing or malformed address and a malformed workspace', async () => {
    const run = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const help = await run('erase', '--help');
    expect(help).toMatchObject({ code: 0, err: '' });
    expect(help.out).toMatch(/^usage: leadstage erase --email <address> \[--workspace <id>\]/);
    expect(help.out).toContain('erasure_audit');
    expect(await run('erase', '--email', 'a@b.example', '--force')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown option --force[\s\S]*usage: leadstage erase/) });
    expect(await run('erase')).toMatchObject({ code: 2, err: expect.stringMatching(/^missing --email/) });
    expect(await run('erase', '--email', 'not-an-address')).toMatchObject({ code: 2, err: expect.stringMatching(/^--email: not an email address/) });
    expect(await run('erase', '--email', 'a@b.example', '--workspace', 'acme')).toMatchObject({ code: 2, err: expect.stringMatching(/^--workspace: "acme" is not a workspace id/) });
    expect((await run('--help')).out).toMatch(/erase --email ADDRESS/);
  });

  it('retention prunes events beyond the horizon plus the margin and resolved errors past their days; decisions do not change', async () => {
    const a = { crmId: '921', objectType: 'contact' as const };
    const b = { crmId: '922', objectType: 'contact' as const };
    connector.pages.contacts = [{
      people: [persona('921', 'ann@northfield.example'), persona('922', 'ben@northfield.example')],
      events: [
        engagement('a-recent', a, 'webinar_attended', 5),
        engagement('a-pricing', a, 'page_view', 20, { url: 'https://northfield.example/pricing' }),
        engagement('a-past-horizon', a, 'demo_request', 100), // beyond the 90-day horizon, inside the 30-day margin
        engagement('a-old', a, 'demo_request', 200),
        engagement('b-recent', b, 'email_click', 3),
        engagement('b-old', b, 'form_submit', 400),
      ],
      next: null,
    }];
    await sync('contacts');
    await drain();
    const ids = [(await t.store.people.findByIdentity(installation.id, 'contact', '921'))!, (await t.store.people.findByIdentity(installation.id, 'contact', '922'))!];
    const engine = compileRulebook(parseRulebook(readFileSync('config/rulebook.default.yaml', 'utf8')));
    const decide = async () => {
      const inputs = await t.store.state.loadPeopleForScoring(installation.workspaceId, ids);
      return ids.map((id) => engine.evaluate(inputs.get(id)!.person, inputs.get(id)!.events, null, NOW));
    };
    const before = await decide();

    // per-record errors: resolved 100 days ago, resolved 10 days ago, never resolved
    const [x, y] = ids as [string, string];
    await t.store.outbox.recordError(installation.id, x, { code: 'OLD_RESOLVED', message: 'refused' });
    await t.store.outbox.recordError(installation.id, y, { code: 'RECENT_RESOLVED', message: 'refused' });
    const confirm = async (personId: string, at: number) => {
      await t.store.outbox.enqueueWrites(installation.id, [{ personId, payload: { at }, hash: `retention-${at}` }], new Date(at));
      const claimed = await t.store.outbox.claimOutbox(installation.id, 10, { now: new Date(at) });
      await t.store.outbox.confirmOutbox(installation.id, claimed.map((c) => c.id), new Date(at));
    };
    await confirm(x, NOW - 100 * DAY);
    await confirm(y, NOW - 10 * DAY);
    await t.store.outbox.recordError(installation.id, x, { code: 'OPEN', message: 'still refused' });

    const report = await runRetentionJob({ workspaceId: installation.workspaceId }, deps);
    expect(report).toEqual({
      events: 2,
      eventsBefore: '2026-07-30T00:00:00.000Z', // 00:00 UTC today − 90-day horizon − 30-day margin
      recordErrors: 1,
      recordErrorsBefore: new Date(NOW - 90 * DAY).toISOString(),
      peopleErased: 0,
      erasedRows: {},
    });
    const left = await t.store.state.loadPeopleForScoring(installation.workspaceId, ids);
    expect(ids.map((id) => left.get(id)!.events.map((e) => e.id))).toEqual([['a-past-horizon', 'a-pricing', 'a-recent'], ['b-recent']]);
    expect(await decide()).toEqual(before);
    expect((await t.store.outbox.listRecordErrors(installation.id)).map((e) => e.code).sort()).toEqual(['OPEN', 'RECENT_RESOLVED']);
    // nothing else to do the next night
    expect(await runRetentionJob({ workspaceId: installation.workspaceId }, deps)).toMatchObject({ events: 0, recordErrors: 0, peopleErased: 0 });
  });

  it('retention deletes in batches and leaves other workspaces alone; without a published rulebook it keeps every event', async () => {
    const other = (await seedWorkspace(t.store, 'No rulebook')).installations[0]!;
    const [mine] = await t.store.people.upsertPeople(installation.workspaceId, [{ installationId: installation.id, objectType: 'contact', crmId: '931', person: { id: '931', email: 'c@northfield.example' }, pulled: true }]);
    const [theirs] = await t.store.people.upsertPeople(other.workspaceId, [{ installationId: other.id, objectType: 'contact', crmId: '931', person: { id: '931', email: 'c@northfield.example' }, pulled: true }]);
    const old = (personId: string, i: number) => ({ personId, event: { id: `old-${i}`, type: 'page_view' as const, occurredAt: new Date(NOW - 365 * DAY).toISOString(), source: 'hubspot', properties: {} } });
    await t.store.events.insertEvents(installation.id, [0, 1, 2, 3, 4].map((i) => old(mine!, i)));
    await t.store.events.insertEvents(other.id, [0, 1, 2].map((i) => old(theirs!, i)));

    expect(await t.store.retention.pruneEvents(installation.workspaceId, new Date(NOW - 200 * DAY), 2)).toBe(5);
    expect(await runRetentionJob({ workspaceId: other.workspaceId }, deps)).toMatchObject({ events: 0, eventsBefore: null });
    expect((await t.store.state.loadPersonForScoring(other.workspaceId, theirs!))?.events).toHaveLength(3);
  });
});
