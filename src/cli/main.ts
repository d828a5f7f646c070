import { RedisUnavailableError } from '../app/runtime';
import { ListenError, RedisEvictionError } from '../app/serve';
import { SetupFailedError } from '../app/setup-retry';
import { ConfigError } from '../config/env';
import { RulebookValidationError } from '../rulebook/rulebook-error';
import { DatabaseUnavailableError } from '../store/pg-driver';
import { StoreInUseError } from '../store/pglite-driver';
import { HelpRequested, InputFileError, UsageError } from './cli-error';
import type { Command, CommandIo } from './commands/command';
import { ERASE_HELP, erase } from './commands/erase.command';
import { EXPLAIN_HELP, explain } from './commands/explain.command';
import { KEYS_ROTATE_HELP, keysRotate } from './commands/keys-rotate.command';
import { REPORT_HELP, report } from './commands/report.command';
import { RULEBOOK_VALIDATE_HELP, rulebookValidate } from './commands/rulebook-validate.command';
import { SCORE_HELP, score } from './commands/score.command';
import { SERVE_HELP, serveCommand } from './commands/serve.command';
import { STATUS_HELP, status } from './commands/status.command';
import { WORKSPACE_TIME_ZONE_HELP, workspaceTimeZone } from './commands/workspace-time-zone.command';
import type { CommandHelp } from './options';

/** Every CLI command, listed in one place. */
const COMMANDS: Record<string, { run: Command; help: CommandHelp; summary: string }> = {
  'rulebook validate': { run: rulebookValidate, help: RULEBOOK_VALIDATE_HELP, summary: 'rulebook validate <file>        check a rulebook; lists every problem with its path and line' },
  score: { run: score, help: SCORE_HELP, summary: 'score --rulebook F --input F     one decision (JSON) per person line, in input order [--now ISO]' },
  explain: { run: explain, help: EXPLAIN_HELP, summary: 'explain --rulebook F --input F --id ID   a readable breakdown for one person [--now ISO]' },
  web: { run: serveCommand({ web: true, worker: false }), help: SERVE_HELP.web, summary: 'web                             the HTTP server: /healthz, /readyz, /metrics (HOST, PORT)' },
  worker: { run: serveCommand({ web: false, worker: true }), help: SERVE_HELP.worker, summary: 'worker                          the queue workers: sync, score, writeback, tasks; /healthz (WORKER_HEALTH_PORT)' },
  start: { run: serveCommand({ web: true, worker: true }), help: SERVE_HELP.start, summary: 'start                           web and worker in one process' },
  erase: { run: erase, help: ERASE_HELP, summary: 'erase --email ADDRESS            erase everyone with that email, audited without it [--workspace ID]' },
  status: { run: status, help: STATUS_HELP, summary: 'status [--json]                 readiness and stuck work, as /readyz says it; exit 1 when not ready' },
  'workspace time-zone': { run: workspaceTimeZone, help: WORKSPACE_TIME_ZONE_HELP, summary: 'workspace time-zone [--set ZONE]   show or set the zone scores fade in (IANA name) [--workspace ID]' },
  report: { run: report, help: REPORT_HELP, summary: 'report <funnel|volume|sla|recycle|roi>  a report as a table, CSV or JSON [--format F] [--workspace ID] [--weeks N]' },
  'keys rotate': { run: keysRotate, help: KEYS_ROTATE_HELP, summary: 'keys rotate                     re-seal every stored credential with the current key (LEADSTAGE_SECRET_KEY="new,old")' },
};

const HELP = [
  'usage: leadstage <command> [options]',
  '',
  ...Object.values(COMMANDS).map((c) => `  ${c.summary}`),
  '',
  '`leadstage <command> --help` describes a command; docs/operations.md the environment variables.',
].join('\n');

/**
 * Mistakes in a deployment or in what a user typed: each is one message (its class says what is
 * wrong and how to fix it), never a stack trace. Anything else is a bug and keeps its stack.
 */
const OPERATOR_ERRORS = [ConfigError, SetupFailedError, RedisEvictionError, RedisUnavailableError, DatabaseUnavailableError, StoreInUseError, ListenError, RulebookValidationError, InputFileError];

/** `rulebook` alone: the commands that start with it. */
function group(word: string): string[] {
  return Object.keys(COMMANDS).filter((name) => name.startsWith(`${word} `));
}

export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  const [first, second, ...rest] = argv;
  if (!first) {
    io.err(HELP);
    return 2;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = second === undefined ? undefined : (COMMANDS[`${second} ${rest[0] ?? ''}`.trim()] ?? COMMANDS[second]);
    io.out(topic ? topic.help.text : HELP);
    return 0;
  }
  const twoWord = second !== undefined ? COMMANDS[`${first} ${second}`] : undefined;
  const command = twoWord ?? COMMANDS[first];
  const args = twoWord ? rest : argv.slice(1);
  try {
    if (!command) {
      const subcommands = group(first);
      if (subcommands.length > 0) {
        if (second === '--help' || second === '-h') {
          io.out(subcommands.map((name) => COMMANDS[name]!.help.usage).join('\n'));
          return 0;
        }
        throw new UsageError(`${second === undefined ? `"${first}" needs a subcommand` : `unknown command "${first} ${second}"`}\n${subcommands.map((name) => COMMANDS[name]!.help.usage).join('\n')}`);
      }
      throw new UsageError(`unknown ${first.startsWith('-') ? 'option' : 'command'} "${first}"\n${HELP}`);
    }
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.out(error.help);
      return 0;
    }
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    if (OPERATOR_ERRORS.some((type) => error instanceof type)) {
      io.err((error as Error).message);
      return 1;
    }
    const errno = error as NodeJS.ErrnoException;
    if (errno.code === 'ENOENT' && errno.path) {
      io.err(`${errno.path}: no such file`);
      return 1;
    }
    throw error;
  }
}
