import { ConfigError, loadEnv, type Env } from '../../config/env';
import { createStore, type Store } from '../../store';
import { isTimeZone } from '../../util/time-zone.util';
import { UsageError } from '../cli-error';
import { chooseWorkspace } from '../choose-workspace';
import { parseOptions, type CommandHelp } from '../options';
import type { Command, CommandIo } from './command';

const USAGE = 'usage: leadstage workspace time-zone [--set <IANA zone>] [--workspace <id>]';

const HELP = `${USAGE}

Shows the workspace's time zone, or sets it with --set (an IANA name such as Europe/Berlin,
America/New_York or UTC). Scores fade by whole days at midnight in this zone, and the nightly
decay rescore runs just after it: the worker moves its schedule within a few minutes of a change.
--workspace may be left out when the deployment has a single workspace.

Reads DATABASE_URL (or the embedded store in LEADSTAGE_DATA_DIR: stop the worker first).`;

/** For `leadstage workspace time-zone --help`. */
export const WORKSPACE_TIME_ZONE_HELP: CommandHelp = { usage: USAGE, text: HELP };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface WorkspaceTimeZoneDeps {
  /** The store for this environment; closed by the command. */
  open(env: Env): Promise<Store>;
  env(): Env;
}

const defaultDeps: WorkspaceTimeZoneDeps = {
  open: (env) => createStore(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.LEADSTAGE_DATA_DIR }),
  env: () => loadEnv(),
};

/** `leadstage workspace time-zone`: reads or sets the zone scores fade in (SPEC.md §3.6). */
export function workspaceTimeZoneCommand(deps: WorkspaceTimeZoneDeps = defaultDeps): Command {
  return async (args: string[], io: CommandIo): Promise<number> => {
    const options = parseOptions(args, { set: { type: 'string' }, workspace: { type: 'string' } }, WORKSPACE_TIME_ZONE_HELP);
    const zone = typeof options.set === 'string' ? options.set.trim() : null;
    if (zone !== null && !isTimeZone(zone)) {
      throw new UsageError(`--set: "${zone.slice(0, 64)}" is not a time zone: expected an IANA name such as "Europe/Berlin", "America/New_York" or "UTC"\n${USAGE}`);
    }
    const workspaceId = typeof options.workspace === 'string' ? options.workspace : null;
    if (workspaceId !== null && !UUID.test(workspaceId)) throw new UsageError(`--workspace: "${workspaceId}" is not a workspace id (a UUID)\n${USAGE}`);

    let store: Store | null = null;
    try {
      store = await deps.open(deps.env());
      const workspace = await chooseWorkspace(store, workspaceId, { nothing: 'connect an installation first', usage: USAGE });
      if (zone === null) {
        io.out(`${await store.workspaces.getTimeZone(workspace.id)}`);
        return 0;
      }
      const before = await store.workspaces.getTimeZone(workspace.id);
      await store.workspaces.setTimeZone(workspace.id, zone);
      io.out(`workspace ${workspace.id} (${workspace.name}): time zone ${before} → ${zone}`);
      return 0;
    } catch (error) {
      if (error instanceof UsageError || error instanceof ConfigError) throw error;
      io.err(`workspace time-zone failed: ${(error as Error).message ?? String(error)}`);
      return 1;
    } finally {
      await store?.close().catch(() => undefined);
    }
  };
}

export const workspaceTimeZone = workspaceTimeZoneCommand();
