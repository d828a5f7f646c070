import { DRIVER, openTestStore, person, seedWorkspace, type TestStore } from './support/store-harness';

describe(`store outbox (${DRIVER})`, () => {
  let t: TestStore;
  let installationId: string;
  let people: string[];
  const t0 = new Date('2025-03-01T10:00:00Z');
  const later = (ms: number) => new Date(t0.getTime() + ms);

  beforeAll(async () => {
    t = await openTestStore();
    const seeded = await seedWorkspace(t.store, 'Outbox');
    installationId = seeded.installations[0]!.id;
    people = await t.store.people.upsertPeople(
      seeded.workspace.id,
      ['a', 'b', 'c', 'd'].map((crmId) => ({ installationId, objectType: 'contact', crmId, person: person({ email: `${crmId}@outbox.example` }) })),
    );
  });
  afterAll(() => t.cleanup());

  it('claims due writes once, confirms them and remembers what was written', async () => {
    const [a, b] = people as [string, string];
    expect(
      await t.store.outbox.enqueueWrites(installationId, [
        { personId: a, payload: { properties: { leadstage_stage: 'mql' } }, hash: 'a1' },
        { personId: b, payload: { properties: { leadstage_stage: 'sql' } }, hash: 'b1' },
      ], t0),
    ).toBe(2);

    const claimed = await t.store.outbox.claimOutbox(installationId, 10, { now: t0 });
    expect(claimed.map((item) => [item.personId, item.hash, item.attempts])).toEqual([[a, 'a1', 1], [b, 'b1', 1]]);
    expect(claimed[0]!.payload).toEqual({ properties: { leadstage_stage: 'mql' } });
    expect(await t.store.outbox.claimOutbox(installationId, 10, { now: t0 })).toEqual([]); // leased

    expect(await t.store.outbox.confirmOutbox(installationId, claimed.map((item) => item.id), t0)).toBe(2);
    expect(await t.store.outbox.outboxBacklog(installationId)).toEqual({ pending: 0, oldest: null });
    expect(await t.store.state.getWrittenHashes(installationId, [a, b])).toEqual(new Map([[a, 'a1'], [b, 'b1']]));

    // Nothing changed since the last confirmed write: nothing is queued.
    expect(await t.store.outbox.enqueueWrites(installationId, [{ personId: a, payload: {}, hash: 'a1' }], t0)).toBe(0);
  });

  it('retries a failed write after retryAt, and a lost claim after the lease', async () => {
    const c = people[2]!;
    await t.store.outbox.enqueueWrites(installationId, [{ personId: c, payload: { n: 1 }, hash: 'c1' }], t0);
    const [item] = await t.store.outbox.claimOutbox(installationId, 10, { now: t0, leaseMs: 60_000 });
    await t.store.outbox.failOutbox(installationId, item!.id, 'HTTP 429 rate limited', later(30_000));

    expect(await t.store.outbox.claimOutbox(installationId, 10, { now: later(10_000) })).toEqual([]);
    const [retry] = await t.store.outbox.claimOutbox(installationId, 10, { now: later(30_000), leaseMs: 60_000 });
    expect(retry).toMatchObject({ id: item!.id, attempts: 2, lastError: 'HTTP 429 rate limited' });

    // The worker dies without confirming: after the lease the write is claimable again.
    expect(await t.store.outbox.claimOutbox(installationId, 10, { now: later(60_000) })).toEqual([]);
    const [reclaimed] = await t.store.outbox.claimOutbox(installationId, 10, { now: later(90_000) });
    expect(reclaimed).toMatchObject({ id: item!.id, attempts: 3 });
    await t.store.outbox.confirmOutbox(installationId, [reclaimed!.id], later(90_000));
  });

  it('never drops a newer payload queued while an older one was in flight', async () => {
    const d = people[3]!;
    await t.store.outbox.enqueueWrites(installationId, [{ personId: d, payload: { stage: 'mql' }, hash: 'd1' }], t0);
    const [inFlight] = await t.store.outbox.claimOutbox(installationId, 10, { now: t0 });
    await t.store.outbox.enqueueWrites(installationId, [{ personId: d, payload: { stage: 'sql' }, hash: 'd2' }], t0);

    expect(await t.store.outbox.confirmOutbox(installationId, [inFlight!.id], t0)).toBe(0); // kept, released
    expect(await t.store.state.getWrittenHashes(installationId, [d])).toEqual(new Map([[d, 'd1']]));
    const [next] = await t.store.outbox.claimOutbox(installationId, 10, { now: t0 });
    expect(next).toMatchObject({ personId: d, hash: 'd2', payload: { stage: 'sql' } });
    expect(await t.store.outbox.confirmOutbox(installationId, [next!.id], t0)).toBe(1);
  });

  it('moves a write the CRM will never accept to record_errors', async () => {
    const a = people[0]!;
    await t.store.outbox.enqueueWrites(installationId, [{ personId: a, payload: { industry: 'Bogus' }, hash: 'a2' }], t0);
    const [item] = await t.store.outbox.claimOutbox(installationId, 10, { now: t0 });
    await t.store.outbox.failOutboxPermanently(installationId, item!.id, {
      code: 'INVALID_OPTION',
      message: 'industry "Bogus" is not an option of the HubSpot property',
      crmId: 'a',
      details: { property: 'industry' },
    });
    expect(await t.store.outbox.outboxBacklog(installationId)).toEqual({ pending: 0, oldest: null });
    expect(await t.store.outbox.listRecordErrors(installationId)).toEqual([
      expect.objectContaining({ personId: a, crmId: 'a', code: 'INVALID_OPTION', details: { property: 'industry' } }),
    ]);
    await expect(t.store.outbox.failOutbox(installationId, item!.id, 'x', t0)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('lets two workers claim side by side without sharing an item', async () => {
    await t.store.outbox.enqueueWrites(
      installationId,
      people.map((personId, i) => ({ personId, payload: { i }, hash: `batch-${i}` })),
      t0,
    );
    const [first, second] = await Promise.all([
      t.store.outbox.claimOutbox(installationId, 2, { now: t0 }),
      t.store.outbox.claimOutbox(installationId, 2, { now: t0 }),
    ]);
    const ids = [...first!, ...second!].map((item) => item.id);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  });
});
