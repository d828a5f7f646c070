import './support/native-pglite';
import { readFileSync } from 'node:fs';
import { createSalesforceConnector } from '../../connectors/salesforce';
import { connectorRegistry } from '../../connectors/registry';
import type { JobDeps } from '../../jobs/job-deps';
import { runWritebackJob } from '../../jobs/writeback.job';
import { createEngineCache } from '../../src/app/engine-cache';
import type { CrmConnector, CrmWrite } from '../../src/connector/crm-connector';
import { createLogger } from '../../src/log/logger';
import type { Decision } from '../../src/model/decision';
import type { Enqueuer } from '../../src/queue/enqueuer';
import type { Installation } from '../../src/store';
import { recordSetupProblems } from '../../src/sync/installation-problems';
import { hashWrite } from '../../src/sync/write-plan';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandboxes/salesforce';
import { openTestStore, seedWorkspace, type TestStore } from './support/store-harness';

/**
 * What the Salesforce connector cannot do ends up against the installation, where a console shows
 * it: setup's problems (a connected user who may not manage permission sets) as the first sync records
 * them, and a problem found while writing (a validation rule refusing the Lead Status) recorded by the
 * writeback job, whose write itself succeeds.
 */
describe('Salesforce installation problems, recorded by the jobs', () => {
  let org: SalesforceSandbox;
  let t: TestStore;
  let installation: Installation;
  let connector: CrmConnector;
  let deps: JobDeps;

  beforeAll(async () => {
    org = await startSalesforceSandbox({ port: 0, leads: 40, contacts: 10, clock: 'frozen', allowPermissionSets: false });
    t = await openTestStore();
    installation = (await seedWorkspace(t.store, 'Problems', ['salesforce'])).installations[0]!;
    const draft = await t.store.rulebooks.createDraft(installation.workspaceId, { versionLabel: 'v1', yaml: readFileSync('config/rulebook.default.yaml', 'utf8'), createdBy: 'test' });
    await t.store.rulebooks.publish(installation.workspaceId, draft.id, 'test');
    connector = createSalesforceConnector({
      installationId: installation.id,
      api: { instanceUrl: org.instanceUrl, loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret, accessToken: org.accessToken, refreshToken: org.refreshToken, clock: () => org.clock.now() },
    });
    const enqueue: Enqueuer = { sync: async () => undefined, score: async () => undefined, scoreBatch: async () => undefined, writeback: async () => undefined, tasks: async () => undefined, records: async () => undefined, sla: async () => undefined };
    deps = {
      store: t.store, clock: () => org.clock.now(), logger: createLogger({ level: 'error' }), enqueue, engineFor: createEngineCache(t.store),
      connectorFor: async () => connector, connectors: connectorRegistry, installation: async () => installation,
    };
  });

  afterAll(async () => {
    await t?.cleanup();
    await org?.close();
  });

  it('setup\'s problems: the first sync records the permission set it could not make, with the steps', async () => {
    // what startFirstSync does with ensureSchema's answer
    await recordSetupProblems(t.store, installation, await connector.ensureSchema(), org.clock.now());
    const problems = await t.store.problems.list(installation.workspaceId, installation.id);
    expect(problems).toEqual([expect.objectContaining({ scope: 'setup', code: 'FIELD_ACCESS_MISSING', fix: expect.stringContaining('Leadstage_Integration') })]);
  });

  it('a validation rule refusing the Lead Status: the write lands without it, the problem is recorded by the writeback job', async () => {
    // the admin fixes field access by hand; the org has a rule on Lead Status
    org.grantFieldAccess();
    await recordSetupProblems(t.store, installation, await connector.ensureSchema(), org.clock.now());
    expect(await t.store.problems.list(installation.workspaceId, installation.id)).toEqual([]);
    org.addValidationRule({
      object: 'Lead', name: 'Working_needs_Rating', errorMessage: 'Status cannot be Working - Contacted when Rating is empty',
      when: [{ field: 'Status', equals: 'Working - Contacted' }, { field: 'Rating', empty: true }],
    });
    const lead = [...org.store.rows('Lead', { includeDeleted: false })].find((r) => r.IsConverted !== true && r.Rating === null && r.Status === 'Open - Not Contacted')!;
    const crmId = String(lead.Id);
    const [personId] = await t.store.people.upsertPeople(installation.workspaceId, [{ installationId: installation.id, objectType: 'lead', crmId, person: { id: crmId, email: String(lead.Email) } }]);
    const decision = {
      personId: personId!, stage: 'sql', mqlTier: 'tier-1', excluded: null, fit: { score: 55, grade: 'A' }, engagement: { score: 60 }, score: 115, priority: 'hot',
      reasons: [{ text: 'requested a demo', points: 40 }], missingForHandoff: [], transition: null, rulebookVersion: 'v1', enteredAt: {}, recycledAt: null, history: [], slaStartAt: null,
    } as unknown as Decision;
    const write: CrmWrite = { crmId, objectType: 'lead', properties: connector.propertiesFor(decision, null), current: { Status: 'Open - Not Contacted' } };
    await t.store.outbox.enqueueWrites(installation.id, [{ personId: personId!, payload: { ...write }, hash: hashWrite(write) }], new Date(org.clock.now() - 60_000));

    expect(await runWritebackJob({ workspaceId: installation.workspaceId, installationId: installation.id }, deps)).toMatchObject({ written: 1, failed: 0 });
    expect(org.store.find(crmId)!.row).toMatchObject({ Leadstage_Stage__c: 'sql', Status: 'Open - Not Contacted' });
    expect(await t.store.problems.list(installation.workspaceId, installation.id)).toEqual([expect.objectContaining({
      scope: 'runtime', code: 'LEAD_STATUS_REFUSED', occurrences: 1, message: expect.stringContaining('Status cannot be Working - Contacted when Rating is empty'),
    })]);
  });
});
