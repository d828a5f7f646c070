import './support/native-pglite';
import { readFileSync } from 'node:fs';
import { connectorRegistry } from '../../connectors/registry';
import { runScoreJob } from '../../jobs/score.job';
import { runSlaJob } from '../../jobs/sla.job';
import { runSyncJob } from '../../jobs/sync.job';
import { runTasksJob } from '../../jobs/tasks.job';
import type { JobDeps } from '../../jobs/job-deps';
import { createEngineCache } from '../../src/app/engine-cache';
import { propertiesFor } from '../../connectors/hubspot/write/properties-for';
import { createLogger } from '../../src/log/logger';
import type { Enqueuer } from '../../src/queue/enqueuer';
import type { Installation } from '../../src/store';
import type { CrmConnector, CrmTask, CrmWrite, PullPage, TaskOutcome } from '../../src/connector/crm-connector';
import { FieldMappings } from '../../connectors/hubspot/mapping/field-mappings';
import { loadHubSpotDefaultMappings } from '../../connectors/hubspot';
import { parseRulebook } from '../../src/rulebook/load';
import { openTestStore, seedWorkspace, type TestStore } from './support/store-harness';

/**
 * The handoffs the score job opens and the outcomes the sla job closes them with, on the real store
 * and a scripted connector: a person held for missing fields (a task for the marketing owner, then
 * released once the field is filled), an MQL tier the rulebook hands off, an unassigned handoff that
 * says so on the record, and a rep who rejects an SQL (the handoff closes as recycled).
 */
const START = Date.parse('2026-11-27T12:00:00Z');
const MIN = 60_000;

class ScriptedConnector implements CrmConnector {
  readonly provider = 'hubspot' as const;
  readonly streams = ['contacts'] as const;
  pages: Record<string, PullPage[]> = {};
  tasks: CrmTask[] = [];
  writes: CrmWrite[] = [];
  readonly mappings = new FieldMappings(loadHubSpotDefaultMappings());
  async ensureSchema() {}
  async pull(stream: string): Promise<PullPage> {
    return this.pages[stream]?.shift() ?? { people: [], events: [], next: null };
  }
  propertiesFor(decision: Parameters<CrmConnector['propertiesFor']>[0], sla: Parameters<CrmConnector['propertiesFor']>[1]) {
    return propertiesFor(decision, sla, this.mappings);
  }
  async write(writes: readonly CrmWrite[]) {
    this.writes.push(...writes);
    return writes.map((write) => ({ crmId: write.crmId, status: 'ok' as const }));
  }
  async createTasks(tasks: readonly CrmTask[]): Promise<TaskOutcome[]> {
    this.tasks.push(...tasks);
    return tasks.map((task) => ({ key: task.key, status: 'ok', crmTaskId: `task-${task.key}` }));
  }
}

const person = (crmId: string, extra: Record<string, unknown> = {}) => ({
  crmId,
  objectType: 'contact' as const,
  person: { email: `${crmId}@northfield.com`, firstName: 'Dana', lastName: crmId, title: 'VP Operations', company: 'Northfield', employees: 450, industry: 'Manufacturing', country: 'US', phone: '+1 555 0100', ownerId: 'owner-1', ...extra },
  writableValues: {},
  modifiedAt: '2026-11-20T00:00:00Z',
});
const demo = (crmId: string, id: string) => ({ who: { crmId, objectType: 'contact' as const }, event: { id, type: 'demo_request' as const, occurredAt: new Date(START - 5 * MIN).toISOString(), source: 'hubspot', properties: {} } });

