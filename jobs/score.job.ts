import type { JobDeps } from '../src/app/job-deps';
import type { Decision } from '../src/model/decision';
import type { ScoreJobData } from '../src/queue/job-data';
import type { Installation } from '../src/store';
import { hashWrite, planWrite } from '../src/sync/write-plan';
import { writeTargets } from '../src/sync/write-targets';
import { parseDuration } from '../src/util/duration.util';

/** Providers that hold reps' tasks (marketing automation platforms are engagement sources only). */
const TASK_PROVIDERS = new Set(['hubspot', 'salesforce']);

export interface ScoreResult {
  decision: Decision;
  writesQueued: number;
  tasksCreated: number;
}

/**
 * `score`: recompute one person with the workspace's rulebook, queue the CRM writes that changed
 * for each system the person lives in, reserve the first-touch task of an SQL, and save the
 * decision with its transition.
 */
export async function runScoreJob(data: ScoreJobData, deps: JobDeps): Promise<ScoreResult | null> {
  const { store } = deps;
  const now = deps.clock();
  const engine = await deps.engineFor(data.workspaceId);
  const horizon = parseDuration(engine.rulebook.decay.horizon);
  const input = await store.state.loadPersonForScoring(data.workspaceId, data.personId, { eventsSince: new Date(now - horizon) });
  if (!input) return null; // deleted or merged away since the job was queued

  const decision = engine.evaluate(input.person, input.events, input.state?.decision ?? null, now);

  const slaDueAt = decision.slaStartAt ? new Date(Date.parse(decision.slaStartAt) + parseDuration(engine.rulebook.sla.first_touch)).toISOString() : null;
  const identities = writeTargets(await store.people.listIdentities(data.workspaceId, data.personId));
  let writesQueued = 0;
  let tasksCreated = 0;
  const wakeWriteback = new Set<string>();
  const wakeTasks = new Set<string>();
  const installations = new Map<string, Installation>();
  for (const identity of identities) {
    const installation = installations.get(identity.installationId) ?? (await deps.installation(data.workspaceId, identity.installationId));
    installations.set(installation.id, installation);
    if (identity.objectType !== 'contact' && identity.objectType !== 'lead') continue;
    const connector = await deps.connectorFor(installation);
    const write = planWrite(connector, { crmId: identity.crmId, objectType: identity.objectType, current: identity.crmValues }, connector.propertiesFor(decision, slaDueAt));
    if (write) {
      const queued = await store.outbox.enqueueWrites(installation.id, [{ personId: data.personId, payload: { ...write }, hash: hashWrite(write) }], new Date(now));
      writesQueued += queued;
      if (queued > 0) wakeWriteback.add(installation.id);
    }
    // not only on the transition: a retry after a crash between these steps must still get its task
    if (decision.stage === 'sql' && slaDueAt && TASK_PROVIDERS.has(installation.provider)) {
      // one task per handoff: the key is the person and the moment their SLA started
      const { task, created } = await store.tasks.createTaskIfAbsent(installation.id, {
        handoffKey: `${data.personId}:sql:${decision.slaStartAt}`,
        personId: data.personId,
        dueAt: slaDueAt,
      });
      if (created) tasksCreated++;
      if (task.status === 'pending') wakeTasks.add(installation.id);
    }
  }
  // saved after the idempotent steps above, so a crash before this line is redone whole; the
  // writeback and tasks jobs start only now, so they read this decision, not the previous one
  await store.state.saveDecision(data.workspaceId, decision, new Date(now));
  for (const installationId of wakeWriteback) await deps.enqueue.writeback({ workspaceId: data.workspaceId, installationId });
  for (const installationId of wakeTasks) await deps.enqueue.tasks({ workspaceId: data.workspaceId, installationId });
  return { decision, writesQueued, tasksCreated };
}
