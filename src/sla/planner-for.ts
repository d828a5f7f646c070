import type { Rulebook } from '../rulebook/schema';
import type { Installation, Store } from '../store';
import type { HandoffPlanner } from './handoff-planner';
import { recordOwnerPlanner } from './record-owner-planner';

/** The wired-in planner (the owner directory), else the record-owner fallback for this installation. */
export async function plannerFor(wired: HandoffPlanner | undefined, store: Pick<Store, 'workspaces'>, installation: Installation, rulebook: Rulebook): Promise<HandoffPlanner> {
  if (wired) return wired;
  return recordOwnerPlanner({ provider: installation.provider, rulebook, workspaceTimeZone: await store.workspaces.getTimeZone(installation.workspaceId) });
}
