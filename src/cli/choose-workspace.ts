import type { Store, Workspace } from '../store';
import { UsageError } from './cli-error';

/**
 * The workspace a command works on: the one named by --workspace, or the only one in the store. With
 * several and none named, a UsageError lists (up to 20 of) them so the user can pick one.
 */
export async function chooseWorkspace(store: Store, workspaceId: string | null, options: { nothing: string; usage: string }): Promise<Workspace> {
  if (workspaceId) {
    const found = await store.workspaces.get(workspaceId);
    if (!found) throw new Error(`no workspace ${workspaceId} in this store`);
    return found;
  }
  const all = await store.workspaces.list(21);
  if (all.length === 1) return all[0]!;
  if (all.length === 0) throw new Error(`this store has no workspace: ${options.nothing}`);
  const listed = all.slice(0, 20).map((w) => `  ${w.id}  ${w.name}`);
  throw new UsageError(`this store has ${all.length > 20 ? 'more than 20' : all.length} workspaces: name one with --workspace <id>\n${listed.join('\n')}\n${options.usage}`);
}
