import './support/native-pglite';
import { Connection } from 'jsforce';
import { startHubSpotSandbox } from '../../sandboxes/hubspot';
import { integrationUserCredentials, startSalesforceSandbox } from '../../sandboxes/salesforce';
import { ensureInstallations } from '../../src/app/bootstrap';
import { startFirstSync } from '../../src/app/first-sync';
import type { Runtime } from '../../src/app/runtime';
import type { Installation, SlaHandoff } from '../../src/store';
import { escalationTaskKey } from '../../src/sla/handoff-keys';
import { closeTestRuntime, openTestRuntime, uniqueRun } from './support/test-runtime';

/**
 * The SLA runtime against both sandboxes, with injected time: a first sync hands the SQLs to sales
 * (handoff + first-touch task in the CRM); then touches are logged and time moves on, and the sla
 * job marks them met or met late, escalates and breaches the untouched one, runs a cadence to its
 * end (sla_expired recorded), and a crash between the CRM create and the store write leaves one task.
 * The on-time touch is a call the rep logs in the CRM (a HubSpot call, a Salesforce Task), pulled by
 * the connector's activity stream; the late one is stored as that stream would deliver it (a call
 * dated in the past cannot be logged through the sandboxes' "now").
 */
const RUN = `${process.pid}-${Date.now()}`;
const MINUTE = 60_000;
const DAY = 86_400_000;

interface Crm {
  name: string;
  start(): Promise<CrmSide>;
}

interface CrmSide {
  installation: (runtime: Runtime) => Promise<Installation>;
  sandboxNow: number;
  close(): Promise<void>;
  slaStatus(crmId: string): Promise<string | null>;
  tasksWithKey(crmId: string, key: string): Promise<number>;
  /** A rep logs a completed call in the CRM now (where the sandbox takes activity writes), and the stream that pulls it. */
  logCall?: { stream: string; now(): number; log(crmId: string): Promise<void> };
}

const HUBSPOT: Crm = {
  name: 'HubSpot',
  async start() {
    const sandbox = await startHubSpotSandbox({ port: 0, contacts: 200, rateLimit: { maxPerWindow: 100_000, searchMax: 10_000 }, warm: true });
    const get = async (path: string) => (await fetch(`${sandbox.url}${path}`, { headers: { authorization: `Bearer ${sandbox.token}` } })).json() as Promise<Record<string, unknown>>;
    return {
      sandboxNow: sandbox.clock.now(),
      installation: async (runtime) => ((await ensureInstallations(runtime.store, runtime.box, 'SLA HubSpot', 'config/rulebook.default.yaml', [
        { provider: 'hubspot', externalAccountId: `sla-${RUN}`, displayName: 'SLA portal', credentials: { accessToken: sandbox.token, basePath: sandbox.url }, ratePolicy: 'publicApp' },
      ])) as [Installation])[0],
      close: () => sandbox.close(),
      async slaStatus(crmId) {
        const contact = await get(`/crm/v3/objects/contacts/${crmId}?properties=leadstage_sla_status`);
        return ((contact.properties as Record<string, string | null>).leadstage_sla_status) ?? null;
      },
      logCall: {
        stream: 'calls',
        now: () => sandbox.clock.now(),
        async log(crmId) {
          const response = await fetch(`${sandbox.url}/crm/v3/objects/calls`, {
            method: 'POST',
            headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              properties: { hs_timestamp: new Date(sandbox.clock.now()).toISOString(), hs_call_title: 'Intro call', hs_call_status: 'COMPLETED' },
              associations: [{ to: { id: crmId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 }] }],
            }),
          });
          expect(response.status).toBe(201);
        },
      },
      async tasksWithKey(crmId, key) {
        const assoc = await get(`/crm/v4/objects/contacts/${crmId}/associations/tasks`);
        let count = 0;
        for (const { toObjectId } of assoc.results as Array<{ toObjectId: string | number }>) {
          const task = await get(`/crm/v3/objects/tasks/${toObjectId}?properties=hs_task_body`);
          if (String((task.properties as Record<string, string>).hs_task_body ?? '').includes(`[leadstage:${key}]`)) count++;
        }
        return count;
      },
    };
  },
};

