import { compileRulebook, type Engine } from '../engine/engine';
import { parseRulebook } from '../rulebook/load';
import type { Store } from '../store';

/**
 * One compiled engine per published rulebook version and workspace time zone: compiling is the
 * expensive part, scoring a person is not. A publish changes the version id, and a new zone
 * (scores fade at the workspace's midnight) compiles anew, so the next score job picks either up.
 */
export function createEngineCache(store: Store): (workspaceId: string) => Promise<Engine> {
  const engines = new Map<string, Engine>();
  return async (workspaceId) => {
    const [published, timeZone] = await Promise.all([store.rulebooks.getPublished(workspaceId), store.workspaces.getTimeZone(workspaceId)]);
    if (!published) throw new Error(`workspace ${workspaceId} has no published rulebook`);
    const key = `${published.id}\u0000${timeZone}`;
    let engine = engines.get(key);
    if (!engine) {
      engine = compileRulebook(parseRulebook(published.yaml, `rulebook ${published.versionLabel}`), { timeZone });
      engines.set(key, engine);
    }
    return engine;
  };
}
