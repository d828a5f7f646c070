import type { Decision } from '../model/decision';
import type { Person } from '../model/person';
import type { Rulebook } from '../rulebook/schema';
import type { Installation, Repositories, SlaHandoff } from '../store';
import { parseDuration } from '../util/duration.util';
import { workingHoursOf } from './rulebook-working-hours';
import type { HandoffPlanner } from './handoff-planner';
import { handoffKey, type HandoffTag } from './handoff-keys';

/**
 * Which handoff a decision asks for in a CRM that holds reps' tasks, if any: an SQL (from its SLA
 * start), an MQL of a tier the rulebook hands off, or a person held at MQL for missing fields.
 */
export function wantedHandoff(decision: Decision, rulebook: Rulebook): { tag: HandoffTag; startIso: string } | null {
  if (decision.stage === 'sql' && decision.slaStartAt) return { tag: 'sql', startIso: decision.slaStartAt };
  if (decision.stage !== 'mql') return null;
  const enteredMql = decision.enteredAt.mql;
  if (!enteredMql) return null;
  if (decision.heldForHandoff && decision.missingForHandoff.length > 0) return { tag: 'held', startIso: enteredMql };
  const tier = rulebook.stages.mql.tiers.find((t) => t.id === decision.mqlTier);
  return tier?.handoff ? { tag: 'mql', startIso: enteredMql } : null;
}

export interface OpenHandoffInput {
  repos: Pick<Repositories, 'sla' | 'tasks'>;
  planner: HandoffPlanner;
  installation: Installation;
  person: Person;
  decision: Decision;
  rulebook: Rulebook;
  wanted: { tag: HandoffTag; startIso: string };
}

/**
 * Creates the handoff and its first task, each under its key, so a retry (or a run that died in
 * between) finds both and makes neither twice. The owner and the due time are decided once, when
 * the handoff is created; a later run reuses what was stored.
 */
export async function openHandoff(input: OpenHandoffInput): Promise<{ handoff: SlaHandoff; created: boolean; taskReserved: boolean }> {
  const { repos, installation, decision, rulebook, wanted } = input;
  const key = handoffKey(decision.personId, wanted.tag, wanted.startIso);
  let handoff = await repos.sla.getByKey(installation.id, key);
  let created = false;
  if (!handoff) {
    const startMs = Date.parse(wanted.startIso);
    const firstTouchMs = parseDuration(rulebook.sla.first_touch);
    let ownerId: string | null;
    let assignment;
    let note: string | null;
    if (wanted.tag === 'held') {
      // marketing completes what sales needs; owner ids are per CRM
      ownerId = rulebook.handoff.marketing_owner?.[installation.provider] ?? null;
      const missing = `held: missing ${decision.missingForHandoff.join(', ')}`;
      note = ownerId ? missing : `${missing}; unassigned: the rulebook names no handoff.marketing_owner for ${installation.provider}`;
      assignment = { source: ownerId ? ('record' as const) : ('none' as const), team: null, timeZone: (await input.planner.assign(context(input))).timeZone };
    } else {
      const assigned = await input.planner.assign(context(input));
      ownerId = assigned.ownerId;
      note = assigned.note ?? (ownerId ? null : 'unassigned: no owner could be found for this record');
      assignment = assigned;
    }
    const dueMs = input.planner.dueAt(startMs, firstTouchMs, assignment.timeZone, workingHoursOf(rulebook));
    const result = await repos.sla.createHandoffIfAbsent(installation.id, {
      personId: decision.personId,
      handoffKey: key,
      kind: wanted.tag === 'held' ? 'held' : 'handoff',
      startedAt: wanted.startIso,
      firstTouchDueAt: new Date(dueMs).toISOString(),
      ownerId,
      ownerSource: assignment.source,
      team: assignment.team,
      timeZone: assignment.timeZone,
      // the sla job first looks when the first touch is due (the next step, the escalation clock)
      nextDueAt: wanted.tag === 'held' ? null : new Date(dueMs).toISOString(),
      nextStep: 1,
      note,
      rulebookVersion: decision.rulebookVersion,
    });
    handoff = result.handoff;
    created = result.created;
  }
  const task = await repos.tasks.createTaskIfAbsent(installation.id, {
    handoffKey: key,
    personId: decision.personId,
    dueAt: handoff.firstTouchDueAt,
    slaHandoffId: handoff.id,
    kind: handoff.kind === 'held' ? 'held' : 'first_touch',
    step: handoff.kind === 'held' ? null : 0,
    ownerId: handoff.ownerId,
    subject: handoff.kind === 'held' ? `Complete before handoff (${decision.missingForHandoff.join(', ')})` : null,
  });
  return { handoff, created, taskReserved: task.created || task.task.status === 'pending' };
}

function context(input: OpenHandoffInput) {
  return { workspaceId: input.installation.workspaceId, installationId: input.installation.id, person: input.person, recordOwnerId: input.person.ownerId ?? null };
}
