import { SecretBox } from '../../src/store/secret-box';
import { DRIVER, openTestStore, person, seedWorkspace, type TestStore } from './support/store-harness';

describe(`store tenancy and identity (${DRIVER})`, () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore();
  });
  afterAll(() => t.cleanup());

  it('links one human across HubSpot and Salesforce of one workspace into one person', async () => {
    const { workspace, installations } = await seedWorkspace(t.store, 'Acme', ['hubspot', 'salesforce']);
    const [hubspot, salesforce] = installations as [typeof installations[0], typeof installations[0]];

    const [fromHubspot] = await t.store.people.upsertPeople(workspace.id, [
      { installationId: hubspot.id, objectType: 'contact', crmId: '101', person: person({ id: 'hs-101', phone: '+1 555 0100', title: null }) },
    ]);
    // Same email in another case and with spaces: matched by email, then linked.
    const [fromLead, fromContact] = await t.store.people.upsertPeople(workspace.id, [
      { installationId: salesforce.id, objectType: 'lead', crmId: '00Q1', person: person({ id: '00Q1', email: ' ADA@Example.com ', title: 'COO', phone: null }) },
      { installationId: salesforce.id, objectType: 'contact', crmId: '0031', person: person({ id: '0031', company: 'Acme Mfg' }) },
    ]);
    expect(fromLead).toBe(fromHubspot);
    expect(fromContact).toBe(fromHubspot);

    const identities = await t.store.people.listIdentities(workspace.id, fromHubspot!);
    expect(identities.map((i) => `${i.installationId === hubspot.id ? 'hubspot' : 'salesforce'}:${i.objectType}:${i.crmId}`).sort()).toEqual([
      'hubspot:contact:101',
      'salesforce:contact:0031',
      'salesforce:lead:00Q1',
    ]);

    // Incoming values win, but an empty one does not erase what another system knows.
    const merged = await t.store.people.getPerson(workspace.id, fromHubspot!);
    expect(merged).toMatchObject({ id: fromHubspot, phone: '+1 555 0100', title: 'VP Operations', company: 'Acme Mfg' });

    // A known identity wins over email: the record keeps its person even if its email changes.
    const [again] = await t.store.people.upsertPeople(workspace.id, [
      { installationId: hubspot.id, objectType: 'contact', crmId: '101', person: person({ email: 'ada@new-domain.example' }) },
    ]);
    expect(again).toBe(fromHubspot);
    expect(await t.store.people.findByIdentity(salesforce.id, 'lead', '00Q1')).toBe(fromHubspot);
    expect(await t.store.people.findByEmail(workspace.id, 'ADA@new-domain.example')).toHaveLength(1);
  });

  it('creates one person per new email in a batch, and one per record without email', async () => {
    const { workspace, installations } = await seedWorkspace(t.store, 'Batch');
    const installationId = installations[0]!.id;
    const page = Array.from({ length: 150 }, (_, i) => ({
      installationId,
      objectType: 'contact',
      crmId: String(i),
      person: person({ id: String(i), email: i < 100 ? `p${i % 50}@batch.example` : null }),
    }));
    const ids = await t.store.people.upsertPeople(workspace.id, page);
    expect(ids).toHaveLength(150);
    expect(ids[0]).toBe(ids[50]); // same email twice in one page → one person
    expect(new Set(ids).size).toBe(50 + 50);
    // Re-running the page is a no-op for identity: same ids, nothing new.
    expect(await t.store.people.upsertPeople(workspace.id, page)).toEqual(ids);
  });

  it('never lets one workspace see or link another workspace’s people', async () => {
    const a = await seedWorkspace(t.store, 'Tenant A');
    const b = await seedWorkspace(t.store, 'Tenant B');
    const shared = person({ email: 'same@example.com' });
    const [personA] = await t.store.people.upsertPeople(a.workspace.id, [
      { installationId: a.installations[0]!.id, objectType: 'contact', crmId: '1', person: shared },
    ]);
    const [personB] = await t.store.people.upsertPeople(b.workspace.id, [
      { installationId: b.installations[0]!.id, objectType: 'contact', crmId: '1', person: shared },
    ]);
    expect(personB).not.toBe(personA); // same email, different tenants: two people

    expect(await t.store.people.getPerson(b.workspace.id, personA!)).toBeNull();
    expect(await t.store.people.findByEmail(b.workspace.id, 'same@example.com')).toEqual([expect.objectContaining({ id: personB })]);
    expect(await t.store.state.loadPersonForScoring(b.workspace.id, personA!)).toBeNull();
    expect(await t.store.people.listIdentities(b.workspace.id, personA!)).toEqual([]);
    expect(await t.store.installations.get(b.workspace.id, a.installations[0]!.id)).toBeNull();

    // Writing through another tenant's installation or person is refused, not silently mixed.
    await expect(
      t.store.people.upsertPeople(b.workspace.id, [
        { installationId: a.installations[0]!.id, objectType: 'contact', crmId: '2', person: person() },
      ]),
    ).rejects.toMatchObject({ code: 'not_in_workspace' });
    await expect(
      t.store.events.insertEvents(b.installations[0]!.id, [
        { personId: personA!, event: { id: 'e1', type: 'page_view', occurredAt: '2025-01-01T00:00:00Z', source: 'hubspot', properties: {} } },
      ]),
    ).rejects.toMatchObject({ code: 'not_in_workspace' });
    await expect(
      t.store.tasks.createTaskIfAbsent(b.installations[0]!.id, { handoffKey: 'k', personId: personA!, dueAt: new Date() }),
    ).rejects.toMatchObject({ code: 'not_in_workspace' });
  });

  it('keeps installation credentials as ciphertext only', async () => {
    const box = new SecretBox(SecretBox.generateKey());
    const { workspace, installations } = await seedWorkspace(t.store, 'Secrets');
    const installation = installations[0]!;
    const context = `${installation.provider}:${installation.externalAccountId}`;
    const token = 'pat-na1-11111111-2222-3333-4444-555555555555';

    await t.store.installations.setCredentials(workspace.id, installation.id, box.seal(JSON.stringify({ token }), context));

    const { rows } = await t.store.db.query<{ raw: string }>('SELECT credentials_sealed AS raw FROM installations WHERE id = $1', [installation.id]);
    expect(rows[0]!.raw).not.toContain(token);
    expect(rows[0]!.raw).not.toContain('pat-na1');
    const sealed = await t.store.installations.getCredentials(workspace.id, installation.id);
    expect(JSON.parse(box.open(sealed!, context))).toEqual({ token });
    expect(await t.store.installations.get(workspace.id, installation.id)).toMatchObject({ hasCredentials: true });
    await expect(t.store.installations.getCredentials(workspace.id, 'f0000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('finds an installation by its provider account, and refuses the same account twice', async () => {
    const { installations } = await seedWorkspace(t.store, 'Lookup');
    const installation = installations[0]!;
    expect(await t.store.installations.findByExternalAccount('hubspot', installation.externalAccountId)).toMatchObject({ id: installation.id });
    const other = await t.store.workspaces.create('Squatter');
    await expect(
      t.store.installations.create(other.id, { provider: 'hubspot', externalAccountId: installation.externalAccountId, displayName: 'dup' }),
    ).rejects.toThrow();
  });
});
