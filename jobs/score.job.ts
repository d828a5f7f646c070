import type { JobDeps } from './job-deps';
import { enqueueRescore } from '../src/app/rescore';
import type { Decision } from '../src/model/decision';
import type { ScoreJobData } from '../src/queue/job-data';
import type { Installation, InstallationStatus } from '../src/store';
import type { OutboxWrite } from '../src/store/repositories/outbox.repository';
import { hashWrite, planWrite } from '../src/sync/write-plan';
import { writeTargets } from '../src/sync/write-targets';
import { horizonStart } from '../src/engine/decay';
import { parseDuration } from '../src/util/duration.util';
import type { CrmConnector } from '../src/connector/crm-connector';
import type { EngagementEvent } from '../src/model/event';
import type { SlaHandoff } from '../src/store';
import type { HandoffPlanner } from '../src/sla/handoff-planner';
import { cadenceTimes } from '../src/sla/cadence-times';
import { handoffKey, handoffTag } from '../src/sla/handoff-keys';
import { openHandoff, wantedHandoff } from '../src/sla/open-handoff';
import { plannerFor } from '../src/sla/planner-for';
import { slaSnapshotOf } from '../src/sla/sla-snapshot.util';
import { touchTimes } from '../src/sla/touches';

/** Providers that hold reps' tasks (marketing automation platforms are engagement sources only). */
export interface ScoreResult {
  decision: Decision;
  writesQueued: number;
  tasksCreated: number;
}

export interface ScoreBatchResult {
  decisions: Map<string, Decision>;
  writesQueued: number;
  tasksCreated: number;
}

/**
 * `score`: recompute people with the workspace's rulebook, queue the CRM writes that changed for
 * each system they live in, open the SLA handoff of an SQL (or a handed-off MQL tier, or a person
 * held for missing fields) with its first task, and save the decisions with
 * their transitions. A job names one person (an incremental change) or a page of them (a first
 * sync, a rulebook change): a page costs a fixed handful of statements, not a few per person.
 */
export async function runScoreJob(data: ScoreJobData, deps: JobDeps): Promise<ScoreResult | ScoreBatchResult | { queued: number } | null> {
  // a day of decay (engine/decay.ts): everyone is re-scored in bulk pages; only changed values are written
  if ('rescore' in data) return { queued: await enqueueRescore(deps.store, deps.enqueue, data.workspaceId) };
  if ('personIds' in data) return runScoreBatch(data.workspaceId, data.personIds, deps);
  const result = await runScoreBatch(data.workspaceId, [data.personId], deps);
  const decision = result.decisions.get(data.personId);
  return decision ? { decision, writesQueued: result.writesQueued, tasksCreated: result.tasksCreated } : null;
}

