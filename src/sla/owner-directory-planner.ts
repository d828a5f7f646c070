/**
 * The HandoffPlanner (handoff-planner.ts) on the owner directory: each installation's CRM owners,
 * cached in the store (migration 014) and read again from the CRM at most every `refreshEveryMs`,
 * never per handoff; the rulebook's assignment rules; the working-hours calendar.
 *
 * Who gets a handoff:
 * 1. The record owner of this installation's record, when the directory lists them as active.
 *    The canonical person's ownerId is one field shared by every CRM a person is in, so an id is
 *    only taken as this record's owner when this installation's own owner list knows it: another
 *    CRM's owner id, a queue, or a rep who left, goes on to the rules.
 * 2. Else the first assignment rule that yields an owner (assignment.ts); a team's turn is taken
 *    in the store, atomically, so concurrent workers never hand the same turn twice.
 * 3. Else nobody, with a note the SLA job writes on the record and the console shows.
 * The clock runs in the owner's zone where the CRM knows it, else the workspace's.
 */
import type { CrmConnector } from '../connector/crm-connector';
import type { ConnectorRegistry } from '../connector/connector-registry';
import type { Logger } from '../log/logger';
import type { Rulebook } from '../rulebook/schema';
import type { Installation, Store } from '../store';
import { isTimeZone } from '../util/time-zone.util';
import { chooseAssignment, pickTurn } from './assignment';
import type { CrmOwner, HandoffAssignment, HandoffContext, HandoffPlanner } from './handoff-planner';
import { addWorkingTime, DEFAULT_WORKING_HOURS, type WorkingHours } from './working-hours';

/** How long a read of the CRM's owners serves before the next handoff reads them again. */
export const OWNER_DIRECTORY_REFRESH_MS = 6 * 3_600_000;
/** How far up the management chain an escalation looks for an active manager. */
const MAX_MANAGER_HOPS = 5;

export interface OwnerDirectoryPlannerDeps {
  store: Store;
  /** Injected time (ms): when the directory is stale. */
  clock: () => number;
  logger: Logger;
  connectors: ConnectorRegistry;
  installation(workspaceId: string, installationId: string): Promise<Installation>;
  connectorFor(installation: Installation): Promise<CrmConnector>;
  /** The workspace's published rulebook (its assignment rules and escalation target). */
  rulebookFor(workspaceId: string): Promise<Rulebook>;
  refreshEveryMs?: number;
}

/** What the directory knows: `known` false when the CRM cannot list its owners for this installation. */
interface Directory {
  known: boolean;
  owners: CrmOwner[];
}

export class OwnerDirectoryPlanner implements HandoffPlanner {
  /** One refresh at a time per installation in this process (a burst of handoffs reads the CRM once). */
  private readonly refreshing = new Map<string, Promise<Directory>>();

  constructor(private readonly deps: OwnerDirectoryPlannerDeps) {}

  async assign(context: HandoffContext): Promise<HandoffAssignment> {
    const { workspaceId, installationId, person } = context;
    const installation = await this.deps.installation(workspaceId, installationId);
    const crm = this.crmLabel(installation);
    const [rulebook, workspaceZone, directory] = await Promise.all([
      this.deps.rulebookFor(workspaceId),
      this.deps.store.workspaces.getTimeZone(workspaceId),
      this.directory(installation),
    ]);
    const byId = new Map(directory.owners.map((owner) => [owner.id, owner]));
    const zoneOf = (ownerId: string): string => {
      const zone = byId.get(ownerId)?.timeZone;
      return zone && isTimeZone(zone) ? zone : workspaceZone;
    };
    const why: string[] = [];

    // without the record's own owner, the person's shared ownerId counts only when this CRM lists it
    const sharedOwnerId = person.ownerId?.trim() || null;
    const recordOwnerId = context.recordOwnerId?.trim() || (sharedOwnerId !== null && directory.known && byId.has(sharedOwnerId) ? sharedOwnerId : null);
    if (recordOwnerId !== null) {
      const owner = byId.get(recordOwnerId);
      if (!directory.known || owner?.active) {
        // a CRM that cannot list its owners: the record's own owner is all there is to go by
        return { ownerId: recordOwnerId, source: 'record', team: owner?.teams[0] ?? null, timeZone: zoneOf(recordOwnerId), note: null };
      }
      why.push(owner ? `the record owner ${recordOwnerId} is inactive` : `the record owner ${recordOwnerId} is not a ${crm} owner`);
    }

    if (rulebook.assignment && directory.known) {
      const decision = chooseAssignment({
        provider: installation.provider, country: person.country, ipCountry: person.ipCountry, owners: directory.owners, rules: rulebook.assignment.rules,
      });
      if (decision.kind === 'owner') {
        return { ownerId: decision.ownerId, source: decision.source, team: null, timeZone: zoneOf(decision.ownerId), note: null };
      }
      if (decision.kind === 'team') {
        const turn = await this.deps.store.owners.nextTurn(workspaceId, installationId, decision.team);
        const ownerId = pickTurn(decision.members, turn);
        return { ownerId, source: decision.source, team: decision.team, timeZone: zoneOf(ownerId), note: null };
      }
      why.push(...decision.trail);
    } else if (rulebook.assignment) {
      why.push(`${crm} does not let Leadstage list its owners, so the assignment rules cannot run`);
    } else if (recordOwnerId === null) {
      why.push('the record has no owner and the rulebook has no assignment rules');
    }
    return { ownerId: null, source: 'none', team: null, timeZone: workspaceZone, note: `no owner: assign one in ${crm}${why.length > 0 ? ` (${why.join('; ')})` : ''}` };
  }

