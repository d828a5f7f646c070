/**
 * The portal's owners (`GET /crm/v3/owners`, paged by `after`, 500 a page) as CrmOwners: who may own
 * a contact and a task. HubSpot keeps no time zone and no manager on an owner, so both are null and
 * the SLA clock runs in the workspace's zone; teams are the round-robin pools. Owners of type QUEUE
 * are not people and are left out.
 */
import type { CrmOwner } from '../../../src/sla/handoff-planner';
import { HubSpotApiError } from '../hubspot-api-error';
import type { HubSpotHttp } from '../hubspot-http';

interface HubSpotOwner {
  id: string;
  email?: string | null;
  type?: 'PERSON' | 'QUEUE';
  firstName?: string | null;
  lastName?: string | null;
  archived?: boolean;
  teams?: { id: string; name: string; primary?: boolean }[];
}

interface OwnersPage {
  results: HubSpotOwner[];
  paging?: { next?: { after: string } };
}

const PAGE_SIZE = 500;
/** A portal with more owners than this is a loop on a cursor that never ends, not a sales team. */
const MAX_PAGES = 100;

/** null: the installation was granted no `crm.objects.owners.read` (an optional scope): HubSpot answers 403. */
export async function listHubSpotOwners(http: HubSpotHttp): Promise<CrmOwner[] | null> {
  try {
    return await readOwners(http);
  } catch (error) {
    if (error instanceof HubSpotApiError && error.status === 403) return null;
    throw error;
  }
}

async function readOwners(http: HubSpotHttp): Promise<CrmOwner[]> {
  const owners: CrmOwner[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const qs: Record<string, string> = { limit: String(PAGE_SIZE), archived: 'false', ...(after ? { after } : {}) };
    const body = await http.json<OwnersPage>('standard', 'GET /crm/v3/owners', { method: 'GET', path: '/crm/v3/owners', qs });
    for (const owner of body.results ?? []) {
      if (owner.type === 'QUEUE') continue;
      owners.push(toCrmOwner(owner));
    }
    after = body.paging?.next?.after;
    if (!after) return owners;
  }
  throw new Error(`GET /crm/v3/owners: still paging after ${MAX_PAGES} pages of ${PAGE_SIZE}`);
}

export function toCrmOwner(owner: HubSpotOwner): CrmOwner {
  const name = [owner.firstName, owner.lastName].filter((part) => typeof part === 'string' && part.trim() !== '').join(' ');
  // the primary team first: it is the pool an owner is counted in when a rule names no team
  const teams = [...(owner.teams ?? [])].sort((a, b) => Number(b.primary === true) - Number(a.primary === true)).map((team) => team.name);
  return {
    id: String(owner.id),
    name: name === '' ? null : name,
    email: owner.email ?? null,
    timeZone: null,
    managerId: null,
    teams,
    active: owner.archived !== true,
  };
}
