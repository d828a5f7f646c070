/** `leadstage workspace time-zone`: the zone scores fade in, shown and set, validated as an IANA name. */
import { UsageError } from '../../src/cli/cli-error';
import { workspaceTimeZoneCommand } from '../../src/cli/commands/workspace-time-zone.command';
import { loadEnv } from '../../src/config/env';
import type { Store, Workspace } from '../../src/store';

/** The part of the store the command uses, kept in memory: the workspace repository's reads and its zone setter. */
function memoryStore(workspaces: Workspace[]): Store & { closed: number } {
  const fake = {
    closed: 0,
    workspaces: {
      get: async (id: string) => workspaces.find((w) => w.id === id) ?? null,
      list: async (limit: number) => workspaces.slice(0, limit),
      getTimeZone: async (id: string) => workspaces.find((w) => w.id === id)?.timeZone ?? 'UTC',
      setTimeZone: async (id: string, zone: string) => {
        const found = workspaces.find((w) => w.id === id);
        if (found) found.timeZone = zone;
      },
    },
    close: async () => {
      fake.closed++;
    },
  };
  return fake as unknown as Store & { closed: number };
}

describe('leadstage workspace time-zone', () => {
  const workspaceId = '5b0e4a8e-3f7c-4c1e-9a51-2d6f0c9b7e11';
  const store = memoryStore([{ id: workspaceId, name: 'Acme', timeZone: 'UTC', createdAt: new Date(0) } as unknown as Workspace]);
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
  const command = workspaceTimeZoneCommand({ open: async () => store, env: () => loadEnv({}) });

  beforeEach(() => {
    out.length = 0;
    err.length = 0;
  });

  it('shows UTC until an admin sets a zone, then the zone set', async () => {
    expect(await command([], io)).toBe(0);
    expect(out).toEqual(['UTC']);
    expect(await command(['--set', 'Europe/Berlin'], io)).toBe(0);
    expect(out[1]).toBe(`workspace ${workspaceId} (Acme): time zone UTC → Europe/Berlin`);
    expect(await store.workspaces.getTimeZone(workspaceId)).toBe('Europe/Berlin');
    expect(await command(['--workspace', workspaceId], io)).toBe(0);
    expect(out[2]).toBe('Europe/Berlin');
    // the command closes the store it opened, every time
    expect(store.closed).toBe(3);
  });

  it('refuses a zone that is no IANA name, naming it and what is expected, and changes nothing', async () => {
    await expect(command(['--set', 'Mars/Olympus'], io)).rejects.toThrow(UsageError);
    await expect(command(['--set', 'CEST+2'], io)).rejects.toThrow(/--set: "CEST\+2" is not a time zone: expected an IANA name such as "Europe\/Berlin"/);
    expect(await store.workspaces.getTimeZone(workspaceId)).toBe('Europe/Berlin');
  });

  it('names a workspace id that is not one', async () => {
    await expect(command(['--workspace', 'acme'], io)).rejects.toThrow(/--workspace: "acme" is not a workspace id/);
    expect(await command(['--workspace', '00000000-0000-4000-8000-000000000000'], io)).toBe(1);
    expect(err[0]).toMatch(/no workspace 00000000-0000-4000-8000-000000000000/);
  });
});
