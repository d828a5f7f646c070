import { compileRulebook, type Engine } from '../engine/engine';
import { parseRulebook } from '../rulebook/load';
import type { Store } from '../store';

/**
 * One compiled engine per published rulebook version: compiling is the expensive part, scoring a
 * person is not. A publish changes the version id, so the next score job picks it up.
 */
export function createEngineCache(store: Store): (workspaceId: string) => Promise<Engine> {
  const engines = new Map<string, Engine>();
  return async (workspaceId) => {
    const published = await store.rulebooks.getPublished(workspaceId);
    if (!published) throw new Error(`workspace ${workspaceId} has no published rulebook`);
    let engine = engines.get(published.id);
    if (!engine) {
      engine = compileRulebook(parseRulebook(published.yaml, `rulebook ${published.versionLabel}`));
      engines.set(published.id, engine);
    }
    return engine;
  };
}
