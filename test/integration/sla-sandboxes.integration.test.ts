import './support/native-pglite';
import { Connection } from 'jsforce';
import { startHubSpotSandbox } from '../../sandboxes/hubspot';
import { integrationUserCredentials, startSalesforceSandbox } from '../../sandboxes/salesforce';
import { ensureInstallations } from '../../src/app/bootstrap';
import type { Runtime } from '../../src/app/runtime';
import type { Installation, SlaHandoff } from '../../src/store';
import { cadenceTimes } from '../../src/sla/cadence-times';
import { escalationTaskKey } from '../../src/sla/handoff-keys';
import { firstSyncHandoffsAhead } from './support/sla-first-sync';
import { closeTestRuntime, openTestRuntime, uniqueRun } from './support/test-runtime';

/**
 * The SLA runtime against both sandboxes, with injected time: a first sync hands the SQLs to sales
 * (handoff + first-touch task in the CRM); then touches are logged and time moves on, and the sla
 * job marks them met or met late, escalates and breaches the untouched one, runs a cadence to its
 * end (sla_expired recorded), and a crash between the CRM create and the store write leaves one task.
 * The on-time touch is a call the rep logs in the CRM (a HubSpot call, a Salesforce Task), pulled by
 * the connector's activity stream; the late one is stored as that stream would deliver it (a call
 * dated in the past cannot be logged through the sandboxes' "now").
 * The SLA clock runs in working hours in the owner's zone (the owner directory planner): the test
 * takes each handoff's step and escalation times from the product's own schedule (cadenceTimes
 * through the runtime's planner) and checks the escalation moment against the rule worked out here.
 */
const RUN = `${process.pid}-${Date.now()}`;
const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The wall clock in `timeZone` at `ms`: the local date (as a UTC midnight), minute of day and ISO weekday. */
function wallClock(ms: number, timeZone: string): { date: number; minute: number; weekday: number } {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })
    .formatToParts(ms).map((p) => [p.type, p.value]));
  return { date: Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)), minute: Number(parts.hour) * 60 + Number(parts.minute), weekday: WEEKDAYS.indexOf(parts.weekday!) + 1 };
}

/** The instant of local `date` (a UTC midnight) + `minute` in `timeZone` (no clock change in the test's dates). */
function instantOf(date: number, minute: number, timeZone: string): number {
  const local = date + minute * MINUTE;
  const wall = wallClock(local, timeZone);
  return local - (wall.date + wall.minute * MINUTE - local);
}

/**
 * The default rulebook's escalation (`after: 1d`, working hours Monday to Friday 09:00–17:00),
 * worked out here from SPEC.md §3.10 rather than by the product: the same wall-clock minute a day
 * after the due time, rolled to the next working moment (a Friday's due escalates on Monday 09:00).
 */
function expectedEscalation(dueMs: number, timeZone: string): number {
  const due = wallClock(dueMs, timeZone);
  let date = due.date + DAY;
  let minute = due.minute;
  let weekday = (due.weekday % 7) + 1;
  if (minute > 17 * 60) { date += DAY; weekday = (weekday % 7) + 1; minute = 9 * 60; }
  while (weekday > 5) { date += DAY; weekday = (weekday % 7) + 1; minute = 9 * 60; }
  return instantOf(date, Math.max(minute, 9 * 60), timeZone);
}

interface Crm {
  name: string;
  /**
   * Who the sandbox's untouched SQLs past the first five were qualified by: HubSpot's by engagement
   * (recycled when their cadence expires), Salesforce's by a rep (Lead Status: accepted by sales,
   * which the engine keeps at SQL after an expiry: the rep's verdict outranks it).
   */
  idleQualifiedBy: 'engagement' | 'sales';
  start(): Promise<CrmSide>;
}

interface CrmSide {
  installation: (runtime: Runtime) => Promise<Installation>;
  sandboxNow: number;
  close(): Promise<void>;
  slaStatus(crmId: string): Promise<string | null>;
  tasksWithKey(crmId: string, key: string): Promise<number>;
  /** Who `sla.escalation.to: manager` reaches for a record owner: their active manager in the CRM, null where the CRM keeps none. */
  managerOf(ownerId: string | null): Promise<string | null>;
  /** A rep logs a completed call in the CRM now (where the sandbox takes activity writes), and the stream that pulls it. */
  logCall?: { stream: string; now(): number; log(crmId: string): Promise<void> };
}

