import './support/native-pglite';
import { readFileSync } from 'node:fs';
import { Connection } from 'jsforce';
import { createSalesforceConnector } from '../../connectors/salesforce';
import { connectorRegistry } from '../../connectors/registry';
import type { JobDeps } from '../../jobs/job-deps';
import { runSyncJob } from '../../jobs/sync.job';
import { createEngineCache } from '../../src/app/engine-cache';
import type { CrmConnector } from '../../src/connector/crm-connector';
import { createLogger } from '../../src/log/logger';
import type { Enqueuer } from '../../src/queue/enqueuer';
import type { Installation } from '../../src/store';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandboxes/salesforce';
import { openTestStore, seedWorkspace, type TestStore } from './support/store-harness';

/**
 * Records committed late, against the sandbox's late-commit fault and its one-second stamps, through
 * the sync job and the real store: a transaction stamped before rows already read, visible only later,
 * is found by the next window (which re-reads an overlap), and re-reading unchanged records (a
 * removal included) re-scores nobody, so nothing is written.
 */
describe('Salesforce incremental sync: records committed late', () => {
  let sandbox: SalesforceSandbox;
  let t: TestStore;
  let installation: Installation;
  let connector: CrmConnector;
  let deps: JobDeps;
  let rep: Connection;
  const scored: string[] = [];

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox({ port: 0, leads: 150, contacts: 40, clock: 'frozen', withLeadstageFields: true });
    t = await openTestStore();
    installation = (await seedWorkspace(t.store, 'Late commits', ['salesforce'])).installations[0]!;
    const draft = await t.store.rulebooks.createDraft(installation.workspaceId, { versionLabel: 'v1', yaml: readFileSync('config/rulebook.default.yaml', 'utf8'), createdBy: 'test' });
    await t.store.rulebooks.publish(installation.workspaceId, draft.id, 'test');
    connector = createSalesforceConnector({
      installationId: installation.id,
      api: {
        instanceUrl: sandbox.instanceUrl, loginUrl: sandbox.loginUrl, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret,
        accessToken: sandbox.accessToken, refreshToken: sandbox.refreshToken, clock: () => sandbox.clock.now(),
      },
      streamOptions: { bulkThreshold: Infinity },
    });
    const enqueue: Enqueuer = {
      sync: async () => undefined,
      score: async (items) => void scored.push(...items.map((i) => i.personId)),
      scoreBatch: async (_workspaceId, personIds) => void scored.push(...personIds),
      writeback: async () => undefined,
      tasks: async () => undefined,
      records: async () => undefined,
      sla: async () => undefined,
    };
    deps = {
      store: t.store, clock: () => sandbox.clock.now(), logger: createLogger({ level: 'error' }), enqueue,
      engineFor: createEngineCache(t.store), connectorFor: async () => connector, connectors: connectorRegistry,
      installation: async () => installation, syncPagesPerJob: 1000,
    };
    const tokens = sandbox.issueTokens();
    rep = new Connection({ instanceUrl: sandbox.instanceUrl, accessToken: tokens.accessToken, version: sandbox.apiVersion });
  });

  afterAll(async () => {
    await t?.cleanup();
    await sandbox?.close();
  });

  const syncLeads = () => runSyncJob({ workspaceId: installation.workspaceId, installationId: installation.id, stream: 'leads', then: [] }, deps);
  const openLeads = () => [...sandbox.store.rows('Lead', { includeDeleted: false })].filter((r) => r.IsConverted !== true).map((r) => String(r.Id));
  const titleOf = async (crmId: string) => {
    const person = (await t.store.people.findByIdentity(installation.id, 'lead', crmId))!;
    return (await t.store.state.loadPersonForScoring(installation.workspaceId, person))!.person.title;
  };

  it('re-reading an overlap of unchanged records, a removal included, re-scores nobody', async () => {
    const [gone, changed] = openLeads();
    await rep.sobject('Lead').destroy(gone!);
    await rep.sobject('Lead').update({ Id: changed!, Title: 'Head of Reliability' });
    sandbox.clock.advance(10_000);
    expect((await syncLeads()).caughtUp).toBe(true);
    expect(await t.store.people.findByIdentity(installation.id, 'lead', changed!)).not.toBeNull();
    expect(await titleOf(changed!)).toBe('Head of Reliability');

    scored.length = 0;
    sandbox.clock.advance(60_000);
    const before = sandbox.stats().queries.recordsReturned;
    await syncLeads();
    // the window reached back over both (stamped 70 s ago), and found nothing new in them
    expect(sandbox.stats().queries.recordsReturned - before).toBeGreaterThanOrEqual(2);
    expect(scored).toEqual([]);
  });

  it('a transaction stamped before rows already read, committed after they were, is found by the next window', async () => {
    const [, , late, onTime] = openLeads();
    sandbox.clock.advance(10_000);
    sandbox.faults.set({ lateCommitNext: 1, lateCommitMs: 120_000 });
    await rep.sobject('Lead').update({ Id: late!, Title: 'VP Plant Operations' });
    sandbox.clock.advance(10_000);
    await rep.sobject('Lead').update({ Id: onTime!, Title: 'Director of Maintenance' });
    sandbox.clock.advance(10_000);
    await syncLeads();
    expect(await titleOf(onTime!)).toBe('Director of Maintenance');
    expect(await titleOf(late!)).not.toBe('VP Plant Operations');

    // committed now, with the stamp of 2 minutes ago: earlier than the record the last window ended on
    sandbox.clock.advance(120_000);
    const stamps = (await rep.query<{ Id: string; SystemModstamp: string }>(`SELECT Id, SystemModstamp FROM Lead WHERE Id IN ('${late!}', '${onTime!}')`)).records;
    const stampOf = (id: string) => Date.parse(stamps.find((r) => r.Id === id)!.SystemModstamp.replace('+0000', 'Z'));
    expect(stampOf(late!)).toBeLessThan(stampOf(onTime!));
    await syncLeads();
    expect(await titleOf(late!)).toBe('VP Plant Operations');
  });
});
