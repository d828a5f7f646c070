import './support/native-pglite';
import { Client } from '@hubspot/api-client';
import { startHubSpotSandbox, describeSeed } from '../../sandboxes/hubspot';
import { ensureInstallations } from '../../src/app/bootstrap';
import { startFirstSync } from '../../src/app/first-sync';
import type { Runtime } from '../../src/app/runtime';
import type { DrainResult } from '../../src/queue/in-process-queue.driver';
import type { Installation } from '../../src/store';
import { sandboxAligned } from './support/sync-harness';
import { closeTestRuntime, openTestRuntime, uniqueRun } from './support/test-runtime';
import { addWorkingTime } from '../../src/sla/working-hours';

/**
 * The HubSpot vertical slice end to end: a 1,000-contact sandbox portal over loopback, every job of
 * the chain run in process through runJob (the in-process queue driver: BullMQ's own behaviour is
 * tested on BullMQ in queue-fairness, schedules and sync-crash), the shared rate limiter on Redis,
 * the store (PGlite in memory, or PostgreSQL when DATABASE_URL is set), and what lands back in the
 * portal for hand-picked people of each kind.
 */
const CONTACTS = 1000;
const RUN = `${process.pid}-${Date.now()}`;

describe(`HubSpot end to end (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let sandbox: Awaited<ReturnType<typeof startHubSpotSandbox>>;
  let runtime: Runtime;
  let drained: DrainResult;
  let installation: Installation;
  let client: Client;
  const seed = describeSeed({ contacts: CONTACTS });

  beforeAll(async () => {
    // both clocks run, as in production: every sync pass must still end (it stops at the run's start)
    sandbox = await startHubSpotSandbox({ port: 0, contacts: CONTACTS, rateLimit: { maxPerWindow: 100_000, searchMax: 10_000 }, warm: true });
    runtime = await openTestRuntime(uniqueRun('e2e'), { clock: sandboxAligned(sandbox.clock.now()), queueDriver: 'in-process' });
    [installation] = (await ensureInstallations(runtime.store, runtime.box, 'E2E company', 'config/rulebook.default.yaml', [
      { provider: 'hubspot', externalAccountId: `e2e-${RUN}`, displayName: 'E2E portal', credentials: { accessToken: sandbox.token, basePath: sandbox.url }, ratePolicy: 'publicApp' },
    ])) as [Installation];
    await startFirstSync(runtime, installation);
    drained = await runtime.inProcess!.runUntilIdle();
    client = new Client({ accessToken: sandbox.token, basePath: sandbox.url });
  }, 300_000);

  afterAll(async () => {
    await closeTestRuntime(runtime);
    await sandbox?.close();
  });

  const props = ['leadstage_stage', 'leadstage_priority', 'leadstage_reasons', 'leadstage_fit_grade', 'leadstage_score', 'leadstage_mql_tier', 'lifecyclestage', 'hubspot_owner_id', 'annualrevenue'];
  async function contact(id: string) {
    return (await client.crm.contacts.basicApi.getById(id, props)).properties;
  }
  const first = (kind: keyof typeof seed.kinds) => {
    const id = seed.kinds[kind][0];
    if (!id) throw new Error(`the seed has no ${kind} contact`);
    return id;
  };

  it('scores and writes back every contact, with nothing left in the outbox', async () => {
    expect(drained.failed).toEqual([]);
    expect(await runtime.store.outbox.outboxBacklog(installation.id)).toMatchObject({ pending: 0 });
    expect(await runtime.store.outbox.listRecordErrors(installation.id)).toEqual([]);
    let unscored = 0;
    let after: string | undefined;
    do {
      const page = await client.crm.contacts.basicApi.getPage(100, after, ['leadstage_stage']);
      unscored += page.results.filter((c) => !c.properties.leadstage_stage).length;
      after = page.paging?.next?.after;
    } while (after);
    expect(unscored).toBe(0);
  });

  it.each([
    ['personalEmail', /personal email address/],
    ['student', /student email address/],
    ['competitor', /works at a competitor/],
    ['nonUs', /outside served region/],
  ] as const)('disqualifies the %s contact with its reason', async (kind, reason) => {
    const properties = await contact(first(kind));
    expect(properties.leadstage_stage).toBe('disqualified');
    expect(properties.leadstage_priority).toBe('cold');
    expect(properties.leadstage_reasons?.split('\n')[0]).toMatch(reason);
  });

  it('puts the non-target-industry contact in tier-2 nurture', async () => {
    const properties = await contact(first('nonTargetIndustry'));
    expect(properties.leadstage_stage).toBe('nurture');
    expect(properties.leadstage_reasons).toMatch(/tier-2 nurture/);
  });

  it('makes a US persona at a target company an MQL, and keeps a blog-only reader there', async () => {
    const properties = await contact(first('blogReaderOnly'));
    expect(properties.leadstage_stage).toBe('mql');
    expect(properties.lifecyclestage).toBe('marketingqualifiedlead');
  });

  it.each([0, 1])('fast-tracks demo requester #%i to SQL with one first-touch task due 30 working minutes after the request', async (index) => {
    const id = seed.kinds.demoRequester[index]!;
    const properties = await contact(id);
    expect(properties.leadstage_stage).toBe('sql');
    expect(properties.lifecyclestage).toBe('salesqualifiedlead');

    const personId = await runtime.store.people.findByIdentity(installation.id, 'contact', id);
    const scoring = await runtime.store.state.loadPersonForScoring(installation.workspaceId, personId!);
    const request = scoring!.events.filter((e) => e.type === 'demo_request').at(-1)!;
    const tasks = await client.apiRequest({ method: 'GET', path: `/crm/v4/objects/contacts/${id}/associations/tasks` });
    const taskIds = ((await tasks.json()) as { results: Array<{ toObjectId: string | number }> }).results.map((r) => String(r.toObjectId));
    expect(taskIds).toHaveLength(1);
    const task = await client.crm.objects.tasks.basicApi.getById(taskIds[0]!, ['hs_timestamp', 'hs_task_subject', 'hs_task_body', 'hubspot_owner_id', 'hs_task_priority']);
    // 30 minutes of working time (Monday to Friday 09:00–17:00) in the handoff's zone: the workspace's,
    // since HubSpot keeps no owner time zone
    const [handoff] = await runtime.store.sla.listForPerson(installation.workspaceId, personId!);
    expect(handoff!.timeZone).toBe('UTC');
    expect(Date.parse(task.properties.hs_timestamp!)).toBe(addWorkingTime(Date.parse(request.occurredAt), 30 * 60_000, 'UTC'));
    expect(Date.parse(handoff!.firstTouchDueAt)).toBe(Date.parse(task.properties.hs_timestamp!));
    expect(task.properties.hs_task_subject).toMatch(/requested a demo/);
    expect(task.properties.hs_task_body).toMatch(/requested a demo/);
    // owned by the contact's owner; a contact with no owner gets an unassigned task for the queue
    expect(task.properties.hubspot_owner_id || null).toBe(properties.hubspot_owner_id || null);
    // the priority the person had when the task was created (more engagement may have raised it since)
    expect(['HIGH', 'MEDIUM']).toContain(task.properties.hs_task_priority);
  });

  it('makes the high-engagement pricing visitor SQL by the engagement threshold', async () => {
    const properties = await contact(first('pricingVisitorHighEngagement'));
    expect(properties.leadstage_stage).toBe('sql');
    expect(properties.leadstage_reasons).toMatch(/viewed pricing/);
  });

  it('takes customers and opportunities from deals', async () => {
    expect((await contact(first('customerClosedWon'))).leadstage_stage).toBe('customer');
    expect((await contact(first('openDeal'))).leadstage_stage).toBe('opportunity');
  });

  it('never makes a company below 100 employees an MQL unless its revenue qualifies it', async () => {
    for (const id of seed.kinds.smallCompany) {
      const properties = await contact(id);
      const person = await runtime.store.people.getPerson(installation.workspaceId, (await runtime.store.people.findByIdentity(installation.id, 'contact', id))!);
      // SPEC.md §3.3: size is employees OR annual revenue (the contact's, else its company's); the bar is $20M
      if ((person!.annualRevenue ?? 0) >= 20_000_000) continue;
      expect(['lead', 'nurture']).toContain(properties.leadstage_stage);
      expect(properties.leadstage_reasons).toMatch(/small company/);
    }
  });
});
