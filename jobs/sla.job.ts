import type { JobDeps } from './job-deps';
import type { SlaJobData } from '../src/queue/job-data';
import type { Installation, SlaHandoff } from '../src/store';
import type { Rulebook } from '../src/rulebook/schema';
import type { HandoffPlanner } from '../src/sla/handoff-planner';
import { cadenceTimes } from '../src/sla/cadence-times';
import { escalationTaskKey, stepTaskKey } from '../src/sla/handoff-keys';
import { plannerFor } from '../src/sla/planner-for';
import { planTick, type TickPlan } from '../src/sla/sla-tick';
import { touchTimes } from '../src/sla/touches';

/** Handoffs one tick works through; a full page queues the next tick at once. */
export const SLA_PAGE = 200;

/** The event source of what Leadstage itself records about a person (sla_expired). */
export const LEADSTAGE_SOURCE = 'leadstage';

export interface SlaTickResult {
  due: number;
  tasksReserved: number;
  escalated: number;
  expired: number;
  closed: number;
}

/**
 * `sla`: one tick of an installation's follow-up agreements (SPEC.md §3.10). It reads the handoffs
 * due by now through the due-time index, runs each through the state machine (src/sla/sla-tick.ts),
 * reserves the cadence and escalation tasks under their keys, records `sla_expired` when a cadence
 * ends with no outcome, and saves the handoff last: a retry or a crash anywhere in between redoes
 * the same steps under the same keys, so no task is made twice. The tasks go out through the tasks
 * job (the CRM's quota), the record's SLA fields through a score of the person (the write-back).
 */
export async function runSlaJob(data: SlaJobData, deps: JobDeps): Promise<SlaTickResult> {
  const { store } = deps;
  const now = deps.clock();
  const result: SlaTickResult = { due: 0, tasksReserved: 0, escalated: 0, expired: 0, closed: 0 };
  const due = await store.sla.listDue(data.installationId, new Date(now), SLA_PAGE);
  result.due = due.length;
  if (due.length === 0) return result;

  const installation = await deps.installation(data.workspaceId, data.installationId);
  const engine = await deps.engineFor(data.workspaceId);
  const rulebook = engine.rulebook;
  const planner = await plannerFor(deps.handoffPlanner, store, installation, rulebook);
  const since = Math.min(...due.map((h) => Date.parse(h.startedAt)));
  const people = await store.state.loadPeopleForScoring(data.workspaceId, [...new Set(due.map((h) => h.personId))], { eventsSince: new Date(since) });

  const rescore = new Set<string>();
  for (const handoff of due) {
    const input = people.get(handoff.personId) ?? null;
    const decision = input?.state?.decision ?? null;
    const times = cadenceTimes(rulebook, planner, Date.parse(handoff.startedAt), Date.parse(handoff.firstTouchDueAt), handoff.timeZone);
    const plan = planTick({
      handoff,
      now,
      stage: input ? (decision?.stage ?? null) : null,
      stageReason: decision?.transition?.reason ?? decision?.history.at(-1)?.reason ?? null,
      stillHeld: decision?.heldForHandoff === true,
      touches: input ? touchTimes(input.events, Date.parse(handoff.startedAt)) : [],
      stepDue: times.stepDue,
      escalationAt: times.escalationAt,
      expiryReason: rulebook.sla.on_expiry.reason,
    });
    result.tasksReserved += await reserveTasks(deps, installation, handoff, plan, times.stepDue, rulebook, planner);
    if (plan.escalate) result.escalated++;
    if (plan.expire) {
      // the engine moves the person per sla.on_expiry on this event; its id makes a retry a no-op
      await store.events.insertEvents(installation.id, [{
        personId: handoff.personId,
        event: { id: `sla-expired-${handoff.id}`, type: 'sla_expired', occurredAt: new Date(now).toISOString(), source: LEADSTAGE_SOURCE, properties: { handoffKey: handoff.handoffKey, reason: rulebook.sla.on_expiry.reason } },
      }]);
      result.expired++;
    }
    if (plan.closed) result.closed++;
    // saved last: everything above is keyed, so a crash before this line is redone without duplicates
    await store.sla.update(installation.id, handoff.id, plan.change);
    if (input && changesRecord(plan)) rescore.add(handoff.personId);
  }
  if (result.tasksReserved > 0) await deps.enqueue.tasks({ workspaceId: data.workspaceId, installationId: data.installationId });
  // the SLA fields on the record (and, after sla_expired, the stage) come from a fresh score
  if (rescore.size > 0) await deps.enqueue.score([...rescore].map((personId) => ({ workspaceId: data.workspaceId, personId })));
  if (due.length === SLA_PAGE) await deps.enqueue.sla({ workspaceId: data.workspaceId, installationId: data.installationId });
  return result;
}

function changesRecord(plan: TickPlan): boolean {
  const c = plan.change;
  return plan.expire || plan.closed || c.status !== undefined || c.firstTouchedAt !== undefined || c.nextStep !== undefined;
}

/** The plan's tasks, each reserved under its key (the tasks job creates them in the CRM). */
async function reserveTasks(deps: JobDeps, installation: Installation, handoff: SlaHandoff, plan: TickPlan, stepDue: readonly number[], rulebook: Rulebook, planner: HandoffPlanner): Promise<number> {
  let reserved = 0;
  for (const step of plan.createSteps) {
    const cadence = rulebook.sla.cadence[step]!;
    const { created } = await deps.store.tasks.createTaskIfAbsent(installation.id, {
      handoffKey: stepTaskKey(handoff.handoffKey, step),
      personId: handoff.personId,
      dueAt: new Date(stepDue[step]!).toISOString(),
      slaHandoffId: handoff.id,
      kind: 'cadence',
      step,
      ownerId: handoff.ownerId,
      subject: `${cadence.subject} (step ${step + 1} of ${rulebook.sla.cadence.length})`,
    });
    if (created) reserved++;
  }
  if (plan.escalate) {
    const ownerId = await planner.escalationOwner(installation.id, handoff.ownerId);
    const { created } = await deps.store.tasks.createTaskIfAbsent(installation.id, {
      handoffKey: escalationTaskKey(handoff.handoffKey),
      personId: handoff.personId,
      dueAt: new Date(deps.clock()).toISOString(),
      slaHandoffId: handoff.id,
      kind: 'escalation',
      step: null,
      ownerId,
      subject: `Overdue first touch${handoff.ownerId ? '' : ' (unassigned)'}: due ${handoff.firstTouchDueAt.slice(0, 16).replace('T', ' ')} UTC`,
    });
    if (created) reserved++;
  }
  return reserved;
}
