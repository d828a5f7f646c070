import type { Rulebook } from '../rulebook/schema';
import type { HandoffAssignment, HandoffContext, HandoffPlanner } from './handoff-planner';

/**
 * The planner used when no owner directory is wired in (JobDeps.handoffPlanner absent): the
 * record's owner works the handoff, the SLA clock runs in calendar time in the workspace's zone,
 * and an overdue first touch goes to the rulebook's escalation owner for this CRM, if it names one.
 * It never picks someone at random: no owner means an unassigned task with a note saying so.
 */
export interface RecordOwnerPlannerOptions {
  /** The installation's provider: owner ids in the rulebook are per CRM. */
  provider: string;
  rulebook: Rulebook;
  /** The workspace's IANA zone (store.workspaces.getTimeZone). */
  workspaceTimeZone: string;
}

export function recordOwnerPlanner(options: RecordOwnerPlannerOptions): HandoffPlanner {
  return {
    async assign(context: HandoffContext): Promise<HandoffAssignment> {
      const ownerId = context.recordOwnerId;
      return {
        ownerId,
        source: ownerId ? 'record' : 'none',
        team: null,
        timeZone: options.workspaceTimeZone,
        note: ownerId ? null : 'unassigned: the record has no owner and no assignment rule applies',
      };
    },
    dueAt(startMs: number, durationMs: number): number {
      return startMs + durationMs;
    },
    async escalationOwner(): Promise<string | null> {
      // `to: manager` needs a directory of managers, which this planner does not have
      const to = options.rulebook.sla.escalation.to;
      const owner = to === 'manager' ? null : to[options.provider];
      return owner && owner !== 'manager' ? owner : null;
    },
  };
}
