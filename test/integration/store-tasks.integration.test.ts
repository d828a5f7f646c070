import { DRIVER, openTestStore, person, seedWorkspace, type TestStore } from './support/store-harness';

describe(`store tasks (${DRIVER})`, () => {
  let t: TestStore;
  let installationId: string;
  let personId: string;

  beforeAll(async () => {
    t = await openTestStore();
    const seeded = await seedWorkspace(t.store, 'Tasks', ['salesforce']);
    installationId = seeded.installations[0]!.id;
    [personId] = (await t.store.people.upsertPeople(seeded.workspace.id, [
      { installationId, objectType: 'lead', crmId: '00Q9', person: person() },
    ])) as [string];
  });
  afterAll(() => t.cleanup());

  it('creates one task for a handoff even when two jobs race for it', async () => {
    const task = { handoffKey: `${personId}:first_touch:2025-03-01T10:00:00Z`, personId, dueAt: '2025-03-01T10:30:00Z' };
    const results = await Promise.all([
      t.store.tasks.createTaskIfAbsent(installationId, task),
      t.store.tasks.createTaskIfAbsent(installationId, task),
    ]);
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    expect(results[0]!.task.id).toBe(results[1]!.task.id);
    expect(results[0]!.task).toMatchObject({ status: 'pending', dueAt: '2025-03-01T10:30:00.000Z', crmTaskId: null });

    const { rows } = await t.store.db.query<{ n: number }>('SELECT count(*) AS n FROM tasks WHERE installation_id = $1', [installationId]);
    expect(rows[0]?.n).toBe(1);
  });

  it('records the CRM task id, and a retry after success still creates nothing', async () => {
    const task = { handoffKey: `${personId}:cadence:1`, personId, dueAt: new Date('2025-03-02T09:00:00Z') };
    const { task: reserved } = await t.store.tasks.createTaskIfAbsent(installationId, task);
    expect(await t.store.tasks.listPendingTasks(installationId)).toEqual(expect.arrayContaining([expect.objectContaining({ id: reserved.id })]));
    await t.store.tasks.markTaskCreated(installationId, reserved.id, '00T000000000001');

    const retry = await t.store.tasks.createTaskIfAbsent(installationId, task);
    expect(retry).toMatchObject({ created: false, task: { id: reserved.id, status: 'created', crmTaskId: '00T000000000001' } });

    const { task: failing } = await t.store.tasks.createTaskIfAbsent(installationId, { ...task, handoffKey: `${personId}:cadence:2` });
    await t.store.tasks.markTaskFailed(installationId, failing.id, 'owner inactive');
    expect(await t.store.tasks.getTaskByHandoff(installationId, `${personId}:cadence:2`)).toMatchObject({ status: 'failed', error: 'owner inactive' });
  });
});
