import './support/native-pglite';
import { randomBytes } from 'node:crypto';
import { Connection } from 'jsforce';
import { describeSeed, integrationUserCredentials, startSalesforceSandbox, type SalesforceSandbox } from '../../sandboxes/salesforce';
import { ensureInstallations } from '../../src/app/bootstrap';
import { startFirstSync, waitForIdle } from '../../src/app/first-sync';
import { createRuntime, type Runtime } from '../../src/app/runtime';
import { serve, type Serving } from '../../src/app/serve';
import { loadEnv } from '../../src/config/env';
import { createLogger } from '../../src/log/logger';
import type { Installation } from '../../src/store';
import { hitColumns, scanSchemaFor } from './support/pii-scan';

/**
 * Deleting a record in the CRM erases it from Leadstage, end to end: a sandbox org synced, scored
 * and written back by real workers (Redis queues, the store on PGlite or in a schema of its own on
 * the PostgreSQL server), then a lead with a task deleted through the API; the next incremental
 * sync sees it (queryAll, IsDeleted) and afterwards no column of any table holds its email.
 */
const RUN = `${process.pid}-${Date.now()}`;
const DATABASE_URL = process.env.DATABASE_URL;

describe(`a record deleted in Salesforce, end to end (${DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let org: SalesforceSandbox;
  let runtime: Runtime;
  let serving: Serving;
  let installation: Installation;
  let conn: Connection;
  const schema = `leadstage_erasure_${process.pid}_${randomBytes(4).toString('hex')}`;
  const seed = describeSeed({ leads: 200, contacts: 200 });

  const sync = async () => {
    await runtime.enqueue.sync({ workspaceId: installation.workspaceId, installationId: installation.id, stream: 'leads', then: ['contacts', 'opportunities', 'accounts', 'campaign_members', 'tasks'] });
    await waitForIdle(runtime.queues, { timeoutMs: 120_000 });
  };

  beforeAll(async () => {
    org = await startSalesforceSandbox({ port: 0, leads: 200, contacts: 200 });
    const start = org.clock.now();
    const started = Date.now();
    runtime = await createRuntime({
      env: loadEnv({ ...process.env, NODE_ENV: 'test' }),
      dataDir: 'memory',
      ...(DATABASE_URL ? { schema } : {}),
      prefix: `leadstage-sf-erasure-${RUN}`,
      clock: () => start + (Date.now() - started),
      logger: createLogger({ level: 'error' }),
    });
    serving = await serve(runtime, { web: false, worker: true, port: 0 });
    [installation] = (await ensureInstallations(runtime.store, runtime.box, 'Erasure company', 'config/rulebook.default.yaml', [
      { provider: 'salesforce', externalAccountId: `${org.orgId}-${RUN}`, displayName: 'Erasure org', credentials: integrationUserCredentials(org) },
    ])) as [Installation];
    await startFirstSync(runtime, installation);
    await waitForIdle(runtime.queues, { timeoutMs: 240_000 });
    conn = new Connection({ instanceUrl: org.instanceUrl, accessToken: org.issueTokens().accessToken, version: org.apiVersion });
  }, 300_000);

  afterAll(async () => {
    // the queues are idle: our keys and our schema go, then the workers and connections stop
    if (runtime) {
      await Promise.all(Object.values(runtime.queues).map((queue) => queue.obliterate({ force: true })));
      const left = await runtime.redis.keys(`${runtime.prefix}:*`); // the rate limiter's windows
      if (left.length > 0) await runtime.redis.del(...left);
      if (DATABASE_URL) await runtime.store.db.query(`DROP SCHEMA ${schema} CASCADE`);
    }
    await serving?.stop();
    await org?.close();
  });

  it('erases the deleted lead from every table: its person, events, decision, task bookkeeping and values', async () => {
    const leadId = seed.kinds.demoRequest[0]!;
    const { records } = await conn.query<{ Email: string; LastName: string }>(`SELECT Email, LastName FROM Lead WHERE Id = '${leadId}'`);
    const email = records[0]!.Email;
    const personId = (await runtime.store.people.findByIdentity(installation.id, 'lead', leadId))!;
    expect(personId).not.toBeNull();
    expect((await runtime.store.people.listIdentities(installation.workspaceId, personId, { includeRetired: true })).map((i) => i.crmId)).toEqual([leadId]);
    const scoring = await runtime.store.state.loadPersonForScoring(installation.workspaceId, personId);
    expect(scoring?.state?.decision.stage).toBe('sql');
    expect(scoring?.events.length).toBeGreaterThan(0);
    expect(hitColumns(await scanSchemaFor(runtime.store.db, email))).toEqual(
      expect.arrayContaining(['people.email_normalized', 'people.snapshot', 'person_identities.record_values']),
    );

    await conn.sobject('Lead').destroy(leadId);
    await sync();

    expect((await scanSchemaFor(runtime.store.db, email)).hits).toEqual([]);
    expect(await runtime.store.people.getPerson(installation.workspaceId, personId)).toBeNull();
    expect(await runtime.store.people.findByIdentity(installation.id, 'lead', leadId)).toBeNull();
    const audit = await runtime.store.erasure.listAudit(installation.workspaceId);
    expect(audit).toEqual([
      expect.objectContaining({
        reason: 'crm_delete',
        installationId: installation.id,
        subjectHash: runtime.deps.privacy!.subjectHash(email),
        peopleErased: 1,
        counts: expect.objectContaining({ people: 1, person_identities: 1, person_state: 1, tasks: 1, events: scoring!.events.length }),
      }),
    ]);
    // everyone else is still there
    const mql = (await runtime.store.people.findByIdentity(installation.id, 'lead', seed.kinds.mqlPersona[0]!))!;
    expect(await runtime.store.people.getPerson(installation.workspaceId, mql)).not.toBeNull();
  });
});