describe('SLA handoffs opened by the score job and closed by the sla job', () => {
  let t: TestStore;
  let installation: Installation;
  let connector: ScriptedConnector;
  let deps: JobDeps;
  let now: number;
  const queued: Array<[string, unknown]> = [];

  beforeAll(async () => {
    t = await openTestStore();
  });
  afterAll(() => t?.cleanup());

  async function setUp(yamlEdit: (yaml: string) => string) {
    installation = (await seedWorkspace(t.store, 'SLA handoffs')).installations[0]!;
    const yaml = yamlEdit(readFileSync('config/rulebook.default.yaml', 'utf8'));
    const draft = await t.store.rulebooks.createDraft(installation.workspaceId, { versionLabel: 'v1', yaml, createdBy: 'test' });
    await t.store.rulebooks.publish(installation.workspaceId, draft.id, 'test');
    connector = new ScriptedConnector();
    now = START;
    queued.length = 0;
    const enqueue: Enqueuer = {
      sync: async (data) => void queued.push(['sync', data]),
      score: async (items) => void items.forEach((item) => queued.push(['score', item])),
      scoreBatch: async () => undefined,
      writeback: async (data) => void queued.push(['writeback', data]),
      tasks: async (data) => void queued.push(['tasks', data]),
      records: async () => undefined,
      sla: async (data) => void queued.push(['sla', data]),
    };
    deps = {
      store: t.store, clock: () => now, logger: createLogger({ level: 'error' }), enqueue, engineFor: createEngineCache(t.store),
      connectorFor: async () => connector, connectors: connectorRegistry, installation: async () => installation,
    };
  }

  const pull = async (page: PullPage) => {
    connector.pages.contacts = [page];
    await runSyncJob({ workspaceId: installation.workspaceId, installationId: installation.id, stream: 'contacts', then: [] }, deps);
  };
  const personOf = async (crmId: string) => (await t.store.people.findByIdentity(installation.id, 'contact', crmId))!;
  const score = async (crmId: string) => runScoreJob({ workspaceId: installation.workspaceId, personId: await personOf(crmId) }, deps);
  const handoffsOf = async (crmId: string) => t.store.sla.listForPerson(installation.workspaceId, await personOf(crmId));
  /** The properties of the newest write the score job queued in the outbox (what goes on the record). */
  const queuedProperties = async (): Promise<Record<string, string>> => {
    const items = await t.store.outbox.claimOutbox(installation.id, 100);
    return ((items.at(-1)?.payload ?? {}) as { properties?: Record<string, string> }).properties ?? {};
  };
  const data = () => ({ workspaceId: installation.workspaceId, installationId: installation.id });

  it('holds an SQL missing a required field at MQL, gives marketing a task saying what is missing, and releases it once filled', async () => {
    await setUp((yaml) => yaml.replace('  required_fields: [firstName, lastName, email, phone, company]', '  required_fields: [firstName, lastName, email, phone, company]\n  marketing_owner: { hubspot: "mkt-9" }'));
    await pull({ people: [person('201', { phone: null })], events: [demo('201', 'd201')], next: null });
    const held = await score('201');
    expect(held).toMatchObject({ decision: { stage: 'mql', heldForHandoff: true, missingForHandoff: ['phone'] } });
    const [handoff] = await handoffsOf('201');
    expect(handoff).toMatchObject({ kind: 'held', ownerId: 'mkt-9', status: 'pending', nextDueAt: null, note: 'held: missing phone' });
    await runTasksJob(data(), deps);
    expect(connector.tasks).toHaveLength(1);
    expect(connector.tasks[0]).toMatchObject({ ownerId: 'mkt-9', type: 'todo', subject: expect.stringContaining('Complete before handoff (phone)') });
    expect(connector.tasks[0]!.body).toContain('Held for handoff: sales needs phone');
    expect(await queuedProperties()).toMatchObject({ leadstage_sla_status: 'held', leadstage_sla_next_step: 'held: missing phone' });

    // the phone is filled in: SQL now; the held handoff is woken, closed as released, and an SQL handoff opens
    now = START + 10 * MIN;
    await pull({ people: [person('201')], events: [], next: null });
    expect(await score('201')).toMatchObject({ decision: { stage: 'sql' } });
    expect(queued).toContainEqual(['sla', data()]);
    await runSlaJob(data(), deps);
    const after = await handoffsOf('201');
    expect(after.map((h) => [h.kind, h.status, h.outcome])).toEqual([['handoff', 'pending', null], ['held', 'closed', 'released']]);
    // the record shows the open SQL handoff, not the closed held one
    expect((await t.store.sla.latestForPeople(installation.id, [await personOf('201')])).get(await personOf('201'))).toMatchObject({ kind: 'handoff', status: 'pending' });
  });

  it('an unassigned handoff says so on the task and the record, and a rep rejecting the SQL closes it as recycled', async () => {
    await setUp((yaml) => yaml);
    await pull({ people: [person('301', { ownerId: null })], events: [demo('301', 'd301')], next: null });
    await score('301');
    const [handoff] = await handoffsOf('301');
    expect(handoff).toMatchObject({ kind: 'handoff', ownerId: null, ownerSource: 'none', note: expect.stringContaining('unassigned') });
    await runTasksJob(data(), deps);
    expect(connector.tasks[0]).toMatchObject({ ownerId: null });
    expect(connector.tasks[0]!.body).toContain('Unassigned: unassigned: the record has no owner');
    expect((await queuedProperties()).leadstage_sla_next_step).toMatch(/^Follow-up email \(email\) by .*; unassigned/);

    now = START + 20 * MIN;
    await pull({ people: [person('301', { ownerId: null, leadStatus: 'UNQUALIFIED' })], events: [], next: null });
    expect(await score('301')).toMatchObject({ decision: { stage: 'nurture' } });
    await runSlaJob(data(), deps);
    expect((await handoffsOf('301'))[0]).toMatchObject({ status: 'closed', outcome: 'recycled', nextDueAt: null, closedAt: new Date(now).toISOString() });
    expect(queued).toContainEqual(['score', { workspaceId: installation.workspaceId, personId: await personOf('301') }]);
  });

  it('hands off an MQL of a tier the rulebook marks handoff: true, and no other', async () => {
    await setUp((yaml) => yaml.replace('      - id: tier1\n        label: "ICP match: US persona at a 100+ employee target-industry company"', '      - id: tier1\n        label: "ICP match: US persona at a 100+ employee target-industry company"\n        handoff: true'));
    await pull({ people: [person('401')], events: [], next: null });
    expect(await score('401')).toMatchObject({ decision: { stage: 'mql', mqlTier: 'tier1' } });
    const [handoff] = await handoffsOf('401');
    expect(handoff!.handoffKey).toMatch(/:mql:/);
    expect(handoff).toMatchObject({ kind: 'handoff', ownerId: 'owner-1', firstTouchDueAt: new Date(Date.parse(handoff!.startedAt) + 30 * MIN).toISOString() });

    await setUp((yaml) => yaml);
    await pull({ people: [person('402')], events: [], next: null });
    expect(await score('402')).toMatchObject({ decision: { stage: 'mql' } });
    expect(await handoffsOf('402')).toEqual([]);
  });

  it('rejects a marketing owner that is not an owner id, naming where', async () => {
    const yaml = readFileSync('config/rulebook.default.yaml', 'utf8').replace('  required_fields: [firstName, lastName, email, phone, company]', '  required_fields: [firstName, lastName, email, phone, company]\n  marketing_owner: { hubspot: "  " }');
    expect(() => parseRulebook(yaml)).toThrow(/handoff\.marketing_owner\.hubspot/);
  });
});
