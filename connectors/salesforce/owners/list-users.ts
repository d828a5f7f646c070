/**
 * The org's users as CrmOwners: who may own a Lead, a Contact and a Task. Salesforce knows each
 * user's zone (TimeZoneSidKey, an IANA name or "GMT"), manager (ManagerId) and role, and the role
 * is the user's team. Standard users only: automated, guest and partner users never work a lead.
 */
import type { CrmOwner } from '../../../src/sla/handoff-planner';
import type { SalesforceApi, SfRecord } from '../salesforce-api.types';

interface UserRecord extends SfRecord {
  Id: string;
  Name: string | null;
  Email: string | null;
  TimeZoneSidKey: string | null;
  ManagerId: string | null;
  IsActive: boolean;
  UserRole: { Name: string | null } | null;
}

export const USERS_SOQL =
  "SELECT Id, Name, Email, TimeZoneSidKey, ManagerId, IsActive, UserRole.Name FROM User WHERE UserType = 'Standard' ORDER BY Id";

export async function listSalesforceUsers(api: Pick<SalesforceApi, 'query' | 'queryMore'>): Promise<CrmOwner[]> {
  const owners: CrmOwner[] = [];
  let page = await api.query<UserRecord>(USERS_SOQL);
  for (;;) {
    for (const record of page.records) owners.push(toCrmOwner(record));
    if (page.done || !page.nextRecordsUrl) return owners;
    page = await api.queryMore<UserRecord>(page.nextRecordsUrl);
  }
}

export function toCrmOwner(user: UserRecord): CrmOwner {
  const role = user.UserRole?.Name ?? null;
  return {
    id: user.Id,
    name: user.Name ?? null,
    email: user.Email ?? null,
    // "GMT" is Salesforce's name for UTC; every other value is an IANA zone
    timeZone: user.TimeZoneSidKey === 'GMT' ? 'UTC' : (user.TimeZoneSidKey ?? null),
    managerId: user.ManagerId ?? null,
    teams: role ? [role] : [],
    active: user.IsActive === true,
  };
}
