import { writeTargets } from '../../src/sync/write-targets';
import { DRIVER, decision, openTestStore, person, seedWorkspace, type TestStore } from './support/store-harness';

const event = (id: string, occurredAt: string) => ({ id, type: 'sales_call' as const, occurredAt, source: 'salesforce', properties: {} });

describe(`store: converted, merged and deleted CRM records (${DRIVER})`, () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore();
  });
  afterAll(() => t.cleanup());

  it('keeps a converted lead one person with its history, and writes only to the contact', async () => {
    const { workspace, installations } = await seedWorkspace(t.store, 'Convert', ['salesforce']);
    const sf = installations[0]!.id;
    const [lead] = await t.store.people.upsertPeople(workspace.id, [
      { installationId: sf, objectType: 'lead', crmId: '00Q1', person: person({ email: 'grace@acme.example' }), pulled: true },
    ]);
    await t.store.events.insertEvents(sf, [{ personId: lead!, event: event('call-1', '2026-11-01T10:00:00.000Z') }]);
    await t.store.state.saveDecision(workspace.id, decision(lead!, { stage: 'sql' }), new Date('2026-11-01T11:00:00Z'));

    // The contact was pulled on its own first (another email), then the conversion is seen.
    const [early] = await t.store.people.upsertPeople(workspace.id, [
      { installationId: sf, objectType: 'contact', crmId: '0031', person: person({ email: 'g.hopper@acme.example', title: 'COO' }), pulled: true },
    ]);
    expect(early).not.toBe(lead);
    await t.store.events.insertEvents(sf, [{ personId: early!, event: event('call-2', '2026-11-02T10:00:00.000Z') }]);

    const [contact] = await t.store.people.upsertPeople(workspace.id, [
      {
        installationId: sf, objectType: 'contact', crmId: '0031', person: person({ email: 'g.hopper@acme.example', title: 'COO' }), pulled: true,
        formerly: [{ objectType: 'lead', crmId: '00Q1' }],
      },
    ]);
    expect(contact).toBe(lead); // one person, the one whose history started with the lead
    expect(await t.store.people.getPerson(workspace.id, early!)).toBeNull();
    const input = await t.store.state.loadPersonForScoring(workspace.id, lead!);
    expect(input?.events.map((e) => e.id)).toEqual(['call-1', 'call-2']);
    expect(input?.state?.decision.stage).toBe('sql');
    expect(input?.person).toMatchObject({ email: 'g.hopper@acme.example', title: 'COO' }); // the live record's values win

    const live = await t.store.people.listIdentities(workspace.id, lead!);
    expect(live.map((i) => `${i.objectType}:${i.crmId}`)).toEqual(['contact:0031']);
    const all = await t.store.people.listIdentities(workspace.id, lead!, { includeRetired: true });
    expect(all.map((i) => `${i.objectType}:${i.crmId}:${i.retiredReason ?? 'live'}`)).toEqual(['contact:0031:live', 'lead:00Q1:converted']);
    // An event still naming the old lead finds the person.
    expect(await t.store.people.findByIdentity(sf, 'lead', '00Q1')).toBe(lead);
    // Re-scoring the installation walks live records only; the person is there once.
    expect(await t.store.people.listPersonIds(workspace.id, { installationId: sf, limit: 10 })).toEqual([lead]);
  });

  it('folds a merged record into the survivor and erases a deleted one no other record holds; a restored record comes back as a new person', async () => {
    const { workspace, installations } = await seedWorkspace(t.store, 'Merge', ['salesforce']);
    const sf = installations[0]!.id;
    const [winner, loser, gone] = await t.store.people.upsertPeople(workspace.id, [
      { installationId: sf, objectType: 'lead', crmId: '00QW', person: person({ email: 'w@acme.example' }), pulled: true },
      { installationId: sf, objectType: 'lead', crmId: '00QL', person: person({ email: 'l@acme.example' }), pulled: true },
      { installationId: sf, objectType: 'lead', crmId: '00QD', person: person({ email: 'd@acme.example' }), pulled: true },
    ]);
    await t.store.events.insertEvents(sf, [{ personId: loser!, event: event('call-l', '2026-11-03T10:00:00.000Z') }]);

    const affected = await t.store.people.retireRecords(workspace.id, sf, [
      { objectType: 'lead', crmId: '00QL', mergedInto: { objectType: 'lead', crmId: '00QW' } },
      { objectType: 'lead', crmId: '00QD' },
      { objectType: 'lead', crmId: '00Q-never-seen' },
    ]);
    expect(affected).toEqual([winner!]);
    expect(await t.store.people.getPerson(workspace.id, loser!)).toBeNull();
    expect((await t.store.state.loadPersonForScoring(workspace.id, winner!))?.events.map((e) => e.id)).toEqual(['call-l']);
    // deleted in the CRM and held by no other record: the person is gone (docs/data-protection.md)
    expect(await t.store.people.getPerson(workspace.id, gone!)).toBeNull();
    expect(await t.store.people.findByIdentity(sf, 'lead', '00QD')).toBeNull();

    // Undeleted from the recycle bin and pulled again: a new person, written to again.
    const [restored] = await t.store.people.upsertPeople(workspace.id, [
      { installationId: sf, objectType: 'lead', crmId: '00QD', person: person({ email: 'd@acme.example' }), pulled: true },
    ]);
    expect(restored).not.toBe(gone);
    expect(writeTargets(await t.store.people.listIdentities(workspace.id, restored!)).map((i) => i.crmId)).toEqual(['00QD']);
  });

  it('writes to one record per installation: the contact before a lead with the same email', async () => {
    const { workspace, installations } = await seedWorkspace(t.store, 'Targets', ['hubspot', 'salesforce']);
    const [hs, sf] = installations.map((i) => i.id) as [string, string];
    const [p] = await t.store.people.upsertPeople(workspace.id, [
      { installationId: sf, objectType: 'lead', crmId: '00QX', person: person({ email: 'x@acme.example' }), pulled: true },
      { installationId: sf, objectType: 'contact', crmId: '003X', person: person({ email: 'x@acme.example' }), pulled: true },
      { installationId: hs, objectType: 'contact', crmId: '501', person: person({ email: 'x@acme.example' }), pulled: true },
    ]);
    const targets = writeTargets(await t.store.people.listIdentities(workspace.id, p!));
    expect(targets.map((i) => `${i.installationId === hs ? 'hubspot' : 'salesforce'}:${i.objectType}:${i.crmId}`).sort()).toEqual([
      'hubspot:contact:501',
      'salesforce:contact:003X',
    ]);
  });
});
