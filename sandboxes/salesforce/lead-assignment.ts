/**
 * The org's active lead assignment rule, run on Lead creates and updates when the
 * `Sforce-Auto-Assign` header is TRUE or absent (REST API's default is TRUE, so a plain update of
 * a score field re-runs assignment unless the caller sends FALSE). The rule: a lead owned by a
 * queue goes to the next active member of that queue, round-robin; leads owned by users keep
 * their owner.
 */
import { KEY_PREFIXES } from './ids';
import type { OrgStore, Row } from './org-store';

export class LeadAssignment {
  private readonly next = new Map<string, number>();

  constructor(private readonly store: OrgStore) {}

  /** The user the rule gives this lead, or undefined when the rule leaves it alone. */
  ownerFor(lead: Row): string | undefined {
    const owner = lead.OwnerId;
    if (typeof owner !== 'string' || !owner.startsWith(KEY_PREFIXES.Group)) return undefined;
    const members = this.activeMembers(owner);
    if (members.length === 0) return undefined;
    const turn = this.next.get(owner) ?? 0;
    this.next.set(owner, turn + 1);
    return members[turn % members.length];
  }

  private activeMembers(queueId: string): string[] {
    const users = this.store.table('User')!;
    const members: string[] = [];
    for (const member of this.store.rows('GroupMember', { includeDeleted: false })) {
      if (member.GroupId !== queueId) continue;
      const user = users.rows.get(member.UserOrGroupId as string);
      if (user?.IsActive === true) members.push(user.Id as string);
    }
    return members;
  }
}

/** `Sforce-Auto-Assign`: TRUE, FALSE (any case) or an AssignmentRule id; absent means TRUE. */
export function autoAssignRequested(header: string | undefined): boolean {
  return header === undefined || header.trim().toUpperCase() !== 'FALSE';
}