export async function runScoreBatch(workspaceId: string, personIds: readonly string[], deps: JobDeps): Promise<ScoreBatchResult> {
  const { store } = deps;
  const now = deps.clock();
  const engine = await deps.engineFor(workspaceId);
  const rulebook = engine.rulebook;
  const horizon = parseDuration(rulebook.decay.horizon);
  // people deleted or merged away since the job was queued are simply absent
  const inputs = await store.state.loadPeopleForScoring(workspaceId, personIds, { eventsSince: new Date(horizonStart(now, horizon, engine.timeZone)) });
  const identitiesOf = await store.people.listIdentitiesOf(workspaceId, [...inputs.keys()]);

  const decisions = new Map<string, Decision>();
  const targets: Target[] = [];
  const installations = new Map<string, Installation>();
  // each installation's status as it is now (a cached Installation may be hours old), once per job:
  // a disconnected one gets no writes or tasks (its credentials are gone); a paused one or one that
  // waits for a reconnect gets them queued, held back by the write-back's own gate until it resumes
  const statuses = new Map<string, InstallationStatus | null>();
  const writable = async (installationId: string) => {
    if (!statuses.has(installationId)) statuses.set(installationId, await store.installations.getStatus(workspaceId, installationId));
    const status = statuses.get(installationId);
    return status !== null && status !== undefined && status !== 'disconnected';
  };
  for (const [personId, input] of inputs) {
    const decision = engine.evaluate(input.person, input.events, input.state?.decision ?? null, now);
    decisions.set(personId, decision);
    for (const identity of writeTargets(identitiesOf.get(personId) ?? [])) {
      if (!(await writable(identity.installationId))) continue;
      const installation = installations.get(identity.installationId) ?? (await deps.installation(workspaceId, identity.installationId));
      installations.set(installation.id, installation);
      targets.push({ personId, identity, installation, connector: await deps.connectorFor(installation) });
    }
  }

  let tasksCreated = 0;
  const wakeTasks = new Set<string>();
  const wakeSla = new Set<string>();
  const planners = new Map<string, HandoffPlanner>();
  const plannerOf = async (installation: Installation) => {
    const planner = planners.get(installation.id) ?? (await plannerFor(deps.handoffPlanner, store, installation, rulebook));
    planners.set(installation.id, planner);
    return planner;
  };
  // the SLA handoffs (SPEC.md §3.10): not only on the transition, so a retry after a crash between
  // these steps still gets its handoff and first task (each is keyed, so none is made twice)
  for (const { personId, installation } of targets) {
    if (!deps.connectors.get(installation.provider).createsTasks) continue;
    const decision = decisions.get(personId)!;
    const wanted = wantedHandoff(decision, rulebook);
    if (!wanted) continue;
    if (wanted.tag === 'sql') {
      // a run that reserved this transition's handoff but died before saving its decision (the store
      // went away) is redone at a later "now", which moves the SLA start and so the handoff key: the
      // reservation made after the last saved decision is that same handoff, not a second one
      const key = handoffKey(personId, 'sql', wanted.startIso);
      const earlier = await unsavedReservation(store, installation.id, personId, inputs.get(personId)?.state?.decidedAt ?? null, key);
      if (earlier) {
        if (earlier.status === 'pending') wakeTasks.add(installation.id);
        continue;
      }
    }
    const opened = await openHandoff({ repos: store, planner: await plannerOf(installation), installation, person: inputs.get(personId)!.person, decision, rulebook, wanted });
    if (opened.created) tasksCreated++;
    if (opened.taskReserved) wakeTasks.add(installation.id);
  }

  // what each record shows of its SLA, and the open handoffs this change concerns (a touch, the
  // person leaving the stage): made due now, so the sla job looks at them without scanning anyone
  const writesByInstallation = new Map<string, OutboxWrite[]>();
  const byInstallation = new Map<string, Target[]>();
  for (const target of targets) byInstallation.set(target.installation.id, [...(byInstallation.get(target.installation.id) ?? []), target]);
  for (const [installationId, list] of byInstallation) {
    const installation = installations.get(installationId)!;
    const latest = await store.sla.latestForPeople(installationId, list.map((t) => t.personId));
    const planner = latest.size > 0 ? await plannerOf(installation) : null;
    const toWake: string[] = [];
    for (const { personId, identity, connector } of list) {
      const decision = decisions.get(personId)!;
      const handoff = latest.get(personId) ?? null;
      let snapshot = null;
      if (handoff && planner) {
        const times = cadenceTimes(rulebook, planner, Date.parse(handoff.startedAt), Date.parse(handoff.firstTouchDueAt), handoff.timeZone);
        snapshot = slaSnapshotOf(handoff, rulebook, (step) => new Date(times.stepDue[step]!).toISOString());
      }
      const current = { crmId: identity.crmId, objectType: identity.objectType as 'contact' | 'lead', current: identity.crmValues };
      const write = planWrite(connector, current, connector.propertiesFor(decision, snapshot));
      if (write) {
        const writes = writesByInstallation.get(installationId) ?? [];
        writes.push({ personId, payload: { ...write }, hash: hashWrite(write) });
        writesByInstallation.set(installationId, writes);
      }
    }
    // every open handoff of these people, not only the one the record shows (a held handoff the new SQL one replaced)
    for (const handoff of await store.sla.listOpenForPeople(installationId, list.map((t) => t.personId))) {
      if (needsLook(handoff, decisions.get(handoff.personId)!, inputs.get(handoff.personId)!.events, rulebook.sla.cadence.length)) toWake.push(handoff.id);
    }
    if ((await store.sla.wake(installationId, toWake, new Date(now))) > 0) wakeSla.add(installationId);
  }

  let writesQueued = 0;
  const wakeWriteback = new Set<string>();
  for (const [installationId, writes] of writesByInstallation) {
    const queued = await store.outbox.enqueueWrites(installationId, writes, new Date(now));
    writesQueued += queued;
    if (queued > 0) wakeWriteback.add(installationId);
  }
  // saved after the idempotent steps above, so a crash before this line is redone whole; the
  // writeback and tasks jobs start only now, so they read these decisions, not the previous ones
  await store.state.saveDecisions(workspaceId, [...decisions.values()], new Date(now));
  for (const installationId of wakeWriteback) await deps.enqueue.writeback({ workspaceId, installationId });
  for (const installationId of wakeTasks) await deps.enqueue.tasks({ workspaceId, installationId });
  for (const installationId of wakeSla) await deps.enqueue.sla({ workspaceId, installationId });
  return { decisions, writesQueued, tasksCreated };
}

interface Target {
  personId: string;
  identity: ReturnType<typeof writeTargets>[number];
  installation: Installation;
  connector: CrmConnector;
}

/**
 * Whether the sla job must look at an open handoff now rather than at its next due time: the
 * person left the handoff's stage (or a held person is no longer held), a first touch was logged,
 * or enough touches were logged to finish the step before the next one.
 */
function needsLook(handoff: SlaHandoff, decision: Decision, events: readonly EngagementEvent[], steps: number): boolean {
  const tag = handoffTag(handoff.handoffKey);
  if (tag === 'held') return !(decision.stage === 'mql' && decision.heldForHandoff);
  if (decision.stage !== tag) return true;
  const touches = touchTimes(events, Date.parse(handoff.startedAt));
  if (handoff.firstTouchedAt === null && touches.length > 0) return true;
  return handoff.nextStep < steps && touches.length >= handoff.nextStep;
}

/** A reservation of an SQL handoff for this person made after their last saved decision, under another key. */
async function unsavedReservation(store: JobDeps['store'], installationId: string, personId: string, decidedAt: string | null, handoffKey: string) {
  const prefix = `${personId}:sql:`;
  const since = decidedAt === null ? -Infinity : Date.parse(decidedAt);
  const reserved = await store.tasks.listTasksByHandoffPrefix(installationId, personId, prefix);
  return reserved.find((t) => t.handoffKey !== handoffKey && Date.parse(t.handoffKey.slice(prefix.length)) > since) ?? null;
}
