import { randomBytes } from 'node:crypto';
import { ERASED_TABLES, subjectHasher, type ErasureAuditRecord } from '../../src/store';
import { hitColumns, scanSchemaFor } from './support/pii-scan';
import { DRIVER, decision, openTestStore, person, seedWorkspace, type TestStore } from './support/store-harness';

/**
 * "The data it may keep" (docs/data-protection.md), on the store: a record deleted in its CRM erases
 * what no other system holds, a merge keeps nothing of the loser but what the survivor holds, an
 * erasure request takes every person with the address, and afterwards no column of any table of
 * the schema holds the address (the audit keeps only a keyed hash).
 */
const hash = subjectHasher(randomBytes(32));
const T0 = new Date('2026-11-20T10:00:00Z');
const event = (id: string, properties: Record<string, string> = {}) => ({
  id,
  type: 'page_view' as const,
  occurredAt: '2026-11-19T10:00:00.000Z',
  source: 'test',
  properties: { url: 'https://northfield.example/pricing', ...properties },
});

describe(`store: erasure (${DRIVER})`, () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore();
  });
  afterAll(() => t.cleanup());

  const audit = async (workspaceId: string): Promise<ErasureAuditRecord[]> => t.store.erasure.listAudit(workspaceId);

  /**
   * One person as Leadstage holds them after a sync, scoring, write-back and a failure: the address
   * in the snapshot, the record's own values and CRM values, event properties, an email-only person
   * made for an event, the decision's reasons, a stage transition, a pending write, a failed task,
   * and record errors (one naming the person, one naming only the record).
   */
  async function personEverywhere(workspaceId: string, installationId: string, crmId: string, email: string): Promise<string> {
    const [id] = await t.store.people.upsertPeople(workspaceId, [
      {
        installationId,
        objectType: 'lead',
        crmId,
        person: person({ id: crmId, email, phone: '+1 555 0100' }),
        crmValues: { Leadstage_Stage__c: 'mql', Reply_To__c: email },
        pulled: true,
      },
    ]);
    const [emailOnly] = [...(await t.store.people.resolveEmails(workspaceId, [email.toUpperCase()])).values()];
    expect(emailOnly).toBe(id); // an event naming the address finds the person
    // an email-only person of the same address made before the record was matched (another workspace order)
    const { rows } = await t.store.db.query<{ id: string }>(
      `INSERT INTO people (id, workspace_id, email_normalized, snapshot)
       VALUES (gen_random_uuid(), $1, $2, jsonb_build_object('email', $2::text)) RETURNING id`,
      [workspaceId, email],
    );
    await t.store.events.insertEvents(installationId, [
      { personId: id!, event: event(`${crmId}-view`, { submitted_email: email }) },
      { personId: rows[0]!.id, event: event(`${crmId}-open`, { recipient: email }) },
    ]);
    await t.store.state.saveDecision(
      workspaceId,
      decision(id!, {
        reasons: [{ text: `replied from ${email}`, points: 10 }],
        transition: { from: 'lead', to: 'mql', reason: `form filled by ${email}`, at: '2026-11-19T11:00:00.000Z' },
      }),
      T0,
    );
    await t.store.outbox.enqueueWrites(installationId, [{ personId: id!, payload: { crmId, objectType: 'lead', properties: { Reply_To__c: email }, current: {} }, hash: `h-${crmId}` }], T0);
    await t.store.state.setWrittenHashes(installationId, [{ personId: id!, hash: `w-${crmId}` }], T0);
    const { task } = await t.store.tasks.createTaskIfAbsent(installationId, { handoffKey: `${id}:first_touch:1`, personId: id!, dueAt: T0 });
    await t.store.tasks.markTaskFailed(installationId, task.id, `owner of ${email} is inactive`);
    await t.store.outbox.recordError(installationId, id!, { code: 'INVALID_EMAIL', message: `${email} bounced`, crmId, details: { email } });
    await t.store.outbox.recordError(installationId, null, { code: 'UNREADABLE', message: `record of ${email} could not be read`, crmId });
    return id!;
  }

  it('erases a person deleted in the CRM that no other system holds, everywhere in the schema; the audit keeps only a hash', async () => {
    const { workspace, installations } = await seedWorkspace(t.store, 'Erase deleted', ['salesforce']);
    const sf = installations[0]!.id;
    const email = 'ada.deleted@northfield.example';
    await personEverywhere(workspace.id, sf, '00QA', email);
    const bystander = await personEverywhere(workspace.id, sf, '00QB', 'bob.kept@northfield.example');

    const before = await scanSchemaFor(t.store.db, email);
    // the scan reads every table, and the address was spread over all of these
    expect(before.tables).toEqual(expect.arrayContaining([...ERASED_TABLES, 'erasure_audit', 'workspaces', 'installations', 'sync_checkpoints']));
    expect(hitColumns(before)).toEqual(
      expect.arrayContaining([
        'people.email_normalized', 'people.snapshot', 'person_identities.crm_values', 'person_identities.record_values', 'events.properties',
        'person_state.decision', 'stage_transitions.reason', 'outbox.payload', 'tasks.error', 'record_errors.message', 'record_errors.details',
      ]),
    );

    const result = await t.store.people.removeRecords(workspace.id, sf, [{ objectType: 'lead', crmId: '00QA' }], { subjectHash: hash, now: T0 });
    expect(result).toMatchObject({ rescore: [], erasedPeople: 2 });
    expect(result.counts).toEqual({
      people: 2, person_identities: 1, events: 2, person_state: 1, stage_transitions: 1, outbox: 1, written_hashes: 1, tasks: 1, record_errors: 2,
    });

    expect((await scanSchemaFor(t.store.db, email)).hits).toEqual([]);
    expect((await scanSchemaFor(t.store.db, 'ada.deleted')).hits).toEqual([]);
    const [entry] = await audit(workspace.id);
    expect(entry).toMatchObject({ reason: 'crm_delete', installationId: sf, subjectHash: hash(email), peopleErased: 2, counts: result.counts, requestedAt: T0.toISOString() });
    // the other person is untouched
    expect(await t.store.people.getPerson(workspace.id, bystander)).toMatchObject({ email: 'bob.kept@northfield.example' });
    expect((await t.store.state.loadPersonForScoring(workspace.id, bystander))?.events).toHaveLength(1);
    expect(await t.store.outbox.listRecordErrors(sf)).toHaveLength(2);
  });

  it('a privacy deletion in one CRM erases what only that CRM held and keeps what the other still holds, audited as a privacy deletion', async () => {
    const { workspace, installations } = await seedWorkspace(t.store, 'Erase privacy', ['hubspot', 'salesforce']);
    const [hs, sf] = installations.map((i) => i.id) as [string, string];
    const email = 'cleo.split@northfield.example';
    const [id, same] = await t.store.people.upsertPeople(workspace.id, [
      { installationId: hs, objectType: 'contact', crmId: '501', person: person({ id: '501', email, title: null, phone: null, company: 'Northfield' }), crmValues: { lifecyclestage: 'lead' }, pulled: true },
      { installationId: sf, objectType: 'lead', crmId: '00QC', person: person({ id: '00QC', email, title: 'COO', phone: '+1 555 0199', company: null }), crmValues: { Leadstage_Stage__c: 'mql', Mobile__c: '+1 555 0199' }, pulled: true },
    ]);
    expect(same).toBe(id);
    expect(await t.store.people.getPerson(workspace.id, id!)).toMatchObject({ email, title: 'COO', phone: '+1 555 0199', company: 'Northfield' });
    await t.store.events.insertEvents(hs, [{ personId: id!, event: event('hs-view') }]);
    await t.store.events.insertEvents(sf, [{ personId: id!, event: event('sf-call', { note: 'called +1 555 0199' }) }]);
    await t.store.outbox.enqueueWrites(hs, [{ personId: id!, payload: { crmId: '501', objectType: 'contact', properties: { a: '1' }, current: {} }, hash: 'hs' }], T0);
    await t.store.outbox.enqueueWrites(sf, [{ personId: id!, payload: { crmId: '00QC', objectType: 'lead', properties: { a: '1' }, current: {} }, hash: 'sf' }], T0);
    await t.store.outbox.recordError(sf, null, { code: 'UNREADABLE', message: 'lead 00QC could not be read', crmId: '00QC' });

    const result = await t.store.people.removeRecords(workspace.id, sf, [{ objectType: 'lead', crmId: '00QC', reason: 'privacy' }], { subjectHash: hash, now: T0 });
    expect(result.rescore).toEqual([id]);
    expect(result.erasedPeople).toBe(0);
    expect(result.counts).toEqual({ person_identities: 1, events: 1, outbox: 1, record_errors: 1 });

    // the person stays with what the other system holds; nothing that came only from the deleted record
    expect(await t.store.people.getPerson(workspace.id, id!)).toEqual({ ...person({ id: id!, email, title: undefined, phone: undefined, company: 'Northfield' }) });
    expect((await t.store.people.listIdentities(workspace.id, id!, { includeRetired: true })).map((i) => i.crmId)).toEqual(['501']);
    expect((await t.store.state.loadPersonForScoring(workspace.id, id!))?.events.map((e) => e.id)).toEqual(['hs-view']);
    expect((await t.store.outbox.claimOutbox(hs, 10, { now: T0 })).map((o) => o.personId)).toEqual([id]);
    expect((await scanSchemaFor(t.store.db, '555 0199')).hits).toEqual([]);
    expect(hitColumns(await scanSchemaFor(t.store.db, email)).sort()).toEqual(['people.email_normalized', 'people.snapshot', 'person_identities.record_values']);
    expect(await audit(workspace.id)).toEqual([
      expect.objectContaining({ reason: 'crm_privacy_delete', installationId: sf, subjectHash: hash(email), peopleErased: 0, counts: result.counts }),
    ]);

    // then the other system deletes them too: nothing holds them any more
    const last = await t.store.people.removeRecords(workspace.id, hs, [{ objectType: 'contact', crmId: '501' }], { subjectHash: hash, now: T0 });
    expect(last.erasedPeople).toBe(1);
    expect((await scanSchemaFor(t.store.db, email)).hits).toEqual([]);
    expect((await audit(workspace.id)).map((a) => a.reason)).toEqual(['crm_delete', 'crm_privacy_delete']);
  });

  it('a merge keeps no copy of the loser: its values, CRM values, pending write and errors go; its history joins the survivor', async () => {
    const { workspace, installations } = await seedWorkspace(t.store, 'Erase merge', ['salesforce']);
    const sf = installations[0]!.id;
    const loserEmail = 'dora.old@northfield.example';
    const [winner, loser] = await t.store.people.upsertPeople(workspace.id, [
      { installationId: sf, objectType: 'lead', crmId: '00QW', person: person({ id: '00QW', email: 'dora@northfield.example', phone: null }), crmValues: { Leadstage_Stage__c: 'lead' }, pulled: true },
      { installationId: sf, objectType: 'lead', crmId: '00QL', person: person({ id: '00QL', email: loserEmail, phone: '+44 20 7946 0000' }), crmValues: { Reply_To__c: loserEmail }, pulled: true },
    ]);
    await t.store.events.insertEvents(sf, [{ personId: loser!, event: event('call-l') }]);
    await t.store.outbox.enqueueWrites(sf, [{ personId: loser!, payload: { crmId: '00QL', objectType: 'lead', properties: { Reply_To__c: loserEmail }, current: {} }, hash: 'l' }], T0);
    await t.store.outbox.recordError(sf, loser!, { code: 'INVALID_EMAIL', message: `${loserEmail} bounced`, crmId: '00QL' });

    const result = await t.store.people.removeRecords(workspace.id, sf, [{ objectType: 'lead', crmId: '00QL', mergedInto: { objectType: 'lead', crmId: '00QW' } }], { subjectHash: hash });
    expect(result).toEqual({ rescore: [winner], erasedPeople: 0, counts: {} });
    expect(await t.store.people.getPerson(workspace.id, loser!)).toBeNull();
    expect(await t.store.people.getPerson(workspace.id, winner!)).toEqual(person({ id: winner!, email: 'dora@northfield.example', phone: undefined }));
    expect((await t.store.state.loadPersonForScoring(workspace.id, winner!))?.events.map((e) => e.id)).toEqual(['call-l']);
    const identities = await t.store.people.listIdentities(workspace.id, winner!, { includeRetired: true });
    expect(identities.map((i) => `${i.crmId}:${i.retiredReason ?? 'live'}:${JSON.stringify(i.crmValues)}`)).toEqual(['00QL:merged:{}', '00QW:live:{"Leadstage_Stage__c":"lead"}']);
    expect(await t.store.people.findByIdentity(sf, 'lead', '00QL')).toBe(winner); // a late event naming the loser finds the survivor
    expect((await scanSchemaFor(t.store.db, loserEmail)).hits).toEqual([]);
    expect((await scanSchemaFor(t.store.db, '7946 0000')).hits).toEqual([]);
    expect(await audit(workspace.id)).toEqual([]); // a merge erases no one
  });

  it('erases every person with an address on request, across installations and email-only people; a repeated request is recognised by its hash', async () => {
    const { workspace, installations } = await seedWorkspace(t.store, 'Erase request', ['hubspot', 'salesforce']);
    const [hs, sf] = installations.map((i) => i.id) as [string, string];
    const email = 'eve.request@northfield.example';
    const id = await personEverywhere(workspace.id, sf, '00QE', email);
    // the other system's record joins the same person (and takes over the email-only person's events)
    expect(await t.store.people.upsertPeople(workspace.id, [{ installationId: hs, objectType: 'contact', crmId: '701', person: person({ id: '701', email }), pulled: true }])).toEqual([id]);
    await t.store.events.insertEvents(hs, [{ personId: id, event: event('hs-e') }]);
    // an email-only person made later for an event of another source
    const { rows } = await t.store.db.query<{ id: string }>(
      `INSERT INTO people (id, workspace_id, email_normalized, snapshot) VALUES (gen_random_uuid(), $1, $2, jsonb_build_object('email', $2::text)) RETURNING id`,
      [workspace.id, email],
    );
    await t.store.events.insertEvents(hs, [{ personId: rows[0]!.id, event: event('hs-open', { recipient: email }) }]);
    const other = (await seedWorkspace(t.store, 'Another company', ['hubspot'])).installations[0]!;
    const [elsewhere] = await t.store.people.upsertPeople(other.workspaceId, [{ installationId: other.id, objectType: 'contact', crmId: '701', person: person({ id: '701', email }), pulled: true }]);

    const first = await t.store.erasure.eraseByEmail(workspace.id, ` ${email.toUpperCase()}`, { subjectHash: hash, now: T0 });
    expect(first.peopleErased).toBe(2);
    expect(first.counts).toEqual({
      people: 2, person_identities: 2, events: 4, person_state: 1, stage_transitions: 1, outbox: 1, written_hashes: 1, tasks: 1, record_errors: 2,
    });
    expect(first.audit).toMatchObject({ reason: 'request', subjectHash: hash(email), installationId: null, peopleErased: 2, counts: first.counts, requestedAt: T0.toISOString() });
    expect(first.earlier).toEqual([]);
    // only the other workspace (another company, another controller) still has the address
    expect((await scanSchemaFor(t.store.db, email)).hits.map((h) => `${h.table}.${h.column}:${h.rows}`).sort()).toEqual([
      'people.email_normalized:1', 'people.snapshot:1', 'person_identities.record_values:1',
    ]);
    expect(await t.store.people.getPerson(other.workspaceId, elsewhere!)).not.toBeNull();

    const again = await t.store.erasure.eraseByEmail(workspace.id, email, { subjectHash: hash, now: new Date('2026-12-01T00:00:00Z') });
    expect(again.peopleErased).toBe(0);
    expect(again.earlier.map((a) => a.id)).toEqual([first.audit.id]);
    expect(JSON.stringify(await audit(workspace.id))).not.toMatch(/eve\.request/i);
  });

  it('erases on request a person one of whose records had the address, though their email is another now', async () => {
    const { workspace, installations } = await seedWorkspace(t.store, 'Erase converted', ['salesforce']);
    const sf = installations[0]!.id;
    const [lead] = await t.store.people.upsertPeople(workspace.id, [{ installationId: sf, objectType: 'lead', crmId: '00QR', person: person({ id: '00QR', email: 'rita.old@northfield.example' }), pulled: true }]);
    await t.store.people.upsertPeople(workspace.id, [
      { installationId: sf, objectType: 'contact', crmId: '003R', person: person({ id: '003R', email: 'rita.new@northfield.example' }), pulled: true, formerly: [{ objectType: 'lead', crmId: '00QR' }] },
    ]);
    expect(await t.store.people.getPerson(workspace.id, lead!)).toMatchObject({ email: 'rita.new@northfield.example' });

    const erased = await t.store.erasure.eraseByEmail(workspace.id, 'rita.old@northfield.example', { subjectHash: hash });
    expect(erased).toMatchObject({ peopleErased: 1, counts: { people: 1, person_identities: 2 } });
    expect((await scanSchemaFor(t.store.db, 'rita.')).hits).toEqual([]);
  });

  it('lists every table with a foreign key to people among the tables erasure empties', async () => {
    const { rows } = await t.store.db.query<{ table: string }>(
      `SELECT DISTINCT c.conrelid::regclass::text AS table FROM pg_constraint c
        WHERE c.contype = 'f' AND c.confrelid = 'people'::regclass ORDER BY 1`,
    );
    const tables = rows.map((r) => r.table.replace(/^.*\./, ''));
    expect(tables.length).toBeGreaterThanOrEqual(8);
    expect(ERASED_TABLES).toEqual(expect.arrayContaining(tables));
  });

  it('erases people left with no live record by deletions before migration 008, not the people waiting for their record', async () => {
    const { workspace, installations } = await seedWorkspace(t.store, 'Erase legacy', ['salesforce']);
    const sf = installations[0]!.id;
    const [legacy, live] = await t.store.people.upsertPeople(workspace.id, [
      { installationId: sf, objectType: 'lead', crmId: '00QX', person: person({ id: '00QX', email: 'old.deleted@northfield.example' }), pulled: true },
      { installationId: sf, objectType: 'lead', crmId: '00QY', person: person({ id: '00QY', email: 'alive@northfield.example' }), pulled: true },
    ]);
    await t.store.db.query(`UPDATE person_identities SET retired_at = now(), retired_reason = 'deleted' WHERE crm_id = '00QX' AND installation_id = $1`, [sf]);
    const waiting = (await t.store.people.resolveEmails(workspace.id, ['waiting@northfield.example'])).get('waiting@northfield.example')!;

    const swept = await t.store.erasure.eraseUnheld(workspace.id, { subjectHash: hash, now: T0, pageSize: 1 });
    expect(swept).toEqual({ peopleErased: 1, counts: { people: 1, person_identities: 1 } });
    expect(await t.store.people.getPerson(workspace.id, legacy!)).toBeNull();
    expect(await t.store.people.getPerson(workspace.id, live!)).not.toBeNull();
    expect(await t.store.people.getPerson(workspace.id, waiting)).not.toBeNull();
    expect(await audit(workspace.id)).toEqual([expect.objectContaining({ reason: 'crm_delete', subjectHash: hash('old.deleted@northfield.example'), peopleErased: 1 })]);
  });
});
