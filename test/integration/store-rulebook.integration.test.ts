import { DRIVER, openTestStore, seedWorkspace, type TestStore } from './support/store-harness';

describe(`store rulebook versions (${DRIVER})`, () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore();
  });
  afterAll(() => t.cleanup());

  it('publishing a draft archives the previous published version in the same step', async () => {
    const { workspace } = await seedWorkspace(t.store, 'Rules');
    const v1 = await t.store.rulebooks.createDraft(workspace.id, { versionLabel: '2025.1', yaml: 'version: 1\n', createdBy: 'ops@acme' });
    const v2 = await t.store.rulebooks.createDraft(workspace.id, { versionLabel: '2025.2', yaml: 'version: 2\n', createdBy: 'ops@acme', note: 'Q2 review' });
    expect((await t.store.rulebooks.listDrafts(workspace.id)).map((v) => v.versionLabel).sort()).toEqual(['2025.1', '2025.2']);

    const first = await t.store.rulebooks.publish(workspace.id, v1.id, 'cmo@acme', new Date('2025-01-02T00:00:00Z'));
    expect(first).toMatchObject({ archived: null, published: { id: v1.id, status: 'published', publishedBy: 'cmo@acme', publishedAt: '2025-01-02T00:00:00.000Z' } });

    const second = await t.store.rulebooks.publish(workspace.id, v2.id, 'cmo@acme');
    expect(second.published).toMatchObject({ id: v2.id, status: 'published', note: 'Q2 review' });
    expect(second.archived).toMatchObject({ id: v1.id, status: 'archived' });
    expect(await t.store.rulebooks.getPublished(workspace.id)).toMatchObject({ id: v2.id });
    expect(await t.store.rulebooks.listDrafts(workspace.id)).toEqual([]);
    expect((await t.store.rulebooks.listVersions(workspace.id)).map((v) => v.status).sort()).toEqual(['archived', 'published']);

    await expect(t.store.rulebooks.publish(workspace.id, v1.id, 'cmo@acme')).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(t.store.rulebooks.updateDraft(workspace.id, v2.id, { yaml: 'x' })).rejects.toMatchObject({ code: 'invalid_state' });
  });

  it('two concurrent publishes leave exactly one version published', async () => {
    const { workspace } = await seedWorkspace(t.store, 'Race');
    const a = await t.store.rulebooks.createDraft(workspace.id, { versionLabel: 'a', yaml: 'a', createdBy: 'x' });
    const b = await t.store.rulebooks.createDraft(workspace.id, { versionLabel: 'b', yaml: 'b', createdBy: 'x' });
    await Promise.all([t.store.rulebooks.publish(workspace.id, a.id, 'x'), t.store.rulebooks.publish(workspace.id, b.id, 'x')]);
    const statuses = (await t.store.rulebooks.listVersions(workspace.id)).map((v) => v.status).sort();
    expect(statuses).toEqual(['archived', 'published']);
  });

  it('keeps each workspace’s rulebook to itself', async () => {
    const a = await seedWorkspace(t.store, 'Rules A');
    const b = await seedWorkspace(t.store, 'Rules B');
    const draft = await t.store.rulebooks.createDraft(a.workspace.id, { versionLabel: '1', yaml: 'a', createdBy: 'x' });
    // Same label in another workspace is fine; publishing A's draft through B is not.
    await t.store.rulebooks.createDraft(b.workspace.id, { versionLabel: '1', yaml: 'b', createdBy: 'x' });
    await expect(t.store.rulebooks.publish(b.workspace.id, draft.id, 'x')).rejects.toMatchObject({ code: 'not_found' });
    expect(await t.store.rulebooks.getVersion(b.workspace.id, draft.id)).toBeNull();
  });
});
