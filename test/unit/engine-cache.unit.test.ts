/** The engine cache compiles the published rulebook with the workspace's time zone, once per version and zone. */
import { readFileSync } from 'node:fs';
import { createEngineCache } from '../../src/app/engine-cache';
import type { Store } from '../../src/store';

describe('engine cache', () => {
  const yaml = readFileSync('config/rulebook.default.yaml', 'utf8');
  const zones = new Map<string, string>();
  let lookups = 0;
  // the two reads the cache makes, kept in memory
  const store = {
    rulebooks: {
      getPublished: async (workspaceId: string) => {
        lookups++;
        return workspaceId === 'ws-none' ? null : { id: `rb-${workspaceId}`, versionLabel: 'v1', yaml };
      },
    },
    workspaces: { getTimeZone: async (workspaceId: string) => zones.get(workspaceId) ?? 'UTC' },
  } as unknown as Store;

  it('gives each workspace an engine in its own zone, and compiles again when the zone changes', async () => {
    const engineFor = createEngineCache(store);
    zones.set('ws-berlin', 'Europe/Berlin');
    const berlin = await engineFor('ws-berlin');
    expect(berlin.timeZone).toBe('Europe/Berlin');
    expect((await engineFor('ws-utc')).timeZone).toBe('UTC');
    // the same version and zone: the same compiled engine
    expect(await engineFor('ws-berlin')).toBe(berlin);
    zones.set('ws-berlin', 'America/New_York');
    const newYork = await engineFor('ws-berlin');
    expect(newYork).not.toBe(berlin);
    expect(newYork.timeZone).toBe('America/New_York');
    expect(lookups).toBe(4);
  });

  it('names a workspace with no published rulebook', async () => {
    await expect(createEngineCache(store)('ws-none')).rejects.toThrow('workspace ws-none has no published rulebook');
  });
});