const SALESFORCE: Crm = {
  name: 'Salesforce',
  async start() {
    const org = await startSalesforceSandbox({ port: 0, leads: 150, contacts: 150 });
    const conn = new Connection({ instanceUrl: org.instanceUrl, accessToken: org.issueTokens().accessToken, version: org.apiVersion });
    return {
      sandboxNow: org.clock.now(),
      installation: async (runtime) => ((await ensureInstallations(runtime.store, runtime.box, 'SLA Salesforce', 'config/rulebook.default.yaml', [
        { provider: 'salesforce', externalAccountId: `${org.orgId}-${RUN}`, displayName: 'SLA org', credentials: integrationUserCredentials(org) },
      ])) as [Installation])[0],
      close: () => org.close(),
      async slaStatus(crmId) {
        const object = crmId.startsWith('00Q') ? 'Lead' : 'Contact';
        const rows = await conn.query<{ Leadstage_SLA_Status__c: string | null }>(`SELECT Leadstage_SLA_Status__c FROM ${object} WHERE Id = '${crmId}'`);
        return rows.records[0]?.Leadstage_SLA_Status__c ?? null;
      },
      async tasksWithKey(_crmId, key) {
        return (await conn.query(`SELECT Id FROM Task WHERE Leadstage_Key__c = '${key}'`)).totalSize;
      },
      logCall: {
        stream: 'tasks',
        now: () => org.clock.now(),
        async log(crmId) {
          await conn.sobject('Task').create({ WhoId: crmId, Subject: 'Intro call', TaskSubtype: 'Call', Status: 'Completed' });
        },
      },
    };
  },
};