const HUBSPOT: Crm = {
  name: 'HubSpot',
  idleQualifiedBy: 'engagement',
  async start() {
    const sandbox = await startHubSpotSandbox({ port: 0, contacts: 200, rateLimit: { maxPerWindow: 100_000, searchMax: 10_000 }, warm: true });
    const get = async (path: string) => (await fetch(`${sandbox.url}${path}`, { headers: { authorization: `Bearer ${sandbox.token}` } })).json() as Promise<Record<string, unknown>>;
    return {
      sandboxNow: sandbox.clock.now(),
      installation: async (runtime) => ((await ensureInstallations(runtime.store, runtime.box, 'SLA HubSpot', 'config/rulebook.default.yaml', [
        { provider: 'hubspot', externalAccountId: `sla-${RUN}`, displayName: 'SLA portal', credentials: { accessToken: sandbox.token, basePath: sandbox.url }, ratePolicy: 'publicApp' },
      ])) as [Installation])[0],
      close: () => sandbox.close(),
      // HubSpot keeps no managers: an escalation to `manager` goes out unassigned
      managerOf: async () => null,
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
  idleQualifiedBy: 'sales',
  async start() {
    const org = await startSalesforceSandbox({ port: 0, leads: 150, contacts: 150 });
    const conn = new Connection({ instanceUrl: org.instanceUrl, accessToken: org.issueTokens().accessToken, version: org.apiVersion });
    return {
      sandboxNow: org.clock.now(),
      installation: async (runtime) => ((await ensureInstallations(runtime.store, runtime.box, 'SLA Salesforce', 'config/rulebook.default.yaml', [
        { provider: 'salesforce', externalAccountId: `${org.orgId}-${RUN}`, displayName: 'SLA org', credentials: integrationUserCredentials(org) },
      ])) as [Installation])[0],
      close: () => org.close(),
      async managerOf(ownerId) {
        if (ownerId === null) return null;
        const user = await conn.query<{ ManagerId: string | null }>(`SELECT ManagerId FROM User WHERE Id = '${ownerId}'`);
        const managerId = user.records[0]?.ManagerId ?? null;
        if (managerId === null) return null;
        const manager = await conn.query<{ IsActive: boolean }>(`SELECT IsActive FROM User WHERE Id = '${managerId}'`);
        return manager.records[0]?.IsActive ? managerId : null;
      },
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
  /** The handoff's schedule as the sla job computes it: the runtime's planner (working hours in the handoff's zone). */
  const timesOf = async (h: SlaHandoff) => cadenceTimes((await runtime.deps.engineFor(installation.workspaceId)).rulebook, runtime.deps.handoffPlanner!, Date.parse(h.startedAt), Date.parse(h.firstTouchDueAt), h.timeZone);
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
    handoffs = await firstSyncHandoffsAhead(runtime, installation, now);
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
    // the late touch comes two hours after its due time, and the clock is there too
    const lateAt = Date.parse(late!.firstTouchDueAt) + 2 * 3_600_000;
    now = Math.max(now, lateAt);
    await touch(late!, lateAt);
    // its due time passed before the touch came in: the scheduled tick (every minute in production, SLA_TICK_MS) sees it: a wake only moves a due time that is later
    await tick();
    expect(await handoff(onTime!)).toMatchObject({ status: 'met', nextStep: 2 });
    expect(await handoff(late!)).toMatchObject({ status: 'met_late', firstTouchedAt: new Date(lateAt).toISOString(), escalatedAt: null });
    // Leadstage's own open tasks in the CRM (pulled with the rep's activity) are no touch
    // overdue but not yet escalated (escalation.after runs from the due time) is still pending
    expect(await handoff(handoffs[2]!)).toMatchObject({ status: 'pending', firstTouchedAt: null, escalatedAt: null });
    expect(await side.slaStatus(await crmIdOf(onTime!.personId))).toBe('met');
    expect(await side.slaStatus(await crmIdOf(late!.personId))).toBe('met late');
  }, 120_000);

  it('escalates a first touch overdue by escalation.after in working hours: a task for the escalation target, and breached on the record', async () => {
    const untouched = handoffs[2]!;
    const dueMs = Date.parse(untouched.firstTouchDueAt);
    const { escalationAt } = await timesOf(untouched);
    // the product's schedule is the rule: 1d on the owner's wall clock, rolled into working hours
    expect(escalationAt).toBe(expectedEscalation(dueMs, untouched.timeZone));
    expect(escalationAt - dueMs).toBeGreaterThanOrEqual(DAY);
    expect(escalationAt).toBeGreaterThan(now);

    // a minute before: overdue, not escalated; the stored wake-up is no later than the escalation
    now = escalationAt - MINUTE;
    await tick();
    const before = await handoff(untouched);
    expect(before).toMatchObject({ status: 'pending', escalatedAt: null });
    expect(Date.parse(before.nextDueAt!)).toBeLessThanOrEqual(escalationAt);
    expect(await runtime.store.tasks.getTaskByHandoff(installation.id, escalationTaskKey(untouched.handoffKey))).toBeNull();

    now = escalationAt;
    await tick();
    const after = await handoff(untouched);
    expect(after.status).toBe('breached');
    // escalated at that tick (the in-process queue's clock may have run a few seconds on)
    expect(Date.parse(after.escalatedAt!)).toBeGreaterThanOrEqual(escalationAt);
    expect(Date.parse(after.escalatedAt!)).toBeLessThan(escalationAt + MINUTE);
    const escalation = await runtime.store.tasks.getTaskByHandoff(installation.id, escalationTaskKey(untouched.handoffKey));
    // sla.escalation.to: manager — the record owner's active manager where the CRM keeps one
    const manager = await side.managerOf(untouched.ownerId);
    expect(manager !== null).toBe(crm.name === 'Salesforce'); // HubSpot keeps no managers: unassigned there
    expect(escalation).toMatchObject({ kind: 'escalation', status: 'created', ownerId: manager });
    expect(await side.tasksWithKey(await crmIdOf(untouched.personId), escalation!.handoffKey)).toBe(1);
    expect(await side.slaStatus(await crmIdOf(untouched.personId))).toBe('breached');

    // past every handoff's escalation moment: the met and met-late handoffs are never escalated
    now = Math.max(now, ...(await Promise.all(handoffs.slice(0, 5).map(async (h) => (await timesOf(h)).escalationAt)))) + MINUTE;
    await tick();
    expect(await handoff(handoffs[0]!)).toMatchObject({ status: 'met', escalatedAt: null });
    expect(await handoff(handoffs[1]!)).toMatchObject({ status: 'met_late', escalatedAt: null });
  }, 120_000);

  it('keeps one CRM task per key when the process dies between the CRM create and the store write', async () => {
    const victim = handoffs[3]!;
    const open = await handoff(victim);
    const tasksBefore = await runtime.store.tasks.listTasksForHandoff(installation.id, victim.id);
    const { stepDue } = await timesOf(victim);
    // the victim's next cadence step comes due (its task is made when the step before it is due)
    expect(open.nextStep).toBeLessThan(stepDue.length);
    now = Math.max(now, stepDue[open.nextStep - 1]!) + MINUTE;
    const original = runtime.store.tasks.markTaskCreated.bind(runtime.store.tasks);
    let crashes = 0;
    runtime.store.tasks.markTaskCreated = async (installationId, taskId, crmTaskId) => {
      // the victim's new task "crashes" right after the CRM created it
      if (crashes === 0 && !tasksBefore.some((t) => t.id === taskId) && (await runtime.store.tasks.listTasksForHandoff(installationId, victim.id)).some((t) => t.id === taskId)) {
        crashes++;
        throw new Error('injected crash after the CRM created the task');
      }
      return original(installationId, taskId, crmTaskId);
    };
    try {
      await tick();
    } finally {
      runtime.store.tasks.markTaskCreated = original;
    }
    expect(crashes).toBe(1);
    const tasks = await runtime.store.tasks.listTasksForHandoff(installation.id, victim.id);
    const added = tasks.filter((t) => !tasksBefore.some((b) => b.id === t.id));
    // one new cadence task: the newest step whose predecessor is due by now
    expect(added).toHaveLength(1);
    const step = added[0]!.step!;
    expect(added[0]).toMatchObject({ kind: 'cadence', dueAt: new Date(stepDue[step]!).toISOString() });
    expect(stepDue[step - 1]!).toBeLessThanOrEqual(now);
    if (step + 1 < stepDue.length) expect(stepDue[step]!).toBeGreaterThan(now);
    for (const task of tasks) {
      expect(task.status).toBe('created');
      expect(await side.tasksWithKey(await crmIdOf(victim.personId), task.handoffKey)).toBe(1);
    }
  }, 120_000);

  it('ends an untouched cadence with sla_expired recorded and its outcome expired (its status still breached), each step a task; the engine recycles an engagement SQL, which can qualify again', async () => {
    const decisionOf = async (personId: string) => (await runtime.store.state.loadPersonForScoring(installation.workspaceId, personId))!.state!.decision;
    // a rep's own verdict (accepted by sales, BANT) outranks an expiry in the engine; engagement's does not
    const qualifiedBy = async (personId: string) => (/^(accepted by sales|BANT qualified)/.test((await decisionOf(personId)).history.findLast((e) => e.stage === 'sql')?.reason ?? '') ? 'sales' : 'engagement');
    let idle: SlaHandoff | undefined;
    for (const h of handoffs.slice(4)) {
      if ((await handoff(h)).firstTouchedAt === null && (await qualifiedBy(h.personId)) === crm.idleQualifiedBy) { idle = h; break; }
    }
    if (!idle) throw new Error(`no untouched SQL qualified by ${crm.idleQualifiedBy} among the ${handoffs.length - 4} handoffs past the first four`);
    for (let i = 0; i < 10; i++) {
      const h = await handoff(idle);
      if (h.closedAt !== null) break;
      now = Math.max(now, Date.parse(h.nextDueAt!) + MINUTE);
      await tick();
    }
    const done = await handoff(idle);
    // untouched, it was breached and escalated; the status keeps that, the expiry is its outcome
    expect(done).toMatchObject({ status: 'breached', outcome: 'expired', nextDueAt: null });
    const events = await runtime.store.events.listEvents(installation.workspaceId, idle.personId);
    expect(events.filter((e) => e.type === 'sla_expired')).toHaveLength(1);
    const { on_expiry: onExpiry } = (await runtime.deps.engineFor(installation.workspaceId)).rulebook.sla;
    const lastTransition = async () => (await runtime.store.state.listTransitions(installation.workspaceId, idle.personId)).at(-1);
    if (crm.idleQualifiedBy === 'engagement') {
      // the engine recycles the person per sla.on_expiry, with its reason
      expect((await decisionOf(idle.personId)).stage).toBe(onExpiry.stage);
      expect(await lastTransition()).toMatchObject({ fromStage: 'sql', toStage: onExpiry.stage, reason: onExpiry.reason });
    } else {
      // accepted by sales: still SQL, the expiry recorded and the handoff over all the same
      expect((await decisionOf(idle.personId)).stage).toBe('sql');
      expect(await lastTransition()).toMatchObject({ toStage: 'sql' });
    }
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
    expect((await decisionOf(idle.personId)).stage).toBe(crm.idleQualifiedBy === 'engagement' ? onExpiry.stage : 'sql');
    if (crm.idleQualifiedBy === 'sales') return;

    // a later request for a demo qualifies them again: SQL, and a new handoff with its own clock
    now += MINUTE;
    await runtime.store.events.insertEvents(installation.id, [{ personId: idle.personId, event: { id: `demo-after-expiry-${idle.id}`, type: 'demo_request', occurredAt: new Date(now).toISOString(), source: installation.provider, properties: {} } }]);
    await runtime.enqueue.score([{ workspaceId: installation.workspaceId, personId: idle.personId }]);
    await runtime.inProcess!.runUntilIdle();
    expect(await decisionOf(idle.personId)).toMatchObject({ stage: 'sql', slaStartAt: new Date(now).toISOString() });
    expect(await lastTransition()).toMatchObject({ fromStage: onExpiry.stage, toStage: 'sql' });
    const reopened = (await runtime.store.sla.listForPerson(installation.workspaceId, idle.personId)).filter((h) => h.id !== idle.id && h.kind === 'handoff');
    expect(reopened).toHaveLength(1);
    expect(reopened[0]).toMatchObject({ status: 'pending', closedAt: null, startedAt: new Date(now).toISOString() });
  }, 180_000);
});
