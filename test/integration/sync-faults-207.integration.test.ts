import type { HubSpotSandbox } from '../../sandboxes/hubspot';
import { startFirstSync } from '../../src/app/first-sync';
import type { Runtime } from '../../src/app/runtime';
import type { Installation } from '../../src/store';
import { closeTestRuntime, connect, contactsAtStage, failedJobs, startRuntime, startSandbox, tasksPerContact, expectOneFirstTouchPerSql, uniqueRun, unwrittenContacts } from './support/sync-harness';

/**
 * 207 multi-status on contact batch updates: a share of the records in the first write-back pass
 * fail transiently (sandbox `batchFailRatio`, INTERNAL_ERROR per record) and are retried until they
 * land; records HubSpot will never accept (an admin removed the "customer" option of
 * leadstage_stage after Leadstage created it) are recorded once as record errors, never retried.
 * The jobs run in process (the in-process queue driver): the retries' waits are skipped on its clock.
 */
const CONTACTS = 300;
const BATCH_UPDATE = 'POST /crm/v3/objects/contacts/batch/update';

describe('207 partial failures on write-back', () => {
  const run = uniqueRun('207');
  let sandbox: HubSpotSandbox;
  let runtime: Runtime;
  let installation: Installation;
  let transientFailures = 0;

  beforeAll(async () => {
    sandbox = await startSandbox({ contacts: CONTACTS });
    runtime = await startRuntime(sandbox, run, { queueDriver: 'in-process' });
    [installation] = (await connect(runtime, run, [{ name: 'portal', sandbox }])) as [Installation];
    await startFirstSync(runtime, installation); // creates the leadstage_* properties
    const stage = sandbox.store.contactProperties.get('leadstage_stage')!;
    stage.options = stage.options.filter((option) => option.value !== 'customer');

    sandbox.faults.set({ batchFailRatio: 0.3 });
    // the first write-back job's requests fail for about 30% of their records; then the fault is cleared
    await runtime.inProcess!.drain({ until: () => (sandbox.stats().requests.byEndpoint[BATCH_UPDATE] ?? 0) >= 1 });
    sandbox.faults.reset();
    transientFailures = sandbox.stats().faults.batchRecordFailures;
    await runtime.inProcess!.runUntilIdle();
  }, 180_000);

  afterAll(async () => {
    await closeTestRuntime(runtime);
    await sandbox?.close();
  });

  it('failed some records of the first pass (the fault did fire)', () => {
    expect(transientFailures).toBeGreaterThan(0);
    expect(sandbox.stats().faults.batchRecordFailures).toBe(transientFailures);
  });

  it('wrote every contact except the ones HubSpot refuses, and left nothing in the outbox', async () => {
    const refused = new Set(await customers());
    expect(refused.size).toBeGreaterThan(0);
    expect(unwrittenContacts(sandbox).sort()).toEqual([...refused].sort());
    expect(await runtime.store.outbox.outboxBacklog(installation.id)).toMatchObject({ pending: 0 });
    expect(await failedJobs(runtime)).toBe(0);
  });

  it('recorded each refused record once as a permanent error and did not retry it', async () => {
    const refused = (await customers()).sort();
    const errors = await runtime.store.outbox.listRecordErrors(installation.id, 1_000);
    expect(errors.map((e) => e.crmId).sort()).toEqual(refused);
    for (const error of errors) {
      expect(error.code).toBe('VALIDATION_ERROR');
      expect(error.message).toMatch(/customer was not one of the allowed options/);
    }
    // one refusal per record: a permanent failure is reported, not sent again
    expect(sandbox.stats().writes.contactUpdateErrors).toBe(refused.length);
  });

  it('gave every SQL exactly one task', () => {
    const sqls = contactsAtStage(sandbox, 'sql');
    const tasks = tasksPerContact(sandbox);
    expect(sqls.length).toBeGreaterThan(0);
    expect(tasks.size).toBeGreaterThanOrEqual(sqls.length);
    expectOneFirstTouchPerSql(sandbox);
  });

  /** Contacts Leadstage decided are customers (from the store: the portal refused to hold it). */
  async function customers(): Promise<string[]> {
    const { rows } = await runtime.store.db.query<{ crmId: string }>(
      `SELECT i.crm_id AS "crmId" FROM person_identities i JOIN person_state s ON s.person_id = i.person_id
        WHERE i.installation_id = $1 AND s.stage = 'customer'`,
      [installation.id],
    );
    return rows.map((r) => r.crmId);
  }
});