describe.each([HUBSPOT, SALESFORCE])(`SLA runtime against the $name sandbox (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, (crm) => {
  let runtime: Runtime;
  let installation: Installation;
  let side: CrmSide;
  let now: number;
  let handoffs: SlaHandoff[];

  const tick = async () => {
    await runtime.enqueue.sla({ workspaceId: installation.workspaceId, installationId: installation.id });
    return runtime.inProcess!.runUntilIdle();
  };
  const handoff = async (h: SlaHandoff) => (await runtime.store.sla.listForPerson(installation.workspaceId, h.personId)).find((x) => x.id === h.id)!;
  const crmIdOf = async (personId: string) => (await runtime.store.people.listIdentities(installation.workspaceId, personId)).find((i) => i.installationId === installation.id)!.crmId;
  const touch = async (h: SlaHandoff, atMs: number) => {
    await runtime.store.events.insertEvents(installation.id, [{ personId: h.personId, event: { id: `touch-${h.id}-${atMs}`, type: 'sales_call', occurredAt: new Date(atMs).toISOString(), source: installation.provider, properties: {} } }]);
    await runtime.enqueue.score([{ workspaceId: installation.workspaceId, personId: h.personId }]);
    return runtime.inProcess!.runUntilIdle();
  };

  beforeAll(async () => {
    side = await crm.start();
    now = side.sandboxNow;
    runtime = await openTestRuntime(uniqueRun('sla'), { clock: () => now, queueDriver: 'in-process' });
    installation = await side.installation(runtime);
    await startFirstSync(runtime, installation);
    const drained = await runtime.inProcess!.runUntilIdle();
    expect(drained.failed).toEqual([]);
    // the SQLs whose first touch is still ahead (a first sync also hands over older SQLs, already late)
    handoffs = (await runtime.store.sla.listDue(installation.id, new Date(now + 400 * DAY), 500)).filter((h) => h.kind === 'handoff' && Date.parse(h.firstTouchDueAt) > now)
      .sort((a, b) => Date.parse(b.firstTouchDueAt) - Date.parse(a.firstTouchDueAt));
  }, 300_000);

  afterAll(async () => {
    await closeTestRuntime(runtime);
    await side?.close();
  });

  it('hands every SQL to sales with one first-touch task in the CRM and the SLA pending on the record', async () => {
    expect(handoffs.length).toBeGreaterThanOrEqual(5);
    for (const h of handoffs.slice(0, 5)) {
      expect(h.status).toBe('pending');
      const tasks = await runtime.store.tasks.listTasksForHandoff(installation.id, h.id);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ kind: 'first_touch', step: 0, status: 'created' });
      expect(await side.tasksWithKey(await crmIdOf(h.personId), h.handoffKey)).toBe(1);
      expect(await side.slaStatus(await crmIdOf(h.personId))).toBe('pending');
    }
  });

  it('marks a first touch within the SLA met, and one after it met late, on the record too', async () => {
    const [onTime, late] = handoffs;
    let touchedAt = Date.parse(onTime!.startedAt) + MINUTE;
    if (side.logCall) {
      expect(Date.parse(onTime!.firstTouchDueAt)).toBeGreaterThan(side.logCall.now() + MINUTE);
      // the rep logs the call in the CRM; the activity stream brings it in as a sales_call
      await side.logCall.log(await crmIdOf(onTime!.personId));
      touchedAt = side.logCall.now();
      now = touchedAt + 1_000;
      await runtime.enqueue.sync({ workspaceId: installation.workspaceId, installationId: installation.id, stream: side.logCall.stream, then: [] });
      await runtime.inProcess!.runUntilIdle();
      const logged = (await handoff(onTime!)).firstTouchedAt;
      expect(logged).not.toBeNull();
      expect(Math.abs(Date.parse(logged!) - touchedAt)).toBeLessThan(5_000);
    } else {
      await touch(onTime!, touchedAt);
    }
    await touch(late!, Date.parse(late!.firstTouchDueAt) + 2 * 3_600_000);
    expect(await handoff(onTime!)).toMatchObject({ status: 'met', nextStep: 2 });
    expect((await handoff(late!)).status).toBe('met_late');
    // Leadstage's own open tasks in the CRM (pulled with the rep's activity) are no touch
    expect(await handoff(handoffs[2]!)).toMatchObject({ status: 'pending', firstTouchedAt: null });
    expect(await side.slaStatus(await crmIdOf(onTime!.personId))).toBe('met');
    expect(await side.slaStatus(await crmIdOf(late!.personId))).toBe('met late');
  }, 120_000);

  it('escalates a first touch overdue by escalation.after: a task, and breached on the record', async () => {
    const untouched = handoffs[2]!;
    now = Math.max(...handoffs.map((h) => Date.parse(h.firstTouchDueAt))) + DAY + MINUTE;
    await tick();
    const after = await handoff(untouched);
    expect(after.status).toBe('breached');
    expect(after.escalatedAt).not.toBeNull();
    const escalation = await runtime.store.tasks.getTaskByHandoff(installation.id, escalationTaskKey(untouched.handoffKey));
    expect(escalation).toMatchObject({ kind: 'escalation', status: 'created' });
    expect(await side.tasksWithKey(await crmIdOf(untouched.personId), escalation!.handoffKey)).toBe(1);
    expect(await side.slaStatus(await crmIdOf(untouched.personId))).toBe('breached');
    // the met handoffs are never escalated
    expect((await handoff(handoffs[0]!)).escalatedAt).toBeNull();
  }, 120_000);

  it('keeps one CRM task per key when the process dies between the CRM create and the store write', async () => {
    const victim = handoffs[3]!;
    const original = runtime.store.tasks.markTaskCreated.bind(runtime.store.tasks);
    let crashes = 0;
    runtime.store.tasks.markTaskCreated = async (installationId, taskId, crmTaskId) => {
      if (crashes === 0) {
        crashes++;
        throw new Error('injected crash after the CRM created the task');
      }
      return original(installationId, taskId, crmTaskId);
    };
    try {
      // the next cadence step of every open handoff comes due: the first CRM create "crashes"
      now = Math.max(...handoffs.map((h) => Date.parse(h.startedAt))) + 3 * DAY + MINUTE;
      await tick();
    } finally {
      runtime.store.tasks.markTaskCreated = original;
    }
    expect(crashes).toBe(1);
    const tasks = await runtime.store.tasks.listTasksForHandoff(installation.id, victim.id);
    expect(tasks.length).toBeGreaterThanOrEqual(3);
    for (const task of tasks) {
      expect(task.status).toBe('created');
      expect(await side.tasksWithKey(await crmIdOf(victim.personId), task.handoffKey)).toBe(1);
    }
  }, 120_000);

  it('ends an untouched cadence with sla_expired recorded and the handoff expired, each step a task', async () => {
    const idle = handoffs[4]!;
    for (let i = 0; i < 10; i++) {
      const h = await handoff(idle);
      if (h.closedAt !== null) break;
      now = Math.max(now, Date.parse(h.nextDueAt!) + MINUTE);
      await tick();
    }
    const done = await handoff(idle);
    expect(done).toMatchObject({ status: 'expired', outcome: 'expired', nextDueAt: null });
    const events = await runtime.store.events.listEvents(installation.workspaceId, idle.personId);
    expect(events.filter((e) => e.type === 'sla_expired')).toHaveLength(1);
    const tasks = await runtime.store.tasks.listTasksForHandoff(installation.id, idle.id);
    // one task per step the ticks reached (a step that came due together with the next is skipped), the last one included
    const steps = tasks.filter((t) => t.kind === 'cadence').map((t) => t.step!);
    expect(steps).toEqual([...new Set(steps)].sort((a, b) => a - b));
    expect(steps.at(-1)).toBe(5);
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(tasks.filter((t) => t.kind === 'escalation')).toHaveLength(1);
    // another tick changes nothing and makes no task
    await tick();
    expect(await runtime.store.tasks.listTasksForHandoff(installation.id, idle.id)).toHaveLength(tasks.length);
  }, 180_000);
});
