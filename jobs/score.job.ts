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
 * each system they live in, reserve the first-touch task of an SQL, and save the decisions with
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
  const horizon = parseDuration(engine.rulebook.decay.horizon);
  const firstTouch = parseDuration(engine.rulebook.sla.first_touch);
  // people deleted or merged away since the job was queued are simply absent
  const inputs = await store.state.loadPeopleForScoring(workspaceId, personIds, { eventsSince: new Date(horizonStart(now, horizon, engine.timeZone)) });
  const identitiesOf = await store.people.listIdentitiesOf(workspaceId, [...inputs.keys()]);

  const decisions = new Map<string, Decision>();
  const writesByInstallation = new Map<string, OutboxWrite[]>();
  const tasks: Array<{ installationId: string; personId: string; handoffKey: string; dueAt: string }> = [];
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
    const slaDueAt = decision.slaStartAt ? new Date(Date.parse(decision.slaStartAt) + firstTouch).toISOString() : null;
    for (const identity of writeTargets(identitiesOf.get(personId) ?? [])) {
      if (!(await writable(identity.installationId))) continue;
      const installation = installations.get(identity.installationId) ?? (await deps.installation(workspaceId, identity.installationId));
      installations.set(installation.id, installation);
      const connector = await deps.connectorFor(installation);
      const current = { crmId: identity.crmId, objectType: identity.objectType as 'contact' | 'lead', current: identity.crmValues };
      const write = planWrite(connector, current, connector.propertiesFor(decision, slaDueAt));
      if (write) {
        const list = writesByInstallation.get(installation.id) ?? [];
        list.push({ personId, payload: { ...write }, hash: hashWrite(write) });
        writesByInstallation.set(installation.id, list);
      }
      // not only on the transition: a retry after a crash between these steps must still get its task
      if (decision.stage === 'sql' && slaDueAt && deps.connectors.get(installation.provider).createsTasks) {
        // one task per handoff: the key is the person and the moment their SLA started
        tasks.push({ installationId: installation.id, personId, handoffKey: `${personId}:sql:${decision.slaStartAt}`, dueAt: slaDueAt });
      }
    }
  }

  let writesQueued = 0;
  let tasksCreated = 0;
  const wakeWriteback = new Set<string>();
  const wakeTasks = new Set<string>();
  for (const [installationId, writes] of writesByInstallation) {
    const queued = await store.outbox.enqueueWrites(installationId, writes, new Date(now));
    writesQueued += queued;
    if (queued > 0) wakeWriteback.add(installationId);
  }
  for (const { installationId, ...task } of tasks) {
    // a run that reserved this transition's task but died before saving its decision (the store
    // went away) is redone at a later "now", which moves the SLA start and so the handoff key: the
    // reservation made after the last saved decision is that same handoff, not a second one
    const earlier = await unsavedReservation(store, installationId, task.personId, inputs.get(task.personId)?.state?.decidedAt ?? null, task.handoffKey);
    if (earlier) {
      if (earlier.status === 'pending') wakeTasks.add(installationId);
      continue;
    }
    const { task: record, created } = await store.tasks.createTaskIfAbsent(installationId, task);
    if (created) tasksCreated++;
    if (record.status === 'pending') wakeTasks.add(installationId);
  }
  // saved after the idempotent steps above, so a crash before this line is redone whole; the
  // writeback and tasks jobs start only now, so they read these decisions, not the previous ones
  await store.state.saveDecisions(workspaceId, [...decisions.values()], new Date(now));
  for (const installationId of wakeWriteback) await deps.enqueue.writeback({ workspaceId, installationId });
  for (const installationId of wakeTasks) await deps.enqueue.tasks({ workspaceId, installationId });
  return { decisions, writesQueued, tasksCreated };
}

/** A reservation of an SQL handoff for this person made after their last saved decision, under another key. */
async function unsavedReservation(store: JobDeps['store'], installationId: string, personId: string, decidedAt: string | null, handoffKey: string) {
  const prefix = `${personId}:sql:`;
  const since = decidedAt === null ? -Infinity : Date.parse(decidedAt);
  const reserved = await store.tasks.listTasksByHandoffPrefix(installationId, personId, prefix);
  return reserved.find((t) => t.handoffKey !== handoffKey && Date.parse(t.handoffKey.slice(prefix.length)) > since) ?? null;
}
