/**
 * The rulebook's assignment rules (`assignment.rules`, SPEC.md §3.10) applied to one handoff whose
 * record has no active owner. Pure: the owner list and the round-robin turn come in; which turn a
 * team is on is the store's (one atomic counter per installation and team), so this module only
 * says which rule applies and who the turn falls to.
 *
 * Rules are tried in order and the first that yields an owner wins:
 * - `territory` matches when the person's country (else the country of their IP) is listed; it
 *   yields its owner for this CRM if that owner is in the directory and active, or its team's turn.
 * - `round_robin` always matches; it yields its team's turn.
 * - A team yields a turn only when it has active owners in this installation; an empty team (or an
 *   owner who left) passes on to the next rule, and says so in the trail.
 */
import type { AssignmentRule } from '../rulebook/assignment-schema';
import type { CrmOwner } from './handoff-planner';

export interface AssignmentInput {
  /** The installation's provider id: which of a rule's per-CRM owners applies. */
  provider: string;
  country: string | null | undefined;
  ipCountry?: string | null | undefined;
  owners: readonly CrmOwner[];
  rules: readonly AssignmentRule[];
}

export type AssignmentDecision =
  /** A named owner (a territory's). */
  | { kind: 'owner'; ruleId: string; source: 'territory'; ownerId: string; team: null; trail: string[] }
  /** The next turn of a team: `members` in a stable order, the turn picks one (pickTurn). */
  | { kind: 'team'; ruleId: string; source: 'round_robin' | 'territory'; team: string; members: string[]; trail: string[] }
  /** No rule yields an owner; the trail says why each did not. */
  | { kind: 'none'; trail: string[] };

/** The active owners of a team in this installation, by id (the round-robin order). Team names compare case-insensitively. */
export function teamMembers(owners: readonly CrmOwner[], team: string): string[] {
  const wanted = team.trim().toLowerCase();
  return owners
    .filter((owner) => owner.active && owner.teams.some((name) => name.trim().toLowerCase() === wanted))
    .map((owner) => owner.id)
    .sort();
}

/** Turn n (1, 2, 3, …) of a team falls to its members in order, round and round. */
export function pickTurn(members: readonly string[], turn: number): string {
  if (members.length === 0) throw new Error('pickTurn: the team has no members');
  if (!Number.isInteger(turn) || turn < 1) throw new Error(`pickTurn: turn ${turn} (expected an integer ≥ 1)`);
  return members[(turn - 1) % members.length]!;
}

export function chooseAssignment(input: AssignmentInput): AssignmentDecision {
  const trail: string[] = [];
  const country = (input.country ?? input.ipCountry ?? null)?.toUpperCase() ?? null;
  const active = new Set(input.owners.filter((owner) => owner.active).map((owner) => owner.id));

  const team = (rule: AssignmentRule, name: string, source: 'round_robin' | 'territory'): AssignmentDecision | null => {
    const members = teamMembers(input.owners, name);
    if (members.length > 0) return { kind: 'team', ruleId: rule.id, source, team: name, members, trail };
    trail.push(`${rule.id}: team "${name}" has no active owner`);
    return null;
  };

  for (const rule of input.rules) {
    if (rule.round_robin) {
      const decision = team(rule, rule.round_robin.team, 'round_robin');
      if (decision) return decision;
      continue;
    }
    const territory = rule.territory;
    if (!territory) continue;
    if (country === null || !territory.countries.includes(country)) continue;
    if (territory.team !== undefined) {
      const decision = team(rule, territory.team, 'territory');
      if (decision) return decision;
      continue;
    }
    const ownerId = territory.owner?.[input.provider];
    if (ownerId === undefined) {
      trail.push(`${rule.id}: names no owner for ${input.provider}`);
    } else if (!active.has(ownerId)) {
      trail.push(`${rule.id}: owner ${ownerId} is not an active owner`);
    } else {
      return { kind: 'owner', ruleId: rule.id, source: 'territory', ownerId, team: null, trail };
    }
  }
  return { kind: 'none', trail };
}
