import { DRIVER, openTestStore, seedWorkspace, type TestStore } from './support/store-harness';

describe(`store checkpoints and field mappings (${DRIVER})`, () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore();
  });
  afterAll(() => t.cleanup());

  it('round-trips a checkpoint per installation and stream', async () => {
    const { installations } = await seedWorkspace(t.store, 'Sync', ['hubspot', 'salesforce']);
    const [hubspot, salesforce] = installations.map((i) => i.id) as [string, string];
    expect(await t.store.checkpoints.getCheckpoint(hubspot, 'contacts')).toBeNull();

    const cursor = { after: '12345', lastModified: '2025-03-01T10:00:00.000Z', page: 7, done: false, ids: ['a', 'b'] };
    await t.store.checkpoints.setCheckpoint(hubspot, 'contacts', cursor, new Date('2025-03-01T10:00:05Z'));
    await t.store.checkpoints.setCheckpoint(hubspot, 'form_submissions', ['x', 1]);
    expect(await t.store.checkpoints.getCheckpoint(hubspot, 'contacts')).toEqual(cursor);
    expect(await t.store.checkpoints.getCheckpoint(hubspot, 'form_submissions')).toEqual(['x', 1]);
    expect(await t.store.checkpoints.getCheckpoint(salesforce, 'contacts')).toBeNull();

    await t.store.checkpoints.setCheckpoint(hubspot, 'contacts', { after: '99999' });
    expect(await t.store.checkpoints.getCheckpoint(hubspot, 'contacts')).toEqual({ after: '99999' });
    expect((await t.store.checkpoints.listCheckpoints(hubspot)).map((c) => c.stream)).toEqual(['contacts', 'form_submissions']);
  });

  it('replaces an installation’s field mappings as a whole', async () => {
    const { installations } = await seedWorkspace(t.store, 'Mappings');
    const id = installations[0]!.id;
    await t.store.mappings.replaceMappings(id, [
      { objectType: 'contact', canonicalField: 'title', crmProperty: 'jobtitle', direction: 'read', writePolicy: 'never' },
      { objectType: 'contact', canonicalField: 'stage', crmProperty: 'leadstage_stage', direction: 'write', writePolicy: 'always' },
      { objectType: 'contact', canonicalField: 'stage', crmProperty: 'lifecyclestage', direction: 'write', writePolicy: 'if_empty' },
    ]);
    await t.store.mappings.replaceMappings(id, [
      { objectType: 'contact', canonicalField: 'stage', crmProperty: 'leadstage_stage', direction: 'write', writePolicy: 'always' },
    ]);
    expect(await t.store.mappings.listMappings(id)).toEqual([
      { objectType: 'contact', canonicalField: 'stage', crmProperty: 'leadstage_stage', direction: 'write', writePolicy: 'always' },
    ]);
    // One CRM property fed by two canonical fields is refused, and the old mapping survives.
    await expect(
      t.store.mappings.replaceMappings(id, [
        { objectType: 'contact', canonicalField: 'score', crmProperty: 'x', direction: 'write', writePolicy: 'always' },
        { objectType: 'contact', canonicalField: 'grade', crmProperty: 'x', direction: 'write', writePolicy: 'always' },
      ]),
    ).rejects.toThrow();
    expect(await t.store.mappings.listMappings(id, 'contact')).toHaveLength(1);
  });
});
