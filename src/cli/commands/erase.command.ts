import { loadSecretKey } from '../../app/secret-key';
import { ConfigError, loadEnv, type Env } from '../../config/env';
import { ERASED_TABLES, createStore, subjectHasher, type EmailErasure, type Store, type SubjectHasher, type Workspace } from '../../store';
import { UsageError } from '../cli-error';
import { chooseWorkspace } from '../choose-workspace';
import { parseOptions, required, type CommandHelp } from '../options';
import type { Command, CommandIo } from './command';

const USAGE = 'usage: leadstage erase --email <address> [--workspace <id>]';

const HELP = `${USAGE}

Erases every person with that email address in the workspace, across all its connected systems:
people matched by the address, people one of whose CRM records had it, and people made for an
event that named only the address. Everything that hangs off them goes (their records' links and
CRM values, events, decisions and stage history, pending writes, task bookkeeping, errors).

Leaves one row in erasure_audit: when, why (request), how many rows each table lost, and a keyed
hash of the address (never the address), so a repeated request is recognised. Earlier erasures of
the same address (a request, or a deletion in a CRM) are listed.

Leadstage's copy only: delete the person in the CRMs too, or the next change to their record there
brings them back. --workspace may be left out when the deployment has a single workspace.

Reads DATABASE_URL (or the embedded store in LEADSTAGE_DATA_DIR: stop the worker first) and
LEADSTAGE_SECRET_KEY. See docs/data-protection.md.`;

/** For `leadstage erase --help` (main.ts answers it before the command runs). */
export const ERASE_HELP: CommandHelp = { usage: USAGE, text: HELP };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface EraseDeps {
  /** The store and the subject hasher for this environment; closed by the command. */
  open(env: Env): Promise<{ store: Store; subjectHash: SubjectHasher }>;
  now(): Date;
  env(): Env;
}

const defaultDeps: EraseDeps = {
  async open(env) {
    const store = await createStore(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.LEADSTAGE_DATA_DIR });
    return { store, subjectHash: subjectHasher(loadSecretKey(env.LEADSTAGE_SECRET_KEY, env.LEADSTAGE_DATA_DIR)[0]!) };
  },
  now: () => new Date(),
  env: () => loadEnv(),
};

/**
 * `leadstage erase --email <address> [--workspace <id>]`: erasure on request
 * (ErasureRepository.eraseByEmail). Prints what it erased, table by table; a failure is one line
 * on stderr and exit 1, never a stack trace.
 */
export function eraseCommand(deps: EraseDeps = defaultDeps): Command {
  return async (args: string[], io: CommandIo): Promise<number> => {
    if (args.includes('--help') || args.includes('-h')) {
      io.out(HELP);
      return 0;
    }
    const options = parseOptions(args, { email: { type: 'string' }, workspace: { type: 'string' } }, ERASE_HELP);
    const email = required(options.email, 'email', USAGE).trim();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new UsageError(`--email: not an email address\n${USAGE}`);
    const workspaceId = typeof options.workspace === 'string' ? options.workspace : null;
    if (workspaceId !== null && !UUID.test(workspaceId)) throw new UsageError(`--workspace: "${workspaceId}" is not a workspace id (a UUID)\n${USAGE}`);

    let opened: Awaited<ReturnType<EraseDeps['open']>> | null = null;
    try {
      opened = await deps.open(deps.env());
      const workspace = await chooseWorkspace(opened.store, workspaceId, { nothing: 'nothing to erase', usage: USAGE });
      const result = await opened.store.erasure.eraseByEmail(workspace.id, email, { subjectHash: opened.subjectHash, now: deps.now() });
      report(io, workspace, result);
      return 0;
    } catch (error) {
      if (error instanceof UsageError || error instanceof ConfigError) throw error;
      io.err(`erase failed: ${(error as Error).message ?? String(error)}`);
      return 1;
    } finally {
      await opened?.store.close().catch(() => undefined);
    }
  };
}

export const erase = eraseCommand();


function report(io: CommandIo, workspace: Workspace, result: EmailErasure): void {
  const where = `workspace ${workspace.id} (${workspace.name})`;
  if (result.peopleErased === 0) io.out(`no person with that address in ${where}: nothing erased`);
  else io.out(`erased ${result.peopleErased} ${result.peopleErased === 1 ? 'person' : 'people'} with that address from ${where}`);
  const rows = ERASED_TABLES.map((table) => `${table} ${result.counts[table] ?? 0}`);
  io.out(`  rows erased: ${rows.join(', ')}`);
  io.out(`  recorded as erasure_audit #${result.audit.id} (reason request, subject ${result.audit.subjectHash!.slice(0, 12)}…; the address itself is not stored)`);
  for (const earlier of result.earlier) {
    io.out(`  erased before: ${earlier.requestedAt} (${earlier.reason}, ${earlier.peopleErased} ${earlier.peopleErased === 1 ? 'person' : 'people'})`);
  }
}
