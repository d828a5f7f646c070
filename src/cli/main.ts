import { RedisUnavailableError } from '../app/runtime';
import { ConfigError } from '../config/env';
import { RulebookValidationError } from '../rulebook/rulebook-error';
import { UsageError } from './cli-error';
import type { Command, CommandIo } from './commands/command';
import { erase } from './commands/erase.command';
import { explain } from './commands/explain.command';
import { rulebookValidate } from './commands/rulebook-validate.command';
import { score } from './commands/score.command';
import { serveCommand } from './commands/serve.command';

/** Every CLI command, listed in one place. */
const COMMANDS: Record<string, { run: Command; summary: string }> = {
  'rulebook validate': { run: rulebookValidate, summary: 'rulebook validate <file>        check a rulebook; lists every problem with its path and line' },
  score: { run: score, summary: 'score --rulebook F --input F     one decision (JSON) per person line, in input order [--now ISO]' },
  explain: { run: explain, summary: 'explain --rulebook F --input F --id ID   a readable breakdown for one person [--now ISO]' },
  web: { run: serveCommand({ web: true, worker: false }), summary: 'web                             the HTTP server: /healthz, /readyz, /metrics (PORT)' },
  worker: { run: serveCommand({ web: false, worker: true }), summary: 'worker                          the queue workers: sync, score, writeback, tasks' },
  start: { run: serveCommand({ web: true, worker: true }), summary: 'start                           web and worker in one process' },
  erase: { run: erase, summary: 'erase --email ADDRESS            erase everyone with that email, audited without it [--workspace ID]' },
};

const HELP = ['usage: leadstage <command> [options]', '', ...Object.values(COMMANDS).map((c) => `  ${c.summary}`)].join('\n');

export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  const [first, second, ...rest] = argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    io.out(HELP);
    return first ? 0 : 2;
  }
  const twoWord = second !== undefined ? COMMANDS[`${first} ${second}`] : undefined;
  const command = twoWord ?? COMMANDS[first];
  const args = twoWord ? rest : argv.slice(1);
  try {
    if (!command) throw new UsageError(`unknown command "${argv.join(' ')}"`);
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      if (!command) io.err(HELP);
      return 2;
    }
    if (error instanceof RulebookValidationError) {
      io.err(error.message);
      return 1;
    }
    const errno = error as NodeJS.ErrnoException;
    if (error instanceof ConfigError || error instanceof RedisUnavailableError) {
      io.err(error.message);
      return 1;
    }
    if (errno.code === 'ENOENT' && errno.path) {
      io.err(`${errno.path}: no such file`);
      return 1;
    }
    throw error;
  }
}
