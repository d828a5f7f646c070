import type { JobDeps } from './job-deps';
import type { Decision } from '../src/model/decision';
import type { EngagementEvent } from '../src/model/event';
import type { Person } from '../src/model/person';
import { EVENT_LABELS } from '../src/engine/event-labels';
import type { TasksJobData } from '../src/queue/job-data';
import type { CrmTask } from '../src/connector/crm-connector';
import type { SlaHandoff, TaskRecord } from '../src/store';
import { writeTargets } from '../src/sync/write-targets';
import { recordConnectorProblems } from '../src/sync/installation-problems';

/** Tasks per create call when the connector does not say (CrmConnector.writeBatchSize). */
const DEFAULT_BATCH = 100;

/**
 * `tasks`: create the reserved rep tasks in the CRM, in batches. The task row was reserved under its
 * handoff key before this job ran, and the connector also checks the CRM for the key, so a retry
 * or a restart never creates a second task for the same handoff.
 */
export async function runTasksJob(data: TasksJobData, deps: JobDeps): Promise<{ created: number; failed: number }> {
  // two runs side by side (a delayed run coming back while a newer one works, a lapsed job lock)
  // would both search the CRM before either created: one at a time per installation
  return deps.exclusive ? deps.exclusive.withLock(`tasks-${data.installationId}`, () => createPendingTasks(data, deps)) : createPendingTasks(data, deps);
}

async function createPendingTasks(data: TasksJobData, deps: JobDeps): Promise<{ created: number; failed: number }> {
  const { store } = deps;
  const installation = await deps.installation(data.workspaceId, data.installationId);
  const connector = await deps.connectorFor(installation);
  let created = 0;
  let failed = 0;
  let retry = false;

  const batch = connector.writeBatchSize ?? DEFAULT_BATCH;
  const pending = await store.tasks.listPendingTasks(installation.id, batch);
  const tasks: Array<{ id: string; task: CrmTask }> = [];
  for (const record of pending) {
    const input = await store.state.loadPersonForScoring(data.workspaceId, record.personId);
    const identity = writeTargets(await store.people.listIdentities(data.workspaceId, record.personId)).find((i) => i.installationId === installation.id);
    if (!input || !identity || (identity.objectType !== 'contact' && identity.objectType !== 'lead')) {
      await store.tasks.markTaskFailed(installation.id, record.id, 'the person no longer has a record in this CRM');
      failed++;
      continue;
    }
    const decision = input.state?.decision ?? null;
    const handoff = record.slaHandoffId ? await store.sla.get(installation.id, record.slaHandoffId) : null;
    tasks.push({
      id: record.id,
      task: {
        key: record.handoffKey,
        crmId: identity.crmId,
        objectType: identity.objectType,
        // a handoff's task goes to whom the planner chose when it was reserved (null: unassigned, said in the body)
        ownerId: handoff ? record.ownerId : (input.person.ownerId ?? null),
        subject: record.subject ? `${record.subject}: ${personName(input.person)}` : taskSubject(input.person, decision),
        body: [handoffLines(record, handoff, decision), taskBody(decision, input.events)].filter(Boolean).join('\n'),
        dueAt: record.dueAt,
        priority: record.kind === 'escalation' || decision?.priority === 'hot' ? 'high' : decision?.priority === 'warm' ? 'medium' : 'low',
        type: await taskType(deps, data.workspaceId, record),
      },
    });
  }
  if (tasks.length > 0) {
    let outcomes;
    try {
      outcomes = await connector.createTasks(tasks.map((t) => t.task));
    } finally {
      await recordConnectorProblems(store, installation, connector, deps.clock(), deps.logger);
    }
    for (const [index, outcome] of outcomes.entries()) {
      const { id } = tasks[index]!;
      if (outcome.status === 'ok') {
        await store.tasks.markTaskCreated(installation.id, id, outcome.crmTaskId);
        created++;
      } else if (outcome.status === 'failed') {
        await store.tasks.markTaskFailed(installation.id, id, `${outcome.code}: ${outcome.error}`);
        failed++;
      } else retry = true;
    }
  }
  if (retry || pending.length === batch) await deps.enqueue.tasks(data, retry ? 15_000 : 0);
  return { created, failed };
}

function personName(person: Person): string {
  const name = [person.firstName, person.lastName].filter(Boolean).join(' ') || person.email || 'new SQL';
  return `${name}${person.company ? ` (${person.company})` : ''}`;
}

/** A cadence step is the channel the rulebook names for it; everything else is a call or a to-do. */
async function taskType(deps: JobDeps, workspaceId: string, record: TaskRecord): Promise<CrmTask['type']> {
  if (record.kind === 'held' || record.kind === 'escalation') return 'todo';
  if (record.kind === 'cadence' && record.step !== null) return (await deps.engineFor(workspaceId)).rulebook.sla.cadence[record.step]?.channel ?? 'call';
  return 'call';
}

/** What the task is for, first: what is missing, what is overdue, and who should have it when nobody does. */
function handoffLines(record: TaskRecord, handoff: SlaHandoff | null, decision: Decision | null): string {
  const lines: string[] = [];
  if (record.kind === 'held') lines.push(`Held for handoff: sales needs ${decision?.missingForHandoff.join(', ') || 'the required fields'} before this person is handed over.`);
  if (record.kind === 'escalation' && handoff) {
    lines.push(`The first touch was due ${handoff.firstTouchDueAt.slice(0, 16).replace('T', ' ')} UTC and nobody has logged a call, email or meeting.`);
    lines.push(handoff.ownerId ? `Owner: ${handoff.ownerId}.` : 'Nobody owns this record.');
  }
  if (record.ownerId === null && handoff) lines.push(`Unassigned: ${handoff.note ?? 'no owner was found'}.`);
  return lines.join('\n');
}

function taskSubject(person: Person, decision: Decision | null): string {
  const name = [person.firstName, person.lastName].filter(Boolean).join(' ') || person.email || 'new SQL';
  // the reason they became SQL, even when later re-scores made no transition
  const why = decision?.history.findLast((entry) => entry.stage === 'sql')?.reason ?? 'sales-qualified lead';
  return `First touch: ${name}${person.company ? ` (${person.company})` : ''}: ${why}`;
}

/** The reasons and the recent activity, so the rep knows why before dialling (SPEC.md §4). */
function taskBody(decision: Decision | null, events: readonly EngagementEvent[]): string {
  const lines: string[] = [];
  if (decision) {
    lines.push(`Stage ${decision.stage.toUpperCase()}, priority ${decision.priority}, score ${decision.score} (fit ${decision.fit.score} ${decision.fit.grade}, engagement ${decision.engagement.score}).`);
    lines.push('Why:');
    for (const reason of decision.reasons) lines.push(`  ${reason.points >= 0 ? '+' : ''}${reason.points} ${reason.text}`);
  }
  const recent = [...events].sort((a, b) => (a.occurredAt < b.occurredAt ? 1 : -1)).slice(0, 5);
  if (recent.length > 0) {
    lines.push('Recent activity:');
    for (const event of recent) {
      const detail = event.properties.url ?? event.properties.formName ?? event.properties.assetTitle ?? '';
      lines.push(`  ${event.occurredAt.slice(0, 16).replace('T', ' ')} ${EVENT_LABELS[event.type]}${detail ? `: ${String(detail)}` : ''}`);
    }
  }
  return lines.join('\n');
}
