import type { Person } from '../model/person';

/**
 * The seam between the SLA job (src/sla/, jobs/sla.job.ts) and what it needs to know about the
 * people who work a handoff: who owns it, in which time zone and working hours its clock runs, and
 * who hears of it when it is late. The SLA job owns the state machine; the planner owns the
 * directory (CRM owners, teams, managers) and the calendar.
 */

/** A CRM user who can own records and tasks, as the connector reads it (connectors never share ids). */
export interface CrmOwner {
  id: string;
  name: string | null;
  email: string | null;
  /** IANA zone where the CRM knows it (a CRM user's own time zone setting), else null. */
  timeZone: string | null;
  /** The owner's manager in the same CRM (the CRM user's manager field), else null. */
  managerId: string | null;
  /** Team names (the CRM's owner teams, roles or queues): the round-robin pools. */
  teams: string[];
  active: boolean;
}

/** Who works a handoff and why: written on the record and shown on the console when nobody does. */
export interface HandoffAssignment {
  ownerId: string | null;
  /** 'record': the CRM record's owner; 'round_robin' / 'territory': the rulebook's assignment rule; 'none': nobody. */
  source: 'record' | 'round_robin' | 'territory' | 'none';
  team: string | null;
  /** The zone the SLA clock runs in: the owner's where the CRM knows it, else the workspace's. */
  timeZone: string;
  /** Said on the record and the console when the task goes out unassigned. */
  note: string | null;
}

export interface HandoffContext {
  workspaceId: string;
  installationId: string;
  person: Person;
  /** The record owner of this person's record in this installation (owner ids are per CRM). */
  recordOwnerId: string | null;
}

export interface HandoffPlanner {
  /** The owner of a new handoff: the record owner, else the rulebook's assignment rule, else nobody (with a note). */
  assign(context: HandoffContext): Promise<HandoffAssignment>;
  /** `startMs` plus `durationMs` of working time in `timeZone` (calendar time for durations of a day or more). */
  dueAt(startMs: number, durationMs: number, timeZone: string): number;
  /** Who hears of an overdue first touch: the owner's manager, or the rulebook's escalation owner, else null. */
  escalationOwner(installationId: string, ownerId: string | null): Promise<string | null>;
}
