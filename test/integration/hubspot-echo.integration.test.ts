import type { HubSpotSandbox } from '../../sandboxes/hubspot';
import { startFirstSync, waitForIdle } from '../../src/app/first-sync';
import type { Runtime } from '../../src/app/runtime';
import { serve, type Serving } from '../../src/app/serve';
import type { Installation } from '../../src/store';
import { closeTestRuntime, connect, startRuntime, startSandbox, uniqueRun } from './support/sync-harness';

/**
 * Our own write-back moves `lastmodifieddate`, so the next incremental sync reads every contact we
 * wrote. Where we wrote the native lifecycle stage, the contact comes back with a new `crmStage`:
 * that is our write echoing, not news, and nobody is re-scored for it. A contact that says nothing new
 * (same properties, the writable ones as we wrote them) is not even completed with its company and
 * deals: HubSpot's search cannot leave the echo out, so the re-sync costs its search pages alone. A CRM
 * user's changes still are news, including a lifecycle stage moved by hand.
 */
const CONTACTS = 300;

describe('HubSpot: our own write-back echoing is not a change', () => {
  const run = uniqueRun('echo');
  let sandbox: HubSpotSandbox;
  let runtime: Runtime;
  let serving: Serving;
  let installation: Installation;

  /** An incremental sync of every stream; the people it re-scored (decisions stamped from its start), its calls. */
  async function resync(): Promise<{ rescored: string[]; contactReads: number; calls: Record<string, number> }> {
    const connector = await runtime.deps.connectorFor(installation);
    const from = new Date(runtime.deps.clock());
    sandbox.resetStats();
    await runtime.enqueue.sync({ workspaceId: installation.workspaceId, installationId: installation.id, stream: connector.streams[0]!, then: connector.streams.slice(1) });
    await waitForIdle(runtime.queues, { timeoutMs: 120_000 });
    const { rows } = await runtime.store.db.query<{ crmId: string }>(
      `SELECT pi.crm_id AS "crmId" FROM person_state s JOIN person_identities pi ON pi.person_id = s.person_id
        WHERE s.workspace_id = $1 AND s.decided_at >= $2 ORDER BY pi.crm_id`,
      [installation.workspaceId, from],
    );
    const stats = sandbox.stats();
    return { rescored: rows.map((row) => row.crmId), contactReads: stats.search.recordsRead, calls: stats.requests.byEndpoint };
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ contacts: CONTACTS });
    runtime = await startRuntime(sandbox, run);
    [installation] = (await connect(runtime, run, [{ name: 'portal', sandbox }])) as [Installation];
    serving = await serve(runtime, { web: false, worker: true, port: 0 });
    await startFirstSync(runtime, installation);
    await waitForIdle(runtime.queues, { timeoutMs: 120_000 });
  }, 180_000);

  afterAll(async () => {
    // the workers, the schema (on PostgreSQL) and every key under the prefix
    await closeTestRuntime(runtime, serving);
    await sandbox?.close();
  });

  it('re-scores nobody on a re-sync that reads back only our own writes, lifecycle stages included', async () => {
    // the write-back moved many contacts' native lifecycle stage, which the person reads as crmStage
    const moved = [...sandbox.store.collection('contacts').scan()].filter((c) => ['marketingqualifiedlead', 'salesqualifiedlead'].includes(c.properties.lifecyclestage ?? ''));
    expect(moved.length).toBeGreaterThan(20);
    const { rescored, contactReads, calls } = await resync();
    expect(contactReads).toBeGreaterThanOrEqual(CONTACTS); // the echo was read back…
    expect(rescored).toEqual([]); // …and recognised
    // …from the search pages alone: no company, deal or association read completed a contact we had
    expect(Object.keys(calls).filter((endpoint) => /\/(companies|deals)\/batch\/read$|\/associations\/contacts\/deals\//.test(endpoint))).toEqual([]);
    expect(calls['POST /crm/v3/objects/contacts/search']).toBeGreaterThanOrEqual(2);
  }, 150_000);

  it("re-scores exactly the people a CRM user changed, a lifecycle stage moved by hand among them", async () => {
    const contacts = [...sandbox.store.collection('contacts').scan()];
    const mql = contacts.filter((c) => c.properties.lifecyclestage === 'marketingqualifiedlead').slice(0, 2).map((c) => c.id);
    const titled = contacts.filter((c) => !mql.includes(c.id)).slice(10, 13).map((c) => c.id);
    sandbox.changeContacts({
      update: [
        ...mql.map((id) => ({ id, properties: { lifecyclestage: 'salesqualifiedlead' } })),
        ...titled.map((id) => ({ id, properties: { jobtitle: 'Head of Reliability' } })),
      ],
    });
    const { rescored, calls } = await resync();
    expect(rescored).toEqual([...mql, ...titled].sort());
    // only the changed contacts were completed: one page of them
    expect(calls['POST /crm/v4/associations/contacts/deals/batch/read']).toBe(1);
    // and what that re-score wrote back echoes in turn, recognised again
    expect((await resync()).rescored).toEqual([]);
  }, 150_000);
});
