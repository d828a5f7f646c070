import type { EngagementEvent } from '../../src/model/event';
import { DRIVER, decision, openTestStore, person, seedWorkspace, type TestStore } from './support/store-harness';

const event = (id: string, overrides: Partial<EngagementEvent> = {}): EngagementEvent => ({
  id,
  type: 'page_view',
  occurredAt: '2025-03-01T09:00:00.000Z',
  source: 'hubspot',
  properties: { url: 'https://acme.example/pricing' },
  ...overrides,
});

describe(`store events and state (${DRIVER})`, () => {
  let t: TestStore;
  let workspaceId: string;
  let installationId: string;
  let ada: string;
  let bob: string;

  beforeAll(async () => {
    t = await openTestStore();
    const seeded = await seedWorkspace(t.store, 'Events');
    workspaceId = seeded.workspace.id;
    installationId = seeded.installations[0]!.id;
    [ada, bob] = (await t.store.people.upsertPeople(workspaceId, [
      { installationId, objectType: 'contact', crmId: 'ada', person: person() },
      { installationId, objectType: 'contact', crmId: 'bob', person: person({ email: 'bob@example.com', firstName: 'Bob' }) },
    ])) as [string, string];
  });
  afterAll(() => t.cleanup());

  it('inserts a page of events once and reports only the new ones', async () => {
    const first = await t.store.events.insertEvents(installationId, [
      { personId: ada, event: event('e1') },
      { personId: ada, event: event('e2', { type: 'demo_request', occurredAt: '2025-03-02T10:00:00+02:00', properties: { formId: 'demo' } }) },
      { personId: ada, event: event('e2', { type: 'demo_request' }) }, // duplicate inside the page
    ]);
    expect(first).toEqual({ inserted: 2, personIds: [ada] });

    const second = await t.store.events.insertEvents(installationId, [
      { personId: ada, event: event('e1') }, // re-delivered
      { personId: bob, event: event('e1', { source: 'marketo' }) }, // same id, other source: a different event
    ]);
    expect(second).toEqual({ inserted: 1, personIds: [bob] });
    expect(await t.store.events.insertEvents(installationId, [])).toEqual({ inserted: 0, personIds: [] });
  });

  it('refuses events for an installation that does not exist', async () => {
    await expect(
      t.store.events.insertEvents('f0000000-0000-4000-8000-000000000000', [{ personId: ada, event: event('x') }]),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('loads a person with events (time order, ISO UTC) and no state before the first decision', async () => {
    const input = await t.store.state.loadPersonForScoring(workspaceId, ada);
    expect(input?.person).toMatchObject({ id: ada, email: 'ada@example.com' });
    expect(input?.state).toBeNull();
    expect(input?.events).toEqual([
      { id: 'e1', type: 'page_view', occurredAt: '2025-03-01T09:00:00.000Z', source: 'hubspot', properties: { url: 'https://acme.example/pricing' } },
      { id: 'e2', type: 'demo_request', occurredAt: '2025-03-02T08:00:00.000Z', source: 'hubspot', properties: { formId: 'demo' } },
    ]);
    const recent = await t.store.state.loadPersonForScoring(workspaceId, ada, { eventsSince: new Date('2025-03-02T00:00:00Z') });
    expect(recent?.events.map((e) => e.id)).toEqual(['e2']);
  });

  it('saves a decision with its transition, and ignores a staler one', async () => {
    const mql = decision(ada);
    expect(await t.store.state.saveDecision(workspaceId, mql, new Date('2025-03-01T10:00:00Z'))).toBe(true);
    const sql = decision(ada, {
      stage: 'sql',
      transition: { from: 'mql', to: 'sql', reason: 'requested a demo', at: '2025-03-02T08:00:00.000Z' },
    });
    expect(await t.store.state.saveDecision(workspaceId, sql, new Date('2025-03-02T08:00:00Z'))).toBe(true);
    // A slower worker finishing late with an older decision must not win.
    expect(await t.store.state.saveDecision(workspaceId, mql, new Date('2025-03-01T12:00:00Z'))).toBe(false);

    const input = await t.store.state.loadPersonForScoring(workspaceId, ada);
    expect(input?.state).toEqual({ decision: sql, rulebookVersion: '2025.1', decidedAt: '2025-03-02T08:00:00.000Z' });
    expect(await t.store.state.listTransitions(workspaceId, ada)).toEqual([
      { personId: ada, fromStage: 'lead', toStage: 'mql', reason: 'fit score reached 40', at: '2025-03-01T10:00:00.000Z', rulebookVersion: '2025.1' },
      { personId: ada, fromStage: 'mql', toStage: 'sql', reason: 'requested a demo', at: '2025-03-02T08:00:00.000Z', rulebookVersion: '2025.1' },
    ]);
  });

  it('keeps bigint counts as numbers and timestamps as ISO strings on both drivers', async () => {
    const { rows } = await t.store.db.query<{ n: number; at: string; big: string }>(
      "SELECT count(*) AS n, '2025-01-01 12:00:00+05'::timestamptz AS at, 1.50::numeric AS big FROM events",
    );
    expect(rows[0]).toEqual({ n: 3, at: '2025-01-01T07:00:00.000Z', big: '1.50' });
    await expect(t.store.db.query('SELECT 9007199254740993::int8 AS n')).rejects.toThrow(/does not fit a JS number/);
  });

  it('rolls a transaction back when its function throws', async () => {
    await expect(
      t.store.transaction(async (repos) => {
        await repos.workspaces.create('Never committed');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await t.store.db.query<{ n: number }>("SELECT count(*) AS n FROM workspaces WHERE name = 'Never committed'");
    expect(rows[0]?.n).toBe(0);
  });
});