  dueAt(startMs: number, durationMs: number, timeZone: string, hours: WorkingHours = DEFAULT_WORKING_HOURS): number {
    if (!isTimeZone(timeZone)) throw new Error(`dueAt: "${timeZone}" is not an IANA time zone (such as "Europe/Berlin")`);
    return addWorkingTime(startMs, durationMs, timeZone, hours);
  }

  async escalationOwner(installationId: string, ownerId: string | null): Promise<string | null> {
    const workspaceId = await this.deps.store.owners.workspaceOf(installationId);
    if (workspaceId === null) return null;
    const installation = await this.deps.installation(workspaceId, installationId);
    const [rulebook, directory] = await Promise.all([this.deps.rulebookFor(workspaceId), this.directory(installation)]);
    const to = rulebook.sla.escalation.to;
    const target = to === 'manager' ? 'manager' : (to[installation.provider] ?? null);
    if (target === null) return null;
    const byId = new Map(directory.owners.map((owner) => [owner.id, owner]));
    if (target !== 'manager') {
      if (directory.known && !byId.get(target)?.active) {
        this.deps.logger.warn('the rulebook escalates to an owner who is not an active owner of this CRM', { installationId, ownerId: target });
        return null;
      }
      return target;
    }
    // the nearest active manager up the chain (a manager who left hands on to theirs)
    let current = ownerId === null ? undefined : byId.get(ownerId);
    for (let hop = 0; hop < MAX_MANAGER_HOPS && current?.managerId; hop++) {
      const manager = byId.get(current.managerId);
      if (!manager) return null;
      if (manager.active) return manager.id;
      current = manager;
    }
    return null;
  }

  /** The installation's owners: the cached list while it is fresh, else read again from the CRM. */
  private async directory(installation: Installation): Promise<Directory> {
    const cached = await this.deps.store.owners.directory(installation.id);
    const refreshEvery = this.deps.refreshEveryMs ?? OWNER_DIRECTORY_REFRESH_MS;
    if (cached.refreshedAt !== null && this.deps.clock() - Date.parse(cached.refreshedAt) < refreshEvery) {
      return { known: cached.listed, owners: cached.owners };
    }
    let pending = this.refreshing.get(installation.id);
    if (!pending) {
      pending = this.refresh(installation, cached.refreshedAt === null ? null : { known: cached.listed, owners: cached.owners }).finally(() => this.refreshing.delete(installation.id));
      this.refreshing.set(installation.id, pending);
    }
    return pending;
  }

  private async refresh(installation: Installation, stale: Directory | null): Promise<Directory> {
    const connector = await this.deps.connectorFor(installation);
    if (!connector.listOwners) return { known: false, owners: [] };
    let owners: CrmOwner[] | null;
    try {
      owners = await connector.listOwners();
    } catch (error) {
      // a stale list beats no list; without one, the handoff waits for the job's retry
      if (stale === null) throw error;
      this.deps.logger.warn('reading the CRM owners failed; the cached list is used', { installationId: installation.id, error: (error as Error).message });
      return stale;
    }
    const now = new Date(this.deps.clock());
    const listed = owners;
    // a CRM that will not list its owners is remembered too: asked again at the next refresh, not per handoff
    await this.deps.store.transaction((repos) => repos.owners.replace(installation.workspaceId, installation.id, listed, now));
    return { known: listed !== null, owners: listed ?? [] };
  }

  private crmLabel(installation: Installation): string {
    return this.deps.connectors.has(installation.provider) ? this.deps.connectors.get(installation.provider).label : installation.provider;
  }
}
